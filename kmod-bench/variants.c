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
 * untimed verification calls it.
 */
static noinline void irqb_check_held(bool *leaked)
{
	if (!irqs_disabled())
		*leaked = true;
}

static __always_inline void held(u32 *leaks, bool *leaked)
{
	if (leaks)
		irqb_check_held(leaked);
}

static __always_inline void tally(u32 *leaks, bool leaked)
{
	if (leaks && leaked)
		(*leaks)++;
}

static __always_inline spinlock_t *lk(struct irqb_ctx *c, int i)
{
	return &c->locks[i].lock;
}

static __always_inline void irqsave_op(struct irqb_ctx *c, const int depth,
				       const unsigned int impl, u32 *leaks)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock_irqsave(lk(c, i), flags[i]);
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		spin_unlock_irqrestore(lk(c, i), flags[i]);
		if (i)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

/* The thread's hazard: the outer lock goes first and restores its flags. */
static __always_inline void irqsave_hoh_op(struct irqb_ctx *c, const int depth,
					   const unsigned int impl, u32 *leaks)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock_irqsave(lk(c, i), flags[i]);
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = 0; i < depth; i++) {
		spin_unlock_irqrestore(lk(c, i), flags[i]);
		if (i < depth - 1)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

static __always_inline void irq_op(struct irqb_ctx *c, const int depth,
				   const unsigned int impl, u32 *leaks)
{
	bool leaked = false;

	spin_lock_irq(lk(c, 0));
	held(leaks, &leaked);
	spin_unlock_irq(lk(c, 0));
	tally(leaks, leaked);
}

static __always_inline void counted_op(struct irqb_ctx *c, const int depth,
				       const unsigned int impl, u32 *leaks)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_spin_lock_irq_disable(lk(c, i), impl);
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		irqb_spin_unlock_irq_enable(lk(c, i), impl);
		if (i)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

static __always_inline void counted_hoh_op(struct irqb_ctx *c, const int depth,
					   const unsigned int impl, u32 *leaks)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_spin_lock_irq_disable(lk(c, i), impl);
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = 0; i < depth; i++) {
		irqb_spin_unlock_irq_enable(lk(c, i), impl);
		if (i < depth - 1)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

/*
 * lock_with(): the batch's outer local_interrupt_disable() is the proof
 * that interrupts are off (Rust's &LocalInterruptDisabled), so each level
 * is a plain spin_lock() and no interrupt work is done.
 */
static __always_inline void lock_with_op(struct irqb_ctx *c, const int depth,
					 const unsigned int impl, u32 *leaks)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		spin_lock(lk(c, i));
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		spin_unlock(lk(c, i));
		if (i)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

/*
 * The thread's scoped_irq_disable proposal: local_irq_save() into a local
 * that a cleanup attribute restores when the scope is left. The proposal
 * wraps it in a for/goto macro so it reads as a statement; that shape
 * compiles to this same code, and is left out because checkpatch rejects
 * flow control in macros. Spelled with the attribute because the kernels
 * before 6.4 have no cleanup.h.
 */
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

#define IRQB_SCOPED_IRQ_OFF __attribute__((__cleanup__(irqb_scoped_restore)))

static __always_inline void scoped_op(struct irqb_ctx *c, const int depth,
				      const unsigned int impl, u32 *leaks)
{
	bool leaked = false;
	int i;

	{
		unsigned long scope IRQB_SCOPED_IRQ_OFF = irqb_scoped_save();

		unrolled_count(16)
		for (i = 0; i < depth; i++)
			spin_lock(lk(c, i));
		held(leaks, &leaked);
		unrolled_count(16)
		for (i = depth - 1; i >= 0; i--) {
			spin_unlock(lk(c, i));
			if (i)
				held(leaks, &leaked);
		}
	}
	tally(leaks, leaked);
}

static __always_inline void irq_save_only_op(struct irqb_ctx *c,
					     const int depth,
					     const unsigned int impl,
					     u32 *leaks)
{
	unsigned long flags[IRQB_MAX_DEPTH] IRQB_NOINIT;
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		local_irq_save(flags[i]);
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		local_irq_restore(flags[i]);
		if (i)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

static __always_inline void interrupt_only_op(struct irqb_ctx *c,
					      const int depth,
					      const unsigned int impl,
					      u32 *leaks)
{
	bool leaked = false;
	int i;

	unrolled_count(16)
	for (i = 0; i < depth; i++)
		irqb_interrupt_disable(impl);
	held(leaks, &leaked);
	unrolled_count(16)
	for (i = depth - 1; i >= 0; i--) {
		irqb_interrupt_enable(impl);
		if (i)
			held(leaks, &leaked);
	}
	tally(leaks, leaked);
}

/* Baselines that do not promise interrupts off: no leak checks. */
static __always_inline void spin_only_op(struct irqb_ctx *c, const int depth,
					 const unsigned int impl, u32 *leaks)
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
					    const unsigned int impl, u32 *leaks)
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
				     const unsigned int impl, u32 *leaks)
{
	barrier();
}

