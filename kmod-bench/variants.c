// SPDX-License-Identifier: GPL-2.0
/*
 * The variants: one always-inline operation each, and one row in the table
 * at the bottom. An operation takes @depth locks and releases them; with a
 * non-NULL @leaks it also checks, while a lock is still held, that
 * interrupts are off, and counts the operation once if they were not.
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
 * The hazard variant entered "on", with the entry state put back. The
 * put-back is one out-of-line call, here and in the loop that times it
 * alone: inlined, local_irq_enable() compiles differently beside the lock
 * calls than alone (arm64 rematerialises its PMR constant after every
 * call), and the difference would survive the subtraction.
 */
static noinline void irqb_putback(void)
{
	local_irq_enable();
}

static __always_inline void irqsave_hoh_pb_op(struct irqb_ctx *c,
					      const int depth,
					      const unsigned int impl,
					      struct irqb_verdict *vd)
{
	irqsave_hoh_op(c, depth, impl, vd);
	irqb_putback();
}

static __always_inline void raw_irqsave_hoh_pb_op(struct irqb_ctx *c,
						  const int depth,
						  const unsigned int impl,
						  struct irqb_verdict *vd)
{
	raw_irqsave_hoh_op(c, depth, impl, vd);
	irqb_putback();
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

/* The deepest nesting each loop set is built for (variant_meta.h). */
enum {
	irqsave_max_depth = 16,
	irqsave_hoh_max_depth = 16,
	irqsave_hoh_pb_max_depth = 16,
	raw_irqsave_max_depth = 16,
	raw_irqsave_hoh_max_depth = 16,
	raw_irqsave_hoh_pb_max_depth = 16,
	irq_max_depth = 1,
	counted_max_depth = 16,
	counted_hoh_max_depth = 16,
	raw_counted_max_depth = 16,
	raw_counted_hoh_max_depth = 16,
	lock_with_max_depth = 16,
	scoped_max_depth = 16,
	irq_save_only_max_depth = IRQB_INLINE_SAVE_MAX_DEPTH,
	interrupt_only_max_depth = IRQB_INLINE_SAVE_MAX_DEPTH,
	spin_only_max_depth = 16,
	preempt_only_max_depth = 16,
	empty_max_depth = 1,
	putback_max_depth = 16,		/* run at the depth of its hazard case */
};

#define IRQB_CASE(name, d, impl)					\
	case d:								\
		if (d > name##_max_depth)				\
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

#define IRQB_DEFINE_LOOPS(name, impl)					\
static noinline void name##_loops_##impl(struct irqb_ctx *c, u32 n,	\
					 bool twice)			\
{									\
	u32 k;								\
									\
	switch (c->depth) {						\
	IRQB_CASE(name, 1, impl);					\
	IRQB_CASE(name, 2, impl);					\
	IRQB_CASE(name, 3, impl);					\
	IRQB_CASE(name, 4, impl);					\
	IRQB_CASE(name, 5, impl);					\
	IRQB_CASE(name, 6, impl);					\
	IRQB_CASE(name, 7, impl);					\
	IRQB_CASE(name, 8, impl);					\
	IRQB_CASE(name, 9, impl);					\
	IRQB_CASE(name, 10, impl);					\
	IRQB_CASE(name, 11, impl);					\
	IRQB_CASE(name, 12, impl);					\
	IRQB_CASE(name, 13, impl);					\
	IRQB_CASE(name, 14, impl);					\
	IRQB_CASE(name, 15, impl);					\
	IRQB_CASE(name, 16, impl);					\
	}								\
}

#ifdef IRQB_BUILTIN
/*
 * Built into vmlinux (native-builtin): the native loops of the counted
 * variants only, for the module to call. Nothing else of the module is here.
 */
IRQB_DEFINE_LOOPS(counted, 0)
IRQB_DEFINE_LOOPS(counted_hoh, 0)
IRQB_DEFINE_LOOPS(raw_counted, 0)
IRQB_DEFINE_LOOPS(raw_counted_hoh, 0)
IRQB_DEFINE_LOOPS(lock_with, 0)
IRQB_DEFINE_LOOPS(interrupt_only, 0)

const irqb_batch_fn irqb_builtin_batch[IRQB_NR_VARIANTS] = {
	[IRQB_V_COUNTED] = counted_loops_0,
	[IRQB_V_COUNTED_HOH] = counted_hoh_loops_0,
	[IRQB_V_RAW_COUNTED] = raw_counted_loops_0,
	[IRQB_V_RAW_COUNTED_HOH] = raw_counted_hoh_loops_0,
	[IRQB_V_LOCK_WITH] = lock_with_loops_0,
	[IRQB_V_INTERRUPT_ONLY] = interrupt_only_loops_0,
};
EXPORT_SYMBOL_GPL(irqb_builtin_batch);
#else

/*
 * Verification: the same constant-depth operations with checks on, each
 * followed by a look at the interrupt state, put back if it changed.
 */
#define IRQB_VCASE(name, d, impl)					\
	case d:								\
		if (d > name##_max_depth)				\
			break;						\
		for (k = 0; k < n; k++)					\
			name##_vop(c, d, impl, vd);			\
		break

#define IRQB_DEFINE_VOP(name)						\
static __always_inline void name##_vop(struct irqb_ctx *c, const int d,	\
				       const unsigned int impl,		\
				       struct irqb_verdict *vd)		\
{									\
	unsigned long flags;						\
									\
	local_save_flags(flags);					\
	name##_op(c, d, impl, vd);					\
	if (irqs_disabled() != irqs_disabled_flags(flags)) {		\
		vd->changes++;						\
		local_irq_restore(flags);				\
	}								\
}

#define IRQB_DEFINE_VERIFY(name, impl)					\
static noinline void name##_verify_##impl(struct irqb_ctx *c, u32 n,	\
					  struct irqb_verdict *vd)	\
{									\
	u32 k;								\
									\
	switch (c->depth) {						\
	IRQB_VCASE(name, 1, impl);					\
	IRQB_VCASE(name, 2, impl);					\
	IRQB_VCASE(name, 3, impl);					\
	IRQB_VCASE(name, 4, impl);					\
	IRQB_VCASE(name, 5, impl);					\
	IRQB_VCASE(name, 6, impl);					\
	IRQB_VCASE(name, 7, impl);					\
	IRQB_VCASE(name, 8, impl);					\
	IRQB_VCASE(name, 9, impl);					\
	IRQB_VCASE(name, 10, impl);					\
	IRQB_VCASE(name, 11, impl);					\
	IRQB_VCASE(name, 12, impl);					\
	IRQB_VCASE(name, 13, impl);					\
	IRQB_VCASE(name, 14, impl);					\
	IRQB_VCASE(name, 15, impl);					\
	IRQB_VCASE(name, 16, impl);					\
	}								\
}

