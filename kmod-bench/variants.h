/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The variant table: one row per variant, the only place its facts are
 * written. The module builds each row's loops from it (variants.c), the
 * builtin copy in vmlinux its counted rows, the host's request checker,
 * tests and fuzzer its plain table (variant_meta.c), and the host's
 * reports read it back from debugfs "variants" of every boot. A row, in
 * variant_rows.h, is
 *
 *	IRQB_VARIANT(id, kind, max_depth, designated initialisers of irqb_variant_meta)
 *
 * and its operation is id##_op() in variants.c, or for a Rust row a
 * function the Rust module registers (ext.c): adding a variant is that
 * function and one row in variant_rows.h. kind:
 *	PLAIN		the kernel's own code, impl native only
 *	HAZARD		PLAIN that may leave interrupts on; entered on, the
 *			put-back is timed alone and subtracted (timing.c)
 *	COUNTED		counted disabling: native, native-builtin and every
 *			model; entered off inside a counted region
 *	NATIVE_ONLY	COUNTED with no model: native and native-builtin
 *	RUST		COUNTED-entered, native only, run by irqbench_rust.ko
 * .same names cases that run another variant's code, which the host's
 * checks hold to identical figures under tcg-icount:
 * "IMPL dD STATES: ID [dD STATE]; ..." (the other case's depth and state
 * are this one's unless given).
 */
#ifndef IRQB_VARIANTS_H
#define IRQB_VARIANTS_H

#include "request.h"

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
 * rt_spin_lock() there) runs (irqb_variants_init()). provoke.c takes that
 * path once.
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

#define IRQB_WHY_RUST	"the Rust module's rows: entered on, off or off-raw"

/* What each kind sets in a row. */
#define IRQB_KIND_PLAIN		.lang = "c", .impls = 1U << IRQB_IMPL_NATIVE
#define IRQB_KIND_HAZARD	IRQB_KIND_PLAIN, .hazard = true
#define IRQB_KIND_COUNTED	.lang = "c", .counted = true,		\
				.impls = (1U << IRQB_NR_IMPLS) - 1
#define IRQB_KIND_NATIVE_ONLY	.lang = "c", .counted = true,		\
				.impls = (1U << IRQB_IMPL_NATIVE) |	\
					 (1U << IRQB_IMPL_NATIVE_BUILTIN)
#define IRQB_KIND_RUST		.lang = "rust", .counted = true,	\
				.impls = 1U << IRQB_IMPL_NATIVE

#define IRQB_META_ROW(id_, kind, maxd, ...)				\
	{ .id = #id_, .max_depth = (maxd), IRQB_KIND_##kind, __VA_ARGS__ }

/* Row indices: IRQB_V_<id>, in table order (the order of every output). */
enum irqb_variant_id {
#define IRQB_VARIANT(id, ...)	IRQB_V_##id,
#include "variant_rows.h"
#undef IRQB_VARIANT
	IRQB_NR_VARIANTS,
};

/* The rows above as an array, for code that has no kernel-side table. */
extern const struct irqb_variant_meta irqb_variant_meta[IRQB_NR_VARIANTS];

#endif /* IRQB_VARIANTS_H */
