// SPDX-License-Identifier: GPL-2.0
/*
 * The variants: one always-inline operation each, id_op() for the row id
 * of variants.h, whose loops and table row the bottom of this file builds.
 * An operation takes @depth locks and releases them; with a non-NULL @vd
 * it also checks, while a lock is still held, that interrupts are off,
 * and counts the operation once if they were not.
 */
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include "counted.h"

/*
 * The flags arrays are sized for the deepest nesting; with
 * CONFIG_INIT_STACK_ALL_ZERO the compiler would clear all 16 words on every
 * operation, a cost that code with a fixed nesting does not pay.
 */
#if __has_attribute(__uninitialized__)
#define IRQB_NOINIT __attribute__((__uninitialized__))
#else
#define IRQB_NOINIT
#endif

/*
 * Unroll the nesting fully, as code with a fixed nesting is written: left
 * to its heuristics the compiler keeps a loop at depth 8 and the loop's own
 * instructions would be counted as the primitive's.
 */
#ifdef IRQB_HAVE_UNROLL_H
#include <linux/unroll.h>
#endif
#ifndef unrolled_count	/* as linux/unroll.h spells it from 6.14 on */
#define __irqb_pragma(x)	_Pragma(#x)
#ifdef CONFIG_CC_IS_CLANG
#define unrolled_count(n)	__irqb_pragma(clang loop unroll_count(n))
#else
#define unrolled_count(n)	__irqb_pragma(GCC unroll n)
#endif
#endif

/*
 * Out of line: reading the flags is a pushf on x86, and objtool's model of
 * nested pushf within one function is bounded (a distribution kernel with
 * SMAP validation warns "PUSHF stack exhausted" at depth 16). Only the
 * untimed verification calls it: a lock is still held; are interrupts on?
 */
static noinline bool irqb_irqs_on(void)
{
	return !irqs_disabled();
}

/* With a verdict (verification), note whether interrupts are on here. */
static __always_inline void held(struct irqb_verdict *vd, bool *leaked)
{
	if (vd && irqb_irqs_on()) {
		*leaked = true;
		vd->exposed++;
	}
}

static __always_inline void tally(struct irqb_verdict *vd, bool leaked)
{
	if (vd && leaked)
		vd->leaks++;
}

static __always_inline spinlock_t *lk(struct irqb_ctx *c, int i)
{
	return &c->locks[i].lock;
}

static __always_inline void irqsave_op(struct irqb_ctx *c, const int depth,
				       const unsigned int impl, struct irqb_verdict *vd)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock_irqsave(lk(c, i), flags[i]);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		spin_unlock_irqrestore(lk(c, i), flags[i]);
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