/* Variants that do not use counted disabling: one loop set. */
#define IRQB_DEFINE_PLAIN(name)						\
IRQB_DEFINE_LOOPS(name, 0)						\
IRQB_DEFINE_VOP(name)							\
IRQB_DEFINE_VERIFY(name, 0)						\
static void name##_batch(struct irqb_ctx *c, u32 n, bool twice)	\
{									\
	name##_loops_0(c, n, twice);					\
}									\
									\
static void name##_verify(struct irqb_ctx *c, u32 n,			\
			  struct irqb_verdict *vd)			\
{									\
	name##_verify_0(c, n, vd);					\
}

/*
 * Counted variants: one loop set per implementation (native: only ever run
 * where the kernel has it), and vmlinux's own where it was built with it.
 */
static inline irqb_batch_fn irqb_builtin_fn(enum irqb_variant_id id)
{
#ifdef IRQB_HAVE_BUILTIN
	return irqb_builtin_batch[id];
#else
	return NULL;
#endif
}

#define IRQB_DEFINE_COUNTED(name, id)					\
IRQB_DEFINE_VOP(name)							\
IRQB_DEFINE_LOOPS(name, 0)						\
IRQB_DEFINE_LOOPS(name, 1)						\
IRQB_DEFINE_LOOPS(name, 2)						\
IRQB_DEFINE_LOOPS(name, 3)						\
IRQB_DEFINE_VERIFY(name, 0)						\
IRQB_DEFINE_VERIFY(name, 1)						\
IRQB_DEFINE_VERIFY(name, 2)						\
IRQB_DEFINE_VERIFY(name, 3)						\
/* native-builtin is verified through the module's native code */	\
static void name##_verify(struct irqb_ctx *c, u32 n,			\
			  struct irqb_verdict *vd)			\
{									\
	switch (c->impl) {						\
	case IRQB_IMPL_V73:						\
		name##_verify_1(c, n, vd);				\
		break;							\
	case IRQB_IMPL_TIP:						\
		name##_verify_2(c, n, vd);				\
		break;							\
	case IRQB_IMPL_V1:						\
		name##_verify_3(c, n, vd);				\
		break;							\
	default:							\
		name##_verify_0(c, n, vd);				\
	}								\
}									\
static void name##_batch(struct irqb_ctx *c, u32 n, bool twice)	\
{									\
	irqb_batch_fn fn;						\
									\
	switch (c->impl) {						\
	case IRQB_IMPL_NATIVE:						\
		fn = name##_loops_0;					\
		break;							\
	case IRQB_IMPL_NATIVE_BUILTIN:					\
		fn = irqb_builtin_fn(id);				\
		break;							\
	case IRQB_IMPL_V73:						\
		fn = name##_loops_1;					\
		break;							\
	case IRQB_IMPL_TIP:						\
		fn = name##_loops_2;					\
		break;							\
	default:							\
		fn = name##_loops_3;					\
	}								\
	fn(c, n, twice);						\
}

