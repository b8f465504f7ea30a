/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the request parser and the outputs know of each variant: one
 * designated initializer per variant, used by the module's table
 * (variants.c) and, through variant_meta.c, by the host tests and the
 * fuzzer, so both parse against the very same rows.
 */
#ifndef IRQB_VARIANT_META_H
#define IRQB_VARIANT_META_H

#include "request.h"

/* Row indices of the variant table: ids in every output follow .id below. */
enum irqb_variant_id {
	IRQB_V_IRQSAVE,
	IRQB_V_IRQSAVE_HOH,
	IRQB_V_IRQ,
	IRQB_V_COUNTED,
	IRQB_V_COUNTED_HOH,
	IRQB_V_LOCK_WITH,
	IRQB_V_SCOPED,
	IRQB_V_IRQ_SAVE_ONLY,
	IRQB_V_INTERRUPT_ONLY,
	IRQB_V_SPIN_ONLY,
	IRQB_V_PREEMPT_ONLY,
	IRQB_V_EMPTY,
	IRQB_NR_VARIANTS,
};

/*
 * Entered "off", a variant that does not count runs under local_irq_save():
 * that is already the raw path, so off-raw is offered to counted variants
 * only (under an outer counted region, "off", the count is not 0).
 */
#define IRQB_STATES_PLAIN	(IRQB_STATE_ON | IRQB_STATE_OFF)
#define IRQB_STATES_COUNTED	IRQB_STATE_ALL
#define IRQB_WHY_PLAIN		"off-raw is the off path of a variant that does not count"

/*
 * Variants that save the flags inline at every level run two operations
 * back to back in one loop body (timing.c): at depth 16 that is 32 pushf
 * on one path, and x86's objtool, validating uaccess on distribution
 * kernels (SMAP), follows at most 31 ("PUSHF stack exhausted").
 */
#ifdef CONFIG_X86
#define IRQB_INLINE_SAVE_MAX_DEPTH	15
#define IRQB_WHY_INLINE_SAVE	"x86 objtool follows at most 31 pushf on one path: two depth-16 operations are 32"
#else
#define IRQB_INLINE_SAVE_MAX_DEPTH	16
#define IRQB_WHY_INLINE_SAVE	""
#endif

#define IRQB_META_IRQSAVE {						\
	.id = "irqsave",						\
	.desc = "D nested spin_lock_irqsave, unlocked in reverse",	\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_PLAIN,		\
}
#define IRQB_META_IRQSAVE_HOH {						\
	.id = "irqsave_hoh",						\
	.desc = "D spin_lock_irqsave, unlocked hand-over-hand (outer first)", \
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_PLAIN, .hazard = true,			\
	.why = IRQB_WHY_PLAIN,						\
}
#define IRQB_META_IRQ {							\
	.id = "irq",							\
	.desc = "spin_lock_irq/spin_unlock_irq",			\
	.min_depth = 1, .max_depth = 1, .states = IRQB_STATE_ON,	\
	.why = "spin_unlock_irq enables interrupts, so it cannot nest or run inside an interrupt-off region", \
}
#define IRQB_META_COUNTED {						\
	.id = "counted",						\
	.desc = "D nested spin_lock_irq_disable, unlocked in reverse",	\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_COUNTED, .counted = true, .why = "",	\
}
#define IRQB_META_COUNTED_HOH {						\
	.id = "counted_hoh",						\
	.desc = "D spin_lock_irq_disable, unlocked hand-over-hand",	\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_COUNTED, .counted = true, .why = "",	\
}
#define IRQB_META_LOCK_WITH {						\
	.id = "lock_with",						\
	.desc = "D plain spin_lock under an outer local_interrupt_disable (lock_with)", \
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATE_OFF | IRQB_STATE_OFF_RAW, .counted = true,	\
	.why = "lock_with needs interrupts already disabled (the token)", \
}
#define IRQB_META_SCOPED {						\
	.id = "scoped",							\
	.desc = "scoped_guard(irqsave) (flags in a cleanup local), then D plain locks", \
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_PLAIN,		\
}
#define IRQB_META_IRQ_SAVE_ONLY {					\
	.id = "irq_save_only",						\
	.desc = "D nested local_irq_save/local_irq_restore",		\
	.min_depth = 1, .max_depth = IRQB_INLINE_SAVE_MAX_DEPTH,	\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_INLINE_SAVE,	\
}
#define IRQB_META_INTERRUPT_ONLY {					\
	.id = "interrupt_only",						\
	.desc = "D nested local_interrupt_disable/local_interrupt_enable", \
	.min_depth = 1, .max_depth = IRQB_INLINE_SAVE_MAX_DEPTH,	\
	.states = IRQB_STATES_COUNTED, .counted = true,			\
	.why = IRQB_WHY_INLINE_SAVE,					\
}
#define IRQB_META_SPIN_ONLY {						\
	.id = "spin_only",						\
	.desc = "D nested plain spin_lock/spin_unlock",			\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_PLAIN,		\
}
#define IRQB_META_PREEMPT_ONLY {					\
	.id = "preempt_only",						\
	.desc = "D nested preempt_disable/preempt_enable",		\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_PLAIN,		\
}
#define IRQB_META_EMPTY {						\
	.id = "empty",							\
	.desc = "no operation: the timing method's zero (must be 0)",	\
	.min_depth = 1, .max_depth = 1, .states = IRQB_STATES_PLAIN,	\
	.why = "the empty operation has no nesting",			\
}

/* The rows above as an array, for code that has no kernel-side table. */
extern const struct irqb_variant_meta irqb_variant_meta[IRQB_NR_VARIANTS];

#endif /* IRQB_VARIANT_META_H */
