// SPDX-License-Identifier: GPL-2.0
/* Counted disabling: per-CPU state of the emulations and the outer regions. */
#include "counted.h"

DEFINE_PER_CPU(struct irqb_v1_state, irqb_v1);
DEFINE_PER_CPU(unsigned long, irqb_v73_flags);
DEFINE_PER_CPU(int, irqb_v73_count);
DEFINE_PER_CPU(unsigned long, irqb_tip_flags);
DEFINE_PER_CPU(int, irqb_tip_count);

/*
 * The emulated spin_lock_irq_disable()/spin_unlock_irq_enable(): one
 * out-of-line function each, as _raw_spin_lock_irq_disable() and
 * _raw_spin_unlock_irq_enable() are in vmlinux. With DEBUG_SPINLOCK the
 * kernel does not export do_raw_spin_{lock,unlock}(), so there the lock is
 * taken with spin_lock() and released with spin_unlock(), whose
 * preempt_enable() then runs before the restore (README says so). Under
 * PREEMPT_RT a spinlock_t has no raw lock inside; the models never run
 * there (irqb_variants_init()), they only build the same way.
 */
#if defined(CONFIG_DEBUG_SPINLOCK) || defined(CONFIG_PREEMPT_RT)
static __always_inline void irqb_emu_lock(spinlock_t *lock)
{
	spin_lock(lock);
}

static __always_inline void irqb_emu_unlock(spinlock_t *lock,
					    const unsigned int impl)
{
	spin_unlock(lock);
	irqb_interrupt_enable(impl);
}
#else
static __always_inline void irqb_emu_lock(spinlock_t *lock)
{
	preempt_disable();
	spin_acquire(&lock->rlock.dep_map, 0, 0, _RET_IP_);
	LOCK_CONTENDED(&lock->rlock, do_raw_spin_trylock, do_raw_spin_lock);
}

static __always_inline void irqb_emu_unlock(spinlock_t *lock,
					    const unsigned int impl)
{
	spin_release(&lock->rlock.dep_map, _RET_IP_);
	do_raw_spin_unlock(&lock->rlock);
	irqb_interrupt_enable(impl);
	preempt_enable();
}
#endif

#define IRQB_DEFINE_EMU(sfx, impl)					\
noinline void irqb_emu_lock_irq_disable_##sfx(spinlock_t *lock)		\
{									\
	irqb_interrupt_disable(impl);					\
	irqb_emu_lock(lock);						\
}									\
									\
noinline void irqb_emu_unlock_irq_enable_##sfx(spinlock_t *lock)	\
{									\
	irqb_emu_unlock(lock, impl);					\
}

IRQB_DEFINE_EMU(v73, IRQB_IMPL_V73)
IRQB_DEFINE_EMU(tip, IRQB_IMPL_TIP)
IRQB_DEFINE_EMU(v1, IRQB_IMPL_V1)

bool irqb_have_native(void)
{
#ifdef IRQB_HAVE_INTERRUPT_RC
	return true;
#else
	return false;
#endif
}

bool irqb_have_builtin(void)
{
#ifdef IRQB_HAVE_BUILTIN
	return true;
#else
	return false;
#endif
}

/* The current nesting count of @impl on this CPU; callers have it pinned. */
unsigned int irqb_counted_depth(unsigned int impl)
{
	switch (impl) {
#ifdef IRQB_HAVE_INTERRUPT_RC
	case IRQB_IMPL_NATIVE:
	case IRQB_IMPL_NATIVE_BUILTIN:
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

/* The outer counted region of an "off" case, of the impl measured. */
static void counted_outer(unsigned int impl, bool enter)
{
	switch (impl) {
#ifdef IRQB_HAVE_INTERRUPT_RC
	case IRQB_IMPL_NATIVE:
	case IRQB_IMPL_NATIVE_BUILTIN:
		if (enter)
			local_interrupt_disable();
		else
			local_interrupt_enable();
		break;
#endif
	case IRQB_IMPL_V73:
		if (enter)
			irqb_interrupt_disable(IRQB_IMPL_V73);
		else
			irqb_interrupt_enable(IRQB_IMPL_V73);
		break;
	case IRQB_IMPL_TIP:
		if (enter)
			irqb_interrupt_disable(IRQB_IMPL_TIP);
		else
			irqb_interrupt_enable(IRQB_IMPL_TIP);
		break;
	case IRQB_IMPL_V1:
		if (enter)
			irqb_interrupt_disable(IRQB_IMPL_V1);
		else
			irqb_interrupt_enable(IRQB_IMPL_V1);
		break;
	}
}

/*
 * Entered "off", a counted variant runs inside an outer counted region of
 * its own impl; "off-raw" and every plain variant run under
 * local_irq_save(), with the counted nesting at 0.
 */
void irqb_outer_enter(const struct irqb_variant *v, unsigned int impl,
		      unsigned int state, unsigned long *flags)
{
	if (state == IRQB_STATE_OFF && v->m.counted)
		counted_outer(impl, true);
	else if (state != IRQB_STATE_ON)
		local_irq_save(*flags);
}

void irqb_outer_exit(const struct irqb_variant *v, unsigned int impl,
		     unsigned int state, unsigned long flags)
{
	if (state == IRQB_STATE_OFF && v->m.counted)
		counted_outer(impl, false);
	else if (state != IRQB_STATE_ON)
		local_irq_restore(flags);
}