/* The thread's hazard: the outer lock goes first and restores its flags. */
static __always_inline void irqsave_hoh_op(struct irqb_ctx *c, const int depth,
					   const unsigned int impl, struct irqb_verdict *vd)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock_irqsave(lk(c, i), flags[i]);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = 0; i < depth; i++) {
		spin_unlock_irqrestore(lk(c, i), flags[i]);
		if (i < depth - 1)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

static __always_inline raw_spinlock_t *rlk(struct irqb_ctx *c, int i)
{
	return &c->locks[i].raw;
}

static __always_inline void raw_irqsave_op(struct irqb_ctx *c, const int depth,
					   const unsigned int impl,
					   struct irqb_verdict *vd)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		raw_spin_lock_irqsave(rlk(c, i), flags[i]);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		raw_spin_unlock_irqrestore(rlk(c, i), flags[i]);
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

/* The hazard with raw_spinlock_t: it survives PREEMPT_RT. */
static __always_inline void raw_irqsave_hoh_op(struct irqb_ctx *c,
					       const int depth,
					       const unsigned int impl,
					       struct irqb_verdict *vd)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		raw_spin_lock_irqsave(rlk(c, i), flags[i]);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = 0; i < depth; i++) {
		raw_spin_unlock_irqrestore(rlk(c, i), flags[i]);
		if (i < depth - 1)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

static __always_inline void irq_op(struct irqb_ctx *c, const int depth,
				   const unsigned int impl, struct irqb_verdict *vd)
{
	bool leaked = false;

	spin_lock_irq(lk(c, 0));
	held(vd, &leaked);
	spin_unlock_irq(lk(c, 0));
	tally(vd, leaked);
}

static __always_inline void counted_op(struct irqb_ctx *c, const int depth,
				       const unsigned int impl, struct irqb_verdict *vd)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_spin_lock_irq_disable(lk(c, i), impl);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		irqb_spin_unlock_irq_enable(lk(c, i), impl);
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

static __always_inline void counted_hoh_op(struct irqb_ctx *c, const int depth,
					   const unsigned int impl, struct irqb_verdict *vd)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_spin_lock_irq_disable(lk(c, i), impl);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = 0; i < depth; i++) {
		irqb_spin_unlock_irq_enable(lk(c, i), impl);
		if (i < depth - 1)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

static __always_inline void raw_counted_op(struct irqb_ctx *c,
					   const int depth,
					   const unsigned int impl,
					   struct irqb_verdict *vd)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_raw_spin_lock_irq_disable(rlk(c, i));
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		irqb_raw_spin_unlock_irq_enable(rlk(c, i));
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

/* The hand-over-hand order that breaks raw_irqsave_hoh, counted: no leak. */
static __always_inline void raw_counted_hoh_op(struct irqb_ctx *c,
					       const int depth,
					       const unsigned int impl,
					       struct irqb_verdict *vd)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_raw_spin_lock_irq_disable(rlk(c, i));
	held(vd, &leaked);
	unrolled_count(16)
	for (i = 0; i < depth; i++) {
		irqb_raw_spin_unlock_irq_enable(rlk(c, i));
		if (i < depth - 1)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

/*
 * lock_with(): the batch's outer local_interrupt_disable() is the proof
 * that interrupts are off (Rust's &LocalInterruptDisabled), so each level
 * is a plain spin_lock() and no interrupt work is done.
 */
static __always_inline void lock_with_op(struct irqb_ctx *c, const int depth,
					 const unsigned int impl, struct irqb_verdict *vd)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock(lk(c, i));
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		spin_unlock(lk(c, i));
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

/*
 * The thread's scoped_irq_disable proposal: local_irq_save() into a local
 * that a cleanup attribute restores when the scope is left. The kernel's
 * scoped_guard(irqsave) is exactly that shape; kernels without the irqsave
 * guard get the same cleanup-attribute local spelled out.
 */
#ifndef IRQB_HAVE_IRQSAVE_GUARD
static __always_inline void irqb_scoped_restore(unsigned long *flags)
{
	local_irq_restore(*flags);
}

static __always_inline unsigned long irqb_scoped_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}
#endif

static __always_inline void scoped_body(struct irqb_ctx *c, const int depth,
					struct irqb_verdict *vd, bool *leaked)
{
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock(lk(c, i));
	held(vd, leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		spin_unlock(lk(c, i));
		if (i)
			held(vd, leaked);
	}
}

static __always_inline void scoped_op(struct irqb_ctx *c, const int depth,
				      const unsigned int impl,
				      struct irqb_verdict *vd)
{
	bool leaked = false;

#ifdef IRQB_HAVE_IRQSAVE_GUARD
	scoped_guard(irqsave) {
		scoped_body(c, depth, vd, &leaked);
	}
#else
	{
		unsigned long scope __cleanup(irqb_scoped_restore) =
			irqb_scoped_save();

		scoped_body(c, depth, vd, &leaked);
	}
#endif
	tally(vd, leaked);
}

static __always_inline void irq_save_only_op(struct irqb_ctx *c,
					     const int depth,
					     const unsigned int impl,
					     struct irqb_verdict *vd)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		local_irq_save(flags[i]);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		local_irq_restore(flags[i]);
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

static __always_inline void interrupt_only_op(struct irqb_ctx *c,
					      const int depth,
					      const unsigned int impl,
					      struct irqb_verdict *vd)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_interrupt_disable(impl);
	held(vd, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		irqb_interrupt_enable(impl);
		if (i)
			held(vd, &leaked);
	}
	tally(vd, leaked);
}

/* Baselines that do not promise interrupts off: no leak checks. */
static __always_inline void spin_only_op(struct irqb_ctx *c, const int depth,
					 const unsigned int impl, struct irqb_verdict *vd)
{
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock(lk(c, i));
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--)
		spin_unlock(lk(c, i));
}

static __always_inline void preempt_only_op(struct irqb_ctx *c,
					    const int depth,
					    const unsigned int impl, struct irqb_verdict *vd)
{
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		preempt_disable();
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--)
		preempt_enable();
}

static __always_inline void empty_op(struct irqb_ctx *c, const int depth,
				     const unsigned int impl, struct irqb_verdict *vd)
{
	barrier();
}

