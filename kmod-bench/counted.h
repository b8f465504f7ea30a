/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counted interrupt disabling: the kernel's own where include/linux/
 * interrupt_rc.h exists (7.3), and in-module emulations of the designs the
 * thread went through, so older kernels can be measured and 7.3 can compare
 * the native code with the models on one kernel.
 *
 * The models (README, "Emulation models", says where each comes from):
 * - v7.3: upstream's local_interrupt_disable()/enable() (interrupt_rc.h)
 *   line for line, with the count in a module per-CPU int: the kernels
 *   before 7.3 have no HARDIRQ_DISABLE bits in preempt_count.
 * - tip: mask first, then read the count; the outermost level stores the
 *   flags, and the count is bumped in a separate step.
 * - v1-percpu: the series' first shape, flags and count in one per-CPU
 *   struct, saved at every level.
 * With interrupts off the task cannot be preempted or migrated, so the
 * plain raw_cpu_*() accessors are safe where they are used.
 */
#ifndef IRQB_COUNTED_H
#define IRQB_COUNTED_H

#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/build_bug.h>
#include <linux/bug.h>
#include <linux/spinlock.h>
#include "irqbench.h"

#ifdef IRQB_HAVE_INTERRUPT_RC
#include <linux/interrupt_rc.h>
#endif

struct irqb_v1_state {
	unsigned long flags;
	long count;
};

DECLARE_PER_CPU(struct irqb_v1_state, irqb_v1);
DECLARE_PER_CPU(unsigned long, irqb_v73_flags);
DECLARE_PER_CPU(int, irqb_v73_count);
DECLARE_PER_CPU(unsigned long, irqb_tip_flags);
DECLARE_PER_CPU(int, irqb_tip_count);


/*
 * Native on a kernel without interrupt_rc.h: the loops exist so the table
 * is uniform, but the run never selects them; if it did, this says so.
 */
static inline void irqb_native_missing(void)
{
	WARN_ONCE(1, "irqbench: native counted disabling is not in this kernel\n");
}

static __always_inline void irqb_interrupt_disable(const unsigned int impl)
{
	unsigned long flags;

	switch (impl) {
	case IRQB_IMPL_NATIVE:
#ifdef IRQB_HAVE_INTERRUPT_RC
		local_interrupt_disable();
#else
		irqb_native_missing();
#endif
		break;
	case IRQB_IMPL_V73:
		local_irq_save(flags);
		if (raw_cpu_add_return(irqb_v73_count, 1) == 1)
			raw_cpu_write(irqb_v73_flags, flags);
		break;
	case IRQB_IMPL_TIP:
		local_irq_save(flags);
		if (!raw_cpu_read(irqb_tip_count))
			raw_cpu_write(irqb_tip_flags, flags);
		raw_cpu_inc(irqb_tip_count);
		break;
	case IRQB_IMPL_V1:
		local_irq_save(flags);
		if (raw_cpu_add_return(irqb_v1.count, 1) == 1)
			raw_cpu_write(irqb_v1.flags, flags);
		break;
	default:
		BUILD_BUG();	/* an unknown impl: never a plain lock */
	}
}

static __always_inline void irqb_interrupt_enable(const unsigned int impl)
{
	switch (impl) {
	case IRQB_IMPL_NATIVE:
#ifdef IRQB_HAVE_INTERRUPT_RC
		local_interrupt_enable();
#else
		irqb_native_missing();
#endif
		break;
	case IRQB_IMPL_V73:
		if (!raw_cpu_add_return(irqb_v73_count, -1))
			local_irq_restore(raw_cpu_read(irqb_v73_flags));
		break;
	case IRQB_IMPL_TIP:
		raw_cpu_dec(irqb_tip_count);
		if (!raw_cpu_read(irqb_tip_count))
			local_irq_restore(raw_cpu_read(irqb_tip_flags));
		break;
	case IRQB_IMPL_V1:
		if (!raw_cpu_add_return(irqb_v1.count, -1))
			local_irq_restore(raw_cpu_read(irqb_v1.flags));
		break;
	default:
		BUILD_BUG();	/* an unknown impl: never a plain lock */
	}
}

/*
 * spin_lock_irq_disable() and spin_unlock_irq_enable(). Native, they are
 * one out-of-line call into vmlinux each. The emulations are one
 * out-of-line call each too (counted.c), doing upstream's steps in
 * upstream's order: mask, preempt_disable, lock; unlock, restore,
 * preempt_enable.
 */
void irqb_emu_lock_irq_disable_v73(spinlock_t *lock);
void irqb_emu_lock_irq_disable_tip(spinlock_t *lock);
void irqb_emu_lock_irq_disable_v1(spinlock_t *lock);
void irqb_emu_unlock_irq_enable_v73(spinlock_t *lock);
void irqb_emu_unlock_irq_enable_tip(spinlock_t *lock);
void irqb_emu_unlock_irq_enable_v1(spinlock_t *lock);

static __always_inline void irqb_spin_lock_irq_disable(spinlock_t *lock,
						       const unsigned int impl)
{
	switch (impl) {
	case IRQB_IMPL_NATIVE:
#ifdef IRQB_HAVE_INTERRUPT_RC
		spin_lock_irq_disable(lock);
#else
		irqb_native_missing();
#endif
		break;
	case IRQB_IMPL_V73:
		irqb_emu_lock_irq_disable_v73(lock);
		break;
	case IRQB_IMPL_TIP:
		irqb_emu_lock_irq_disable_tip(lock);
		break;
	case IRQB_IMPL_V1:
		irqb_emu_lock_irq_disable_v1(lock);
		break;
	default:
		BUILD_BUG();	/* an unknown impl: never a plain lock */
	}
}

static __always_inline void irqb_spin_unlock_irq_enable(spinlock_t *lock,
							const unsigned int impl)
{
	switch (impl) {
	case IRQB_IMPL_NATIVE:
#ifdef IRQB_HAVE_INTERRUPT_RC
		spin_unlock_irq_enable(lock);
#else
		irqb_native_missing();
#endif
		break;
	case IRQB_IMPL_V73:
		irqb_emu_unlock_irq_enable_v73(lock);
		break;
	case IRQB_IMPL_TIP:
		irqb_emu_unlock_irq_enable_tip(lock);
		break;
	case IRQB_IMPL_V1:
		irqb_emu_unlock_irq_enable_v1(lock);
		break;
	default:
		BUILD_BUG();	/* an unknown impl: never a plain lock */
	}
}

/*
 * raw_spin_lock_irq_disable() and raw_spin_unlock_irq_enable(): the
 * kernel's own only (no model of them; timing.c never selects another impl).
 */
static __always_inline void irqb_raw_spin_lock_irq_disable(raw_spinlock_t *lock)
{
#ifdef IRQB_HAVE_INTERRUPT_RC
	raw_spin_lock_irq_disable(lock);
#else
	irqb_native_missing();
#endif
}

static __always_inline void irqb_raw_spin_unlock_irq_enable(raw_spinlock_t *lock)
{
#ifdef IRQB_HAVE_INTERRUPT_RC
	raw_spin_unlock_irq_enable(lock);
#else
	irqb_native_missing();
#endif
}

#endif /* IRQB_COUNTED_H */