/*
 * Batch loops with the depth and the implementation as constants, so the
 * compiler unrolls the nesting and folds the implementation switch, as it
 * would in kernel code with a fixed nesting.
 */
#define IRQB_CASE(name, sfx, d, ...)					\
	case d:								\
		for (k = 0; k < n; k++)					\
			name##sfx(c, d, __VA_ARGS__);			\
		break

#define IRQB_SWITCH(name, sfx, ...)					\
do {									\
	switch (c->depth) {						\
	IRQB_CASE(name, sfx, 1, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 2, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 3, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 4, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 5, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 6, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 7, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 8, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 9, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 10, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 11, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 12, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 13, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 14, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 15, __VA_ARGS__);				\
	IRQB_CASE(name, sfx, 16, __VA_ARGS__);				\
	}								\
} while (0)

#define IRQB_DEFINE_LOOPS(name, impl)					\
static noinline void name##_loops_##impl(struct irqb_ctx *c, u32 n)	\
{									\
	u32 k;								\
									\
	IRQB_SWITCH(name, _op, impl, NULL);				\
}

/*
 * Verification: the same constant-depth operations with checks on, each
 * followed by a look at the interrupt state, put back if it changed.
 */
#define IRQB_DEFINE_VERIFY(name)					\
static __always_inline void name##_vop(struct irqb_ctx *c, const int d,	\
				       const unsigned int impl,		\
				       u32 *leaks, u32 *changes)	\
{									\
	unsigned long flags;						\
									\
	local_save_flags(flags);					\
	name##_op(c, d, impl, leaks);					\
	if (irqs_disabled() != irqs_disabled_flags(flags)) {		\
		(*changes)++;						\
		local_irq_restore(flags);				\
	}								\
}									\
									\
static noinline u32 name##_verify(struct irqb_ctx *c, u32 n, u32 *changes) \
{									\
	u32 k, leaks = 0;						\
									\
	IRQB_SWITCH(name, _vop, c->impl, &leaks, changes);		\
	return leaks;							\
}

/* Variants that do not use counted disabling: one loop set. */
#define IRQB_DEFINE_PLAIN(name)						\
IRQB_DEFINE_LOOPS(name, 0)						\
IRQB_DEFINE_VERIFY(name)						\
static void name##_batch(struct irqb_ctx *c, u32 n)			\
{									\
	name##_loops_0(c, n);						\
}

/* Counted variants: one loop set per implementation. */
#define IRQB_DEFINE_COUNTED(name)					\
IRQB_DEFINE_LOOPS(name, 0)						\
IRQB_DEFINE_LOOPS(name, 1)						\
IRQB_DEFINE_LOOPS(name, 2)						\
IRQB_DEFINE_LOOPS(name, 3)						\
IRQB_DEFINE_VERIFY(name)						\
static void name##_batch(struct irqb_ctx *c, u32 n)			\
{									\
	static void (* const loops[IRQB_NR_IMPLS])(struct irqb_ctx *, u32) = { \
		name##_loops_0, name##_loops_1,				\
		name##_loops_2, name##_loops_3,				\
	};								\
	loops[c->impl](c, n);						\
}

