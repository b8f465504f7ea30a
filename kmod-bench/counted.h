/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counted interrupt disabling: the kernel's own where include/linux/
 * interrupt_rc.h exists (7.3), and in-module emulations of the designs the
 * thread went through, so older kernels can be measured and 7.3 can compare
 * the native code with the models on one kernel.
 *
 * Emulations keep their count in a per-CPU variable of the module: the
 * kernels before 7.3 have no HARDIRQ_DISABLE bits in preempt_count. With
 * interrupts off the task cannot be preempted or migrated, so the plain
 * raw_cpu_*() accessors are safe where they are used.
 */
#ifndef IRQB_COUNTED_H
#define IRQB_COUNTED_H

#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include "irqbench.h"

#ifdef IRQB_HAVE_INTERRUPT_RC
#include <linux/interrupt_rc.h>
#endif

/* v1-percpu: the first proof of concept kept both words in one struct. */
struct irqb_v1_state {
	unsigned long flags;
	long count;
};

DECLARE_PER_CPU(struct irqb_v1_state, irqb_v1);
DECLARE_PER_CPU(unsigned long, irqb_v73_flags);
DECLARE_PER_CPU(int, irqb_v73_count);
DECLARE_PER_CPU(unsigned long, irqb_tip_flags);
DECLARE_PER_CPU(int, irqb_tip_count);

static __always_inline void irqb_interrupt_disable(const unsigned int impl)
{
	unsigned long flags;

	switch (impl) {
#ifdef IRQB_HAVE_INTERRUPT_RC
	case IRQB_IMPL_NATIVE:
		local_interrupt_disable();
		break;
#endif
	case IRQB_IMPL_V73:
		/* save at every level; only the outermost keeps its flags */
		local_irq_save(flags);
		if (raw_cpu_add_return(irqb_v73_count, 1) == 1)
			raw_cpu_write(irqb_v73_flags, flags);
		break;
	case IRQB_IMPL_TIP:
		/* touch the interrupt state only at the outermost level */
		if (!raw_cpu_read(irqb_tip_count)) {
			local_irq_save(flags);
			raw_cpu_write(irqb_tip_flags, flags);
		}
		raw_cpu_add(irqb_tip_count, 1);
		break;
	case IRQB_IMPL_V1:
		local_irq_save(flags);
		if (raw_cpu_add_return(irqb_v1.count, 1) == 1)
			raw_cpu_write(irqb_v1.flags, flags);
		break;
	}
}

static __always_inline void irqb_interrupt_enable(const unsigned int impl)
{
	switch (impl) {
#ifdef IRQB_HAVE_INTERRUPT_RC
	case IRQB_IMPL_NATIVE:
		local_interrupt_enable();
		break;
#endif
	case IRQB_IMPL_V73:
		if (!raw_cpu_add_return(irqb_v73_count, -1))
			local_irq_restore(raw_cpu_read(irqb_v73_flags));
		break;
	case IRQB_IMPL_TIP:
		if (!raw_cpu_add_return(irqb_tip_count, -1))
			local_irq_restore(raw_cpu_read(irqb_tip_flags));
		break;
	case IRQB_IMPL_V1:
		if (!raw_cpu_add_return(irqb_v1.count, -1))
			local_irq_restore(raw_cpu_read(irqb_v1.flags));
		break;
	}
}

/*
 * spin_lock_irq_disable() and spin_unlock_irq_enable(). The emulations
 * release the lock (and its preempt count) before restoring interrupts,
 * where the native unlock drops the preempt count last; with interrupts
 * still off that preempt_enable() cannot schedule, so only the order of
 * two cheap steps differs.
 */
static __always_inline void irqb_spin_lock_irq_disable(spinlock_t *lock,
						       const unsigned int impl)
{
#ifdef IRQB_HAVE_INTERRUPT_RC
	if (impl == IRQB_IMPL_NATIVE) {
		spin_lock_irq_disable(lock);
		return;
	}
#endif
	irqb_interrupt_disable(impl);
	spin_lock(lock);
}

static __always_inline void irqb_spin_unlock_irq_enable(spinlock_t *lock,
							const unsigned int impl)
{
#ifdef IRQB_HAVE_INTERRUPT_RC
	if (impl == IRQB_IMPL_NATIVE) {
		spin_unlock_irq_enable(lock);
		return;
	}
#endif
	spin_unlock(lock);
	irqb_interrupt_enable(impl);
}

#endif /* IRQB_COUNTED_H */