/*
 * Batch loops with the depth and the implementation as constants, so the
 * compiler unrolls the nesting and folds the implementation switch, as it
 * would in kernel code with a fixed nesting. Each depth has two loops in
 * one function that differ only in running the operation once or twice
 * per iteration; the loops themselves are never unrolled, so their
 * difference over @n iterations is exactly @n operations.
 */
#ifndef unrolled_none
#ifdef CONFIG_CC_IS_CLANG
#define unrolled_none		__irqb_pragma(clang loop unroll(disable))
#else
#define unrolled_none		__irqb_pragma(GCC unroll 1)
#endif
#endif

#define IRQB_CASE(name, d, impl, maxd)					\
	case d:								\
		if (d > (maxd))						\
			break;						\
		if (twice) {						\
			unrolled_none					\
			for (k = 0; k < n; k++) {			\
				name##_op(c, d, impl, NULL);		\
				name##_op(c, d, impl, NULL);		\
			}						\
		} else {						\
			unrolled_none					\
			for (k = 0; k < n; k++)				\
				name##_op(c, d, impl, NULL);		\
		}							\
		break

/* NAME_loops_SFX: the batch loops of NAME's row for one impl. */
#define IRQB_DEFINE_LOOPS(name, sfx, impl, maxd)			\
static noinline void name##_loops_##sfx(struct irqb_ctx *c, u32 n,	\
					bool twice)			\
{									\
	u32 k;								\
									\
	switch (c->depth) {						\
	IRQB_CASE(name, 1, impl, maxd);					\
	IRQB_CASE(name, 2, impl, maxd);					\
	IRQB_CASE(name, 3, impl, maxd);					\
	IRQB_CASE(name, 4, impl, maxd);					\
	IRQB_CASE(name, 5, impl, maxd);					\
	IRQB_CASE(name, 6, impl, maxd);					\
	IRQB_CASE(name, 7, impl, maxd);					\
	IRQB_CASE(name, 8, impl, maxd);					\
	IRQB_CASE(name, 9, impl, maxd);					\
	IRQB_CASE(name, 10, impl, maxd);				\
	IRQB_CASE(name, 11, impl, maxd);				\
	IRQB_CASE(name, 12, impl, maxd);				\
	IRQB_CASE(name, 13, impl, maxd);				\
	IRQB_CASE(name, 14, impl, maxd);				\
	IRQB_CASE(name, 15, impl, maxd);				\
	IRQB_CASE(name, 16, impl, maxd);				\
	}								\
}

#ifdef IRQB_BUILTIN
/*
 * Built into vmlinux (native-builtin): the native loops of the rows that
 * count and have the kernel's own code, for the module to call through
 * irqb_builtin_loops(). Nothing else of the module is here.
 */
#define IRQB_BUILTIN_PLAIN(id, maxd)
#define IRQB_BUILTIN_HAZARD(id, maxd)
#define IRQB_BUILTIN_RUST(id, maxd)
#define IRQB_BUILTIN_COUNTED(id, maxd)	IRQB_DEFINE_LOOPS(id, native, IRQB_IMPL_NATIVE, maxd)
#define IRQB_BUILTIN_NATIVE_ONLY	IRQB_BUILTIN_COUNTED
#define IRQB_VARIANT(id, kind, maxd, ...)	IRQB_BUILTIN_##kind(id, maxd)
#include "variant_rows.h"
#undef IRQB_VARIANT

