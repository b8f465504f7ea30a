// SPDX-License-Identifier: GPL-2.0
/* Counted disabling: per-CPU state of the emulations and the outer regions. */
#include "counted.h"

DEFINE_PER_CPU(struct irqb_v1_state, irqb_v1);
DEFINE_PER_CPU(unsigned long, irqb_v73_flags);
DEFINE_PER_CPU(int, irqb_v73_count);
DEFINE_PER_CPU(unsigned long, irqb_tip_flags);
DEFINE_PER_CPU(int, irqb_tip_count);

bool irqb_have_native(void)
{
#ifdef IRQB_HAVE_INTERRUPT_RC
	return true;
#else
	return false;
#endif
}

const char *irqb_impl_name(unsigned int impl)
{
	switch (impl) {
	case IRQB_IMPL_NATIVE:
		return "native";
	case IRQB_IMPL_V73:
		return "emulated:v7.3";
	case IRQB_IMPL_TIP:
		return "emulated:tip";
	case IRQB_IMPL_V1:
		return "emulated:v1-percpu";
	}
	return "?";
}

/* The current nesting count of @impl on this CPU; callers have it pinned. */
unsigned int irqb_counted_depth(unsigned int impl)
{
	switch (impl) {
#ifdef IRQB_HAVE_INTERRUPT_RC
	case IRQB_IMPL_NATIVE:
		return (preempt_count() & HARDIRQ_DISABLE_MASK) >>
		       HARDIRQ_DISABLE_SHIFT;
#endif
	case IRQB_IMPL_V73:
		return raw_cpu_read(irqb_v73_count);
	case IRQB_IMPL_TIP:
		return raw_cpu_read(irqb_tip_count);
	case IRQB_IMPL_V1:
		return raw_cpu_read(irqb_v1.count);
	}
	return 0;
}

void irqb_outer_enter(enum irqb_outer outer, unsigned int impl,
		      unsigned long *flags)
{
	if (outer == IRQB_OUTER_COUNTED)
		irqb_interrupt_disable(impl);
	else
		local_irq_save(*flags);
}

void irqb_outer_exit(enum irqb_outer outer, unsigned int impl,
		     unsigned long flags)
{
	if (outer == IRQB_OUTER_COUNTED)
		irqb_interrupt_enable(impl);
	else
		local_irq_restore(flags);
}