IRQB_DEFINE_PLAIN(irqsave)
IRQB_DEFINE_PLAIN(irqsave_hoh)
IRQB_DEFINE_PLAIN(irq)
IRQB_DEFINE_COUNTED(counted)
IRQB_DEFINE_COUNTED(counted_hoh)
IRQB_DEFINE_COUNTED(lock_with)
IRQB_DEFINE_PLAIN(scoped)
IRQB_DEFINE_PLAIN(irq_save_only)
IRQB_DEFINE_COUNTED(interrupt_only)
IRQB_DEFINE_PLAIN(spin_only)
IRQB_DEFINE_PLAIN(preempt_only)
IRQB_DEFINE_PLAIN(empty)

#define ROW(name, d, lo, hi, st, cnt, hz, why_, outer_)			\
	{ .m = { .id = #name, .desc = d, .min_depth = lo,		\
		 .max_depth = hi, .states = st, .counted = cnt,		\
		 .hazard = hz, .why = why_ },				\
	  .batch = name##_batch, .verify = name##_verify,		\
	  .outer = outer_ }

/*
 * id, description, depths, entry states, counted?, hazard (may leave
 * interrupts changed)?, why the rest is impossible, outer region
 */
const struct irqb_variant irqb_variants[] = {
	ROW(irqsave, "D nested spin_lock_irqsave, unlocked in reverse",
	    1, 16, IRQB_STATE_ALL, false, false, "", IRQB_OUTER_IRQSAVE),
	ROW(irqsave_hoh, "D spin_lock_irqsave, unlocked hand-over-hand (outer first)",
	    1, 16, IRQB_STATE_ALL, false, true, "", IRQB_OUTER_IRQSAVE),
	ROW(irq, "spin_lock_irq/spin_unlock_irq",
	    1, 1, IRQB_STATE_ON, false, false,
	    "spin_unlock_irq enables interrupts, so it cannot nest or run inside an interrupt-off region",
	    IRQB_OUTER_IRQSAVE),
	ROW(counted, "D nested spin_lock_irq_disable, unlocked in reverse",
	    1, 16, IRQB_STATE_ALL, true, false, "", IRQB_OUTER_COUNTED),
	ROW(counted_hoh, "D spin_lock_irq_disable, unlocked hand-over-hand",
	    1, 16, IRQB_STATE_ALL, true, false, "", IRQB_OUTER_COUNTED),
	ROW(lock_with, "D plain spin_lock under an outer local_interrupt_disable (lock_with)",
	    1, 16, IRQB_STATE_OFF, true, false,
	    "lock_with needs interrupts already disabled (the token)",
	    IRQB_OUTER_COUNTED),
	ROW(scoped, "scoped_irq_disable (flags in a cleanup local), then D plain locks",
	    1, 16, IRQB_STATE_ALL, false, false, "", IRQB_OUTER_IRQSAVE),
	ROW(irq_save_only, "D nested local_irq_save/local_irq_restore",
	    1, 16, IRQB_STATE_ALL, false, false, "", IRQB_OUTER_IRQSAVE),
	ROW(interrupt_only, "D nested local_interrupt_disable/local_interrupt_enable",
	    1, 16, IRQB_STATE_ALL, true, false, "", IRQB_OUTER_COUNTED),
	ROW(spin_only, "D nested plain spin_lock/spin_unlock",
	    1, 16, IRQB_STATE_ALL, false, false, "", IRQB_OUTER_IRQSAVE),
	ROW(preempt_only, "D nested preempt_disable/preempt_enable",
	    1, 16, IRQB_STATE_ALL, false, false, "", IRQB_OUTER_IRQSAVE),
	ROW(empty, "the timing loop alone (subtracted from every case)",
	    1, 1, IRQB_STATE_ALL, false, false, "the empty loop has no nesting",
	    IRQB_OUTER_IRQSAVE),
};

const unsigned int irqb_nr_variants = ARRAY_SIZE(irqb_variants);