#define IRQB_BUILTIN_FN_PLAIN(id)
#define IRQB_BUILTIN_FN_HAZARD(id)
#define IRQB_BUILTIN_FN_RUST(id)
#define IRQB_BUILTIN_FN_COUNTED(id)	\
	[IRQB_V_##id] = id##_loops_native,
#define IRQB_BUILTIN_FN_NATIVE_ONLY	IRQB_BUILTIN_FN_COUNTED
static const irqb_batch_fn irqb_builtin_batch[IRQB_NR_VARIANTS] = {
#define IRQB_VARIANT(id, kind, ...)	IRQB_BUILTIN_FN_##kind(id)
#include "variant_rows.h"
#undef IRQB_VARIANT
};

/* The loops by row index (NULL for a row with none), for irqbench.ko. */
const irqb_batch_fn *irqb_builtin_loops(void)
{
	return irqb_builtin_batch;
}
EXPORT_SYMBOL_GPL(irqb_builtin_loops);
#else

/*
 * One impl of a row: NAME_loops_SFX, and NAME_verify_SFX, the same
 * constant-depth operations with checks on, each followed by a look at
 * the interrupt state, put back if it changed.
 */
#define IRQB_VCASE(name, d, impl, maxd)					\
	case d:								\
		if (d > (maxd))						\
			break;						\
		for (k = 0; k < n; k++) {				\
			local_save_flags(flags);			\
			name##_op(c, d, impl, vd);			\
			if (irqs_disabled() != irqs_disabled_flags(flags)) { \
				vd->changes++;				\
				local_irq_restore(flags);		\
			}						\
		}							\
		break

#define IRQB_DEFINE_IMPL(name, sfx, impl, maxd)				\
IRQB_DEFINE_LOOPS(name, sfx, impl, maxd)				\
static noinline void name##_verify_##sfx(struct irqb_ctx *c, u32 n,	\
					 struct irqb_verdict *vd)	\
{									\
	unsigned long flags;						\
	u32 k;								\
									\
	switch (c->depth) {						\
	IRQB_VCASE(name, 1, impl, maxd);				\
	IRQB_VCASE(name, 2, impl, maxd);				\
	IRQB_VCASE(name, 3, impl, maxd);				\
	IRQB_VCASE(name, 4, impl, maxd);				\
	IRQB_VCASE(name, 5, impl, maxd);				\
	IRQB_VCASE(name, 6, impl, maxd);				\
	IRQB_VCASE(name, 7, impl, maxd);				\
	IRQB_VCASE(name, 8, impl, maxd);				\
	IRQB_VCASE(name, 9, impl, maxd);				\
	IRQB_VCASE(name, 10, impl, maxd);				\
	IRQB_VCASE(name, 11, impl, maxd);				\
	IRQB_VCASE(name, 12, impl, maxd);				\
	IRQB_VCASE(name, 13, impl, maxd);				\
	IRQB_VCASE(name, 14, impl, maxd);				\
	IRQB_VCASE(name, 15, impl, maxd);				\
	IRQB_VCASE(name, 16, impl, maxd);				\
	}								\
}

/*
 * The hazard variant entered "on", with the entry state put back. The
 * put-back is one out-of-line call, in its loops and in the loop that
 * times it alone: inlined, local_irq_enable() compiles differently beside
 * the lock calls than alone (arm64 rematerialises its PMR constant after
 * every call), and the difference would survive the subtraction.
 */
static noinline void irqb_putback(void)
{
	local_irq_enable();
}

/* The put-back alone, entered "on": what a hazard op entered on adds. */
static __always_inline void putback_op(struct irqb_ctx *c, const int depth,
				       const unsigned int impl,
				       struct irqb_verdict *vd)
{
	irqb_putback();
}

IRQB_DEFINE_LOOPS(putback, native, IRQB_IMPL_NATIVE, IRQB_MAX_DEPTH)

void irqb_putback_batch(struct irqb_ctx *c, u32 n, bool twice)
{
	putback_loops_native(c, n, twice);
}

/*
 * What each kind of row compiles: its loops and verification for every
 * impl it has (native only ever runs where the kernel has it; native-
 * builtin is vmlinux's, verified through the module's native code), and
 * for a hazard row the loops that put interrupts back on after each op.
 * A Rust row's functions are the Rust module's (ext.c).
 */