/*
 * Counted variants with no model (native_only): the kernel's own code,
 * from the module or from vmlinux; timing.c selects no other impl.
 */
#define IRQB_DEFINE_NATIVE_ONLY(name, id)				\
IRQB_DEFINE_VOP(name)							\
IRQB_DEFINE_LOOPS(name, 0)						\
IRQB_DEFINE_VERIFY(name, 0)						\
static void name##_verify(struct irqb_ctx *c, u32 n,			\
			  struct irqb_verdict *vd)			\
{									\
	name##_verify_0(c, n, vd);					\
}									\
static void name##_batch(struct irqb_ctx *c, u32 n, bool twice)	\
{									\
	if (c->impl == IRQB_IMPL_NATIVE_BUILTIN)			\
		irqb_builtin_fn(id)(c, n, twice);			\
	else								\
		name##_loops_0(c, n, twice);				\
}

IRQB_DEFINE_PLAIN(irqsave)
IRQB_DEFINE_PLAIN(raw_irqsave)
IRQB_DEFINE_PLAIN(irq)
IRQB_DEFINE_COUNTED(counted, IRQB_V_COUNTED)
IRQB_DEFINE_COUNTED(counted_hoh, IRQB_V_COUNTED_HOH)
IRQB_DEFINE_NATIVE_ONLY(raw_counted, IRQB_V_RAW_COUNTED)
IRQB_DEFINE_NATIVE_ONLY(raw_counted_hoh, IRQB_V_RAW_COUNTED_HOH)
IRQB_DEFINE_COUNTED(lock_with, IRQB_V_LOCK_WITH)
IRQB_DEFINE_PLAIN(scoped)
IRQB_DEFINE_PLAIN(irq_save_only)
IRQB_DEFINE_COUNTED(interrupt_only, IRQB_V_INTERRUPT_ONLY)
IRQB_DEFINE_PLAIN(spin_only)
IRQB_DEFINE_PLAIN(preempt_only)
IRQB_DEFINE_PLAIN(empty)

/* The hazard variants: entered "on", each op puts interrupts back on. */
#define IRQB_DEFINE_HAZARD(name)					\
IRQB_DEFINE_LOOPS(name, 0)						\
IRQB_DEFINE_LOOPS(name##_pb, 0)						\
IRQB_DEFINE_VOP(name)							\
IRQB_DEFINE_VERIFY(name, 0)						\
static void name##_verify(struct irqb_ctx *c, u32 n,			\
			  struct irqb_verdict *vd)			\
{									\
	name##_verify_0(c, n, vd);					\
}									\
static void name##_batch(struct irqb_ctx *c, u32 n, bool twice)	\
{									\
	if (c->putback)							\
		name##_pb_loops_0(c, n, twice);				\
	else								\
		name##_loops_0(c, n, twice);				\
}

IRQB_DEFINE_HAZARD(irqsave_hoh)
IRQB_DEFINE_HAZARD(raw_irqsave_hoh)

/* The put-back alone, entered "on": what irqsave_hoh_pb_op adds. */
static __always_inline void putback_op(struct irqb_ctx *c, const int depth,
				       const unsigned int impl,
				       struct irqb_verdict *vd)
{
	irqb_putback();
}

IRQB_DEFINE_LOOPS(putback, 0)
void irqb_putback_batch(struct irqb_ctx *c, u32 n, bool twice)
{
	putback_loops_0(c, n, twice);
}

#define ROW(name, id)							\
	[IRQB_V_##id] = { .m = IRQB_META_##id, .batch = name##_batch,	\
			  .verify = name##_verify }

const struct irqb_variant irqb_variants[] = {
	ROW(irqsave, IRQSAVE),
	ROW(irqsave_hoh, IRQSAVE_HOH),
	ROW(raw_irqsave, RAW_IRQSAVE),
	ROW(raw_irqsave_hoh, RAW_IRQSAVE_HOH),
	ROW(irq, IRQ),
	ROW(counted, COUNTED),
	ROW(counted_hoh, COUNTED_HOH),
	ROW(raw_counted, RAW_COUNTED),
	ROW(raw_counted_hoh, RAW_COUNTED_HOH),
	ROW(lock_with, LOCK_WITH),
	ROW(scoped, SCOPED),
	ROW(irq_save_only, IRQ_SAVE_ONLY),
	ROW(interrupt_only, INTERRUPT_ONLY),
	ROW(spin_only, SPIN_ONLY),
	ROW(preempt_only, PREEMPT_ONLY),
	ROW(empty, EMPTY),
};

static_assert(ARRAY_SIZE(irqb_variants) == IRQB_NR_VARIANTS);
const unsigned int irqb_nr_variants = ARRAY_SIZE(irqb_variants);
#endif /* IRQB_BUILTIN */
