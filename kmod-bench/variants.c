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

static __always_inline void held(u32 *leaks, bool *leaked)
{
	if (leaks && !irqs_disabled())
		*leaked = true;
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

	for (i = 0; i < depth; i++)
		spin_lock_irqsave(lk(c, i), flags[i]);
	held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		spin_lock_irqsave(lk(c, i), flags[i]);
	held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		irqb_spin_lock_irq_disable(lk(c, i), impl);
	held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		irqb_spin_lock_irq_disable(lk(c, i), impl);
	held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		spin_lock(lk(c, i));
	held(leaks, &leaked);
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

		for (i = 0; i < depth; i++)
			spin_lock(lk(c, i));
		held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		local_irq_save(flags[i]);
	held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		irqb_interrupt_disable(impl);
	held(leaks, &leaked);
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

	for (i = 0; i < depth; i++)
		spin_lock(lk(c, i));
	for (i = depth - 1; i >= 0; i--)
		spin_unlock(lk(c, i));
}

static __always_inline void preempt_only_op(struct irqb_ctx *c,
					    const int depth,
					    const unsigned int impl, u32 *leaks)
{
	int i;

	for (i = 0; i < depth; i++)
		preempt_disable();
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
 * would in kernel code with a fixed nesting; verify loops keep both
 * variable and run the checks.
 */
#define IRQB_LOOP_DEPTH(name, d, impl)					\
	case d:								\
		for (k = 0; k < n; k++)					\
			name##_op(c, d, impl, NULL);			\
		break

#define IRQB_DEFINE_LOOPS(name, impl)					\
static noinline void name##_loops_##impl(struct irqb_ctx *c, u32 n)	\
{									\
	u32 k;								\
									\
	switch (c->depth) {						\
	IRQB_LOOP_DEPTH(name, 1, impl);					\
	IRQB_LOOP_DEPTH(name, 2, impl);					\
	IRQB_LOOP_DEPTH(name, 3, impl);					\
	IRQB_LOOP_DEPTH(name, 4, impl);					\
	IRQB_LOOP_DEPTH(name, 5, impl);					\
	IRQB_LOOP_DEPTH(name, 6, impl);					\
	IRQB_LOOP_DEPTH(name, 7, impl);					\
	IRQB_LOOP_DEPTH(name, 8, impl);					\
	IRQB_LOOP_DEPTH(name, 9, impl);					\
	IRQB_LOOP_DEPTH(name, 10, impl);				\
	IRQB_LOOP_DEPTH(name, 11, impl);				\
	IRQB_LOOP_DEPTH(name, 12, impl);				\
	IRQB_LOOP_DEPTH(name, 13, impl);				\
	IRQB_LOOP_DEPTH(name, 14, impl);				\
	IRQB_LOOP_DEPTH(name, 15, impl);				\
	IRQB_LOOP_DEPTH(name, 16, impl);				\
	}								\
}

#define IRQB_DEFINE_VERIFY(name)					\
static u32 name##_verify(struct irqb_ctx *c, u32 n, u32 *changes)	\
{									\
	u32 k, leaks = 0;						\
	unsigned long flags;						\
									\
	for (k = 0; k < n; k++) {					\
		local_save_flags(flags);				\
		name##_op(c, c->depth, c->impl, &leaks);		\
		if (irqs_disabled() != irqs_disabled_flags(flags)) {	\
			(*changes)++;					\
			local_irq_restore(flags);			\
		}							\
	}								\
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