#define IRQB_GEN_PLAIN(id, maxd)	IRQB_DEFINE_IMPL(id, native, IRQB_IMPL_NATIVE, maxd)
#define IRQB_GEN_NATIVE_ONLY		IRQB_GEN_PLAIN
#define IRQB_GEN_RUST(id, maxd)
#define IRQB_GEN_HAZARD(id, maxd)					\
IRQB_DEFINE_IMPL(id, native, IRQB_IMPL_NATIVE, maxd)			\
static __always_inline void id##_pb_op(struct irqb_ctx *c,		\
				       const int depth,			\
				       const unsigned int impl,		\
				       struct irqb_verdict *vd)		\
{									\
	id##_op(c, depth, impl, vd);					\
	irqb_putback();							\
}									\
IRQB_DEFINE_LOOPS(id##_pb, native, IRQB_IMPL_NATIVE, maxd)
/* every model has its loops: the models are the impls before native-builtin */
#define IRQB_GEN_COUNTED(id, maxd)					\
static_assert(IRQB_IMPL_V1 + 1 == IRQB_IMPL_NATIVE_BUILTIN);		\
IRQB_DEFINE_IMPL(id, native, IRQB_IMPL_NATIVE, maxd)			\
IRQB_DEFINE_IMPL(id, v73, IRQB_IMPL_V73, maxd)				\
IRQB_DEFINE_IMPL(id, tip, IRQB_IMPL_TIP, maxd)				\
IRQB_DEFINE_IMPL(id, v1, IRQB_IMPL_V1, maxd)

#define IRQB_VARIANT(id, kind, maxd, ...)	IRQB_GEN_##kind(id, maxd)
#include "variant_rows.h"
#undef IRQB_VARIANT

/* The functions each kind of row runs with, by impl: dispatch as data. */
#define IRQB_FNS_PLAIN(id)						\
	.batch = { [IRQB_IMPL_NATIVE] = id##_loops_native },		\
	.verify = { [IRQB_IMPL_NATIVE] = id##_verify_native }
#define IRQB_FNS_HAZARD(id)						\
	.batch = { [IRQB_IMPL_NATIVE] = id##_loops_native },		\
	.verify = { [IRQB_IMPL_NATIVE] = id##_verify_native },		\
	.putback = id##_pb_loops_native
/* native-builtin: vmlinux's loops, set by irqb_variants_init() */
#define IRQB_FNS_NATIVE_ONLY(id)					\
	.batch = { [IRQB_IMPL_NATIVE] = id##_loops_native },		\
	.verify = { [IRQB_IMPL_NATIVE] = id##_verify_native,		\
		    [IRQB_IMPL_NATIVE_BUILTIN] = id##_verify_native }
#define IRQB_FNS_COUNTED(id)						\
	.batch = { [IRQB_IMPL_NATIVE] = id##_loops_native,		\
		   [IRQB_IMPL_V73] = id##_loops_v73,			\
		   [IRQB_IMPL_TIP] = id##_loops_tip,			\
		   [IRQB_IMPL_V1] = id##_loops_v1 },			\
	.verify = { [IRQB_IMPL_NATIVE] = id##_verify_native,		\
		    [IRQB_IMPL_NATIVE_BUILTIN] = id##_verify_native,	\
		    [IRQB_IMPL_V73] = id##_verify_v73,			\
		    [IRQB_IMPL_TIP] = id##_verify_tip,			\
		    [IRQB_IMPL_V1] = id##_verify_v1 }
/* the Rust module's functions, through ext.c, once it has registered */
#define IRQB_FNS_RUST(...)						\
	.verify = { [IRQB_IMPL_NATIVE] = irqb_ext_verify }

struct irqb_variant irqb_variants[IRQB_NR_VARIANTS] = {
#define IRQB_VARIANT(id, kind, maxd, ...)				\
	[IRQB_V_##id] = { .m = IRQB_META_ROW(id, kind, maxd, __VA_ARGS__), \
			  IRQB_FNS_##kind(id) },
#include "variant_rows.h"
#undef IRQB_VARIANT
};

/*
 * What this kernel can run: native code only where it has interrupt_rc.h,
 * vmlinux's loops where it was built with them, and no model of a
 * spinlock_t row under PREEMPT_RT (a model masks, then takes an rt_mutex).
 * Rust rows get their loops when irqbench_rust.ko registers (ext.c).
 */
void irqb_variants_init(void)
{
	struct irqb_variant *v;
	unsigned int i, impl;

	for (i = 0; i < IRQB_NR_VARIANTS; i++) {
		v = &irqb_variants[i];
		if (!v->m.counted)
			continue;
		if (!irqb_have_native() && strcmp(v->m.lang, "rust"))
			v->batch[IRQB_IMPL_NATIVE] = NULL;
#ifdef IRQB_HAVE_BUILTIN
		if (v->m.impls & (1U << IRQB_IMPL_NATIVE_BUILTIN))
			v->batch[IRQB_IMPL_NATIVE_BUILTIN] = irqb_builtin_loops()[i];
#endif
		for (impl = 0; impl < IRQB_NR_IMPLS; impl++)
			if (irqb_lock_sleeps(&v->m) &&
			    (IRQB_IMPLS_MODELS & (1U << impl)))
				v->batch[impl] = NULL;
	}
}

int irqb_variant_index(const char *id)
{
	int i;

	for (i = 0; i < IRQB_NR_VARIANTS; i++)
		if (!strcmp(irqb_variants[i].m.id, id))
			return i;
	return -1;
}
#endif /* IRQB_BUILTIN */
