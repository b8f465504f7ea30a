/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The variant table's rows (variants.h says what a row is): one
 * IRQB_VARIANT(id, kind, max_depth, initialisers...) each, in table order,
 * which is the order of every output. Each place that needs the rows
 * defines IRQB_VARIANT and includes this file: no include guard.
 *
 * raw_spinlock_t: the same as spinlock_t's irqsave where spinlock_t spins,
 * and the only lock that still masks interrupts under PREEMPT_RT, where
 * the hand-over-hand hazard survives. raw_spin_lock_irq_disable() exists
 * only as the kernel's own (7.3): the models are of spinlock_t's calls.
 * lock_with: the batch's outer local_interrupt_disable() is the proof that
 * interrupts are off (Rust's &LocalInterruptDisabled), so each level is a
 * plain spin_lock(). scoped: Bart's scoped local-flags idea, the kernel's
 * scoped_guard(irqsave) around plain locks. The Rust rows are the thread's
 * own code in kmod-bench/rust/, .like naming the C variant that does what
 * each one calls in 7.3.
 */
IRQB_VARIANT(irqsave, PLAIN, 16,
	     .desc = "D nested spin_lock_irqsave, unlocked in reverse",
	     .states = IRQB_RT_ON(IRQB_STATES_PLAIN),
	     .why = IRQB_RT_WHY(IRQB_WHY_PLAIN))
IRQB_VARIANT(irqsave_hoh, HAZARD, 16,
	     .desc = "D spin_lock_irqsave, unlocked hand-over-hand (outer first)",
	     .states = IRQB_RT_ON(IRQB_STATES_PLAIN),
	     .why = IRQB_RT_WHY(IRQB_WHY_PLAIN),
	     .nested = "irqsave", .same = "native d1 on,off: irqsave")
IRQB_VARIANT(raw_irqsave, PLAIN, 16,
	     .desc = "D nested raw_spin_lock_irqsave, unlocked in reverse",
	     .lock = IRQB_LOCK_RAW, .states = IRQB_STATES_PLAIN,
	     .why = IRQB_WHY_PLAIN, .same = "native d1 on: irqsave")
IRQB_VARIANT(raw_irqsave_hoh, HAZARD, 16,
	     .desc = "D raw_spin_lock_irqsave, unlocked hand-over-hand (outer first)",
	     .lock = IRQB_LOCK_RAW, .states = IRQB_STATES_PLAIN,
	     .why = IRQB_WHY_PLAIN, .nested = "raw_irqsave",
	     .same = "native d2 on: irqsave_hoh")
IRQB_VARIANT(irq, PLAIN, 1,
	     .desc = "spin_lock_irq/spin_unlock_irq", .states = IRQB_STATE_ON,
	     .why = "spin_unlock_irq enables interrupts, so it cannot nest or run inside an interrupt-off region")
IRQB_VARIANT(counted, COUNTED, 16,
	     .desc = "D nested spin_lock_irq_disable, unlocked in reverse",
	     .states = IRQB_RT_ON(IRQB_STATES_COUNTED), .why = IRQB_RT_WHY(""))
IRQB_VARIANT(counted_hoh, COUNTED, 16,
	     .desc = "D spin_lock_irq_disable, unlocked hand-over-hand",
	     .states = IRQB_RT_ON(IRQB_STATES_COUNTED), .why = IRQB_RT_WHY(""),
	     .nested = "counted")
IRQB_VARIANT(raw_counted, NATIVE_ONLY, 16,
	     .desc = "D nested raw_spin_lock_irq_disable, unlocked in reverse",
	     .lock = IRQB_LOCK_RAW, .states = IRQB_STATES_COUNTED, .why = "",
	     .same = "native d1 on: counted; native-builtin d1 off: counted")
IRQB_VARIANT(raw_counted_hoh, NATIVE_ONLY, 16,
	     .desc = "D raw_spin_lock_irq_disable, unlocked hand-over-hand",
	     .lock = IRQB_LOCK_RAW, .states = IRQB_STATES_COUNTED, .why = "",
	     .nested = "raw_counted", .same = "native d2 on: counted_hoh")
IRQB_VARIANT(lock_with, COUNTED, 16,
	     .desc = "D plain spin_lock under an outer local_interrupt_disable (lock_with)",
	     .states = IRQB_RT_NONE(IRQB_STATE_OFF | IRQB_STATE_OFF_RAW),
	     .why = IRQB_RT_WHY("lock_with needs interrupts already disabled (the token)"),
	     .same = "native d1 off,off-raw: spin_only d1 off")
IRQB_VARIANT(scoped, PLAIN, 16,
	     .desc = "scoped_guard(irqsave) (flags in a cleanup local), then D plain locks",
	     .states = IRQB_RT_NONE(IRQB_STATES_PLAIN),
	     .why = IRQB_RT_WHY(IRQB_WHY_PLAIN))
IRQB_VARIANT(irq_save_only, PLAIN, IRQB_INLINE_SAVE_MAX_DEPTH,
	     .desc = "D nested local_irq_save/local_irq_restore",
	     .lock = IRQB_LOCK_NONE, .states = IRQB_STATES_PLAIN,
	     .why = IRQB_WHY_INLINE_SAVE)
IRQB_VARIANT(interrupt_only, COUNTED, IRQB_INLINE_SAVE_MAX_DEPTH,
	     .desc = "D nested local_interrupt_disable/local_interrupt_enable",
	     .lock = IRQB_LOCK_NONE, .states = IRQB_STATES_COUNTED,
	     .why = IRQB_WHY_INLINE_SAVE)
IRQB_VARIANT(spin_only, PLAIN, 16,
	     .desc = "D nested plain spin_lock/spin_unlock",
	     .states = IRQB_RT_ON(IRQB_STATES_PLAIN),
	     .why = IRQB_RT_WHY(IRQB_WHY_PLAIN))
IRQB_VARIANT(preempt_only, PLAIN, 16,
	     .desc = "D nested preempt_disable/preempt_enable",
	     .lock = IRQB_LOCK_NONE, .states = IRQB_STATES_PLAIN,
	     .why = IRQB_WHY_PLAIN)
IRQB_VARIANT(empty, PLAIN, 1,
	     .desc = "no operation: the timing method's zero (must be 0)",
	     .lock = IRQB_LOCK_NONE, .states = IRQB_STATES_PLAIN,
	     .why = "the empty operation has no nesting")
IRQB_VARIANT(rust_lock, RUST, 16,
	     .desc = "D nested SpinLockIrq::lock(), guards dropped in reverse",
	     .states = IRQB_RT_ON(IRQB_STATES_COUNTED),
	     .why = IRQB_RT_WHY(IRQB_WHY_RUST), .like = "counted")
IRQB_VARIANT(rust_lock_with, RUST, 16,
	     .desc = "D nested SpinLockIrq::lock_with(&LocalInterruptDisabled)",
	     .states = IRQB_RT_NONE(IRQB_STATE_OFF | IRQB_STATE_OFF_RAW),
	     .why = IRQB_RT_WHY("lock_with needs interrupts already disabled (the token)"),
	     .like = "lock_with", .same = "native d1 off: rust_spin_only")
IRQB_VARIANT(rust_try_lock_with, RUST, 16,
	     .desc = "D nested SpinLockIrq::try_lock_with(&LocalInterruptDisabled)",
	     .states = IRQB_RT_NONE(IRQB_STATE_OFF | IRQB_STATE_OFF_RAW),
	     .why = IRQB_RT_WHY("try_lock_with needs interrupts already disabled (the token)"),
	     .like = "lock_with")
IRQB_VARIANT(rust_spin_only, RUST, 16,
	     .desc = "D nested SpinLock::lock(), guards dropped in reverse",
	     .states = IRQB_RT_ON(IRQB_STATES_COUNTED),
	     .why = IRQB_RT_WHY(IRQB_WHY_RUST), .like = "spin_only")
IRQB_VARIANT(rust_token, RUST, 16,
	     .desc = "D nested local_interrupt_disable() tokens, dropped in reverse",
	     .lock = IRQB_LOCK_NONE, .states = IRQB_STATES_COUNTED,
	     .why = IRQB_WHY_RUST, .like = "interrupt_only")
