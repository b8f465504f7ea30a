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
	IRQB_V_RAW_IRQSAVE,
	IRQB_V_RAW_IRQSAVE_HOH,
	IRQB_V_IRQ,
	IRQB_V_COUNTED,
	IRQB_V_COUNTED_HOH,
	IRQB_V_RAW_COUNTED,
	IRQB_V_RAW_COUNTED_HOH,
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
 * Under PREEMPT_RT a spinlock_t is an rt_mutex, which may sleep: taking it
 * with interrupts masked is a bug there (CONFIG_DEBUG_ATOMIC_SLEEP reports
 * it), so a variant that takes one runs entered "on" only, and not at all
 * where its own code masks first (scoped, lock_with). Its counted models
 * mask too, so only the kernel's own spin_lock_irq_disable() (an
 * rt_spin_lock() there) runs (timing.c). provoke.c takes that path once.
 */
#define IRQB_WHY_RT \
	"under PREEMPT_RT spinlock_t is an rt_mutex: taking it with interrupts masked is a bug"
#ifdef CONFIG_PREEMPT_RT	/* not IS_ENABLED(): the host tests build this too */
#define IRQB_RT		1
#else
#define IRQB_RT		0
#endif
#define IRQB_RT_ON(states)	((states) & (IRQB_RT ? IRQB_STATE_ON : 0xff))
#define IRQB_RT_NONE(states)	((states) & (IRQB_RT ? 0 : 0xff))
#define IRQB_RT_WHY(why)	(IRQB_RT ? IRQB_WHY_RT : (why))

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
	.states = IRQB_RT_ON(IRQB_STATES_PLAIN),			\
	.why = IRQB_RT_WHY(IRQB_WHY_PLAIN),				\
}
#define IRQB_META_IRQSAVE_HOH {						\
	.id = "irqsave_hoh",						\
	.desc = "D spin_lock_irqsave, unlocked hand-over-hand (outer first)", \
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_RT_ON(IRQB_STATES_PLAIN), .hazard = true,	\
	.why = IRQB_RT_WHY(IRQB_WHY_PLAIN),				\
}
/*
 * raw_spinlock_t: the same as spinlock_t's irqsave where spinlock_t spins,
 * and the only lock that still masks interrupts under PREEMPT_RT, where
 * the hand-over-hand hazard survives.
 */
#define IRQB_META_RAW_IRQSAVE {						\
	.id = "raw_irqsave",						\
	.desc = "D nested raw_spin_lock_irqsave, unlocked in reverse",	\
	.min_depth = 1, .max_depth = 16, .lock = IRQB_LOCK_RAW,		\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_PLAIN,		\
}
#define IRQB_META_RAW_IRQSAVE_HOH {					\
	.id = "raw_irqsave_hoh",					\
	.desc = "D raw_spin_lock_irqsave, unlocked hand-over-hand (outer first)", \
	.min_depth = 1, .max_depth = 16, .lock = IRQB_LOCK_RAW,		\
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
	.states = IRQB_RT_ON(IRQB_STATES_COUNTED), .counted = true,	\
	.why = IRQB_RT_WHY(""),						\
}
#define IRQB_META_COUNTED_HOH {						\
	.id = "counted_hoh",						\
	.desc = "D spin_lock_irq_disable, unlocked hand-over-hand",	\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_RT_ON(IRQB_STATES_COUNTED), .counted = true,	\
	.why = IRQB_RT_WHY(""),						\
}
/*
 * raw_spin_lock_irq_disable(): counted disabling around a raw_spinlock_t,
 * which still spins (and masks) under PREEMPT_RT. Only the kernel's own
 * exists (7.3): the models are of spinlock_t's, so none runs it elsewhere.
 */
#define IRQB_META_RAW_COUNTED {						\
	.id = "raw_counted",						\
	.desc = "D nested raw_spin_lock_irq_disable, unlocked in reverse", \
	.min_depth = 1, .max_depth = 16, .lock = IRQB_LOCK_RAW,		\
	.states = IRQB_STATES_COUNTED, .counted = true,			\
	.native_only = true, .why = "",					\
}
#define IRQB_META_RAW_COUNTED_HOH {					\
	.id = "raw_counted_hoh",					\
	.desc = "D raw_spin_lock_irq_disable, unlocked hand-over-hand",	\
	.min_depth = 1, .max_depth = 16, .lock = IRQB_LOCK_RAW,		\
	.states = IRQB_STATES_COUNTED, .counted = true,			\
	.native_only = true, .why = "",					\
}
#define IRQB_META_LOCK_WITH {						\
	.id = "lock_with",						\
	.desc = "D plain spin_lock under an outer local_interrupt_disable (lock_with)", \
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_RT_NONE(IRQB_STATE_OFF | IRQB_STATE_OFF_RAW),	\
	.counted = true,						\
	.why = IRQB_RT_WHY("lock_with needs interrupts already disabled (the token)"), \
}
#define IRQB_META_SCOPED {						\
	.id = "scoped",							\
	.desc = "scoped_guard(irqsave) (flags in a cleanup local), then D plain locks", \
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_RT_NONE(IRQB_STATES_PLAIN),			\
	.why = IRQB_RT_WHY(IRQB_WHY_PLAIN),				\
}
#define IRQB_META_IRQ_SAVE_ONLY {					\
	.id = "irq_save_only",						\
	.lock = IRQB_LOCK_NONE,						\
	.desc = "D nested local_irq_save/local_irq_restore",		\
	.min_depth = 1, .max_depth = IRQB_INLINE_SAVE_MAX_DEPTH,	\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_INLINE_SAVE,	\
}
#define IRQB_META_INTERRUPT_ONLY {					\
	.id = "interrupt_only",						\
	.lock = IRQB_LOCK_NONE,						\
	.desc = "D nested local_interrupt_disable/local_interrupt_enable", \
	.min_depth = 1, .max_depth = IRQB_INLINE_SAVE_MAX_DEPTH,	\
	.states = IRQB_STATES_COUNTED, .counted = true,			\
	.why = IRQB_WHY_INLINE_SAVE,					\
}
#define IRQB_META_SPIN_ONLY {						\
	.id = "spin_only",						\
	.desc = "D nested plain spin_lock/spin_unlock",			\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_RT_ON(IRQB_STATES_PLAIN),			\
	.why = IRQB_RT_WHY(IRQB_WHY_PLAIN),				\
}
#define IRQB_META_PREEMPT_ONLY {					\
	.id = "preempt_only",						\
	.lock = IRQB_LOCK_NONE,						\
	.desc = "D nested preempt_disable/preempt_enable",		\
	.min_depth = 1, .max_depth = 16,				\
	.states = IRQB_STATES_PLAIN, .why = IRQB_WHY_PLAIN,		\
}
#define IRQB_META_EMPTY {						\
	.id = "empty",							\
	.lock = IRQB_LOCK_NONE,						\
	.desc = "no operation: the timing method's zero (must be 0)",	\
	.min_depth = 1, .max_depth = 1, .states = IRQB_STATES_PLAIN,	\
	.why = "the empty operation has no nesting",			\
}

/* The rows above as an array, for code that has no kernel-side table. */
extern const struct irqb_variant_meta irqb_variant_meta[IRQB_NR_VARIANTS];

#endif /* IRQB_VARIANT_META_H */
