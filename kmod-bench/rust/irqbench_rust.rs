// SPDX-License-Identifier: GPL-2.0

//! irqbench_rust: the thread's own Rust code, measured by irqbench.ko. For each Rust row of
//! irqbench's variant table (`kmod-bench/variants.h`) this module registers the loops that run
//! one of its operations (`SpinLockIrq::lock()`, `lock_with()` and `try_lock_with()` under a
//! `LocalInterruptDisabled` token, the plain `SpinLock`, and taking the token itself) and the
//! same operation with checks, for the verification. irqbench.ko enters each case's interrupt
//! state, verifies, calibrates and samples these round robin with its C cases, and writes their
//! records (`lang` `rust`): the method exists once, in C.

use core::ffi::c_void;
use kernel::ffi::{c_char, c_int};
use kernel::interrupt::{local_interrupt_disable, LocalInterruptDisabled};
use kernel::prelude::*;
use kernel::sync::{
    new_spinlock, new_spinlock_irq, SpinLock, SpinLockGuard, SpinLockIrq, SpinLockIrqGuard,
};

module! {
    type: IrqbenchRust,
    name: "irqbench_rust",
    authors: ["irqbench"],
    description: "The thread's SpinLockIrq, lock_with() and LocalInterruptDisabled, timed by irqbench.ko",
    license: "GPL",
}

/// A batch: `n` iterations of one operation at `depth`, or of two if `twice`.
type BatchFn = unsafe extern "C" fn(*mut c_void, u32, u32, bool);
/// One operation at `depth` with checks, reporting to irqbench.ko's verdict.
type VerifyFn = unsafe extern "C" fn(*mut c_void, u32, *mut c_void);

// irqbench.ko's interface for this module (kmod-bench/ext.c, kmod-bench/irqbench.h).
extern "C" {
    fn irqb_register_rust(
        id: *const c_char,
        batch: Option<BatchFn>,
        verify_op: Option<VerifyFn>,
        priv_: *mut c_void,
    ) -> c_int;
    fn irqb_unregister_rust(priv_: *mut c_void);
    fn irqb_verify_held(vd: *mut c_void);
    fn irqb_verify_failed(vd: *mut c_void);
}

/// One lock set of each kind, a lock class per level (nesting them is not recursion).
macro_rules! lock_set {
    ($name:ident, $ty:ident, $new:ident; $($f:ident)*) => {
        #[pin_data]
        struct $name {
            $(#[pin] $f: $ty<u64>,)*
        }

        impl $name {
            fn new() -> impl PinInit<Self> {
                pin_init!(Self { $($f <- $new!(0),)* })
            }
        }
    };
}
lock_set!(IrqLocks, SpinLockIrq, new_spinlock_irq;
    l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12 l13 l14 l15);
lock_set!(SpinLocks, SpinLock, new_spinlock;
    l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12 l13 l14 l15);

#[pin_data]
struct Locks {
    #[pin]
    irq: IrqLocks,
    #[pin]
    spin: SpinLocks,
}

impl Locks {
    fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            irq <- IrqLocks::new(),
            spin <- SpinLocks::new(),
        })
    }
}

/// With a verdict (verification), tell irqbench.ko that a lock is held here.
#[inline(always)]
fn held(vd: Option<*mut c_void>) {
    if let Some(vd) = vd {
        // SAFETY: `vd` is the verdict irqbench.ko passed to this verification, alive for its
        // whole call.
        unsafe { irqb_verify_held(vd) };
    }
}

/// Take `depth` levels with `take`, innermost last, release them in reverse
/// (each level's guard drops at the end of its block); with a verdict, report
/// each point where a level is held, as the C operations do.
macro_rules! nest {
    ($take:expr, $set:expr, $tok:expr, $vd:expr; ) => {};
    ($take:expr, $set:expr, $tok:expr, $vd:expr; $f:ident $($rest:ident)*) => {{
        let _guard = ($take)(&$set.$f, $tok);
        nest!($take, $set, $tok, $vd; $($rest)*);
        held($vd);
    }};
}

/// One of the depth arms, with the depth's lock fields spelled out: the
/// nesting is unrolled as code with a fixed nesting is written.
macro_rules! by_depth {
    ($d:expr, $cb:ident!($($a:tt)*)) => {
        match $d {
            1 => $cb!($($a)*; l0),
            2 => $cb!($($a)*; l0 l1),
            3 => $cb!($($a)*; l0 l1 l2),
            4 => $cb!($($a)*; l0 l1 l2 l3),
            5 => $cb!($($a)*; l0 l1 l2 l3 l4),
            6 => $cb!($($a)*; l0 l1 l2 l3 l4 l5),
            7 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6),
            8 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7),
            9 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8),
            10 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9),
            11 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10),
            12 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11),
            13 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12),
            14 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12 l13),
            15 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12 l13 l14),
            16 => $cb!($($a)*; l0 l1 l2 l3 l4 l5 l6 l7 l8 l9 l10 l11 l12 l13 l14 l15),
            _ => {}
        }
    };
}

/// The two loops of one depth: the same `n` iterations, running the
/// operation once or twice; their difference is exactly `n` operations.
macro_rules! timed {
    ($n:expr, $twice:expr, $take:expr, $set:expr, $tok:expr; $($f:ident)*) => {
        if $twice {
            for _ in 0..$n {
                nest!($take, $set, $tok, None; $($f)*);
                nest!($take, $set, $tok, None; $($f)*);
            }
        } else {
            for _ in 0..$n {
                nest!($take, $set, $tok, None; $($f)*);
            }
        }
    };
}

/// The token a `token` row's operations take their locks under.
macro_rules! token {
    (token) => {
        // SAFETY: irqbench.ko runs a token row only entered off or off-raw (its states in
        // kmod-bench/variants.h), with local interrupts disabled for the whole batch.
        unsafe { LocalInterruptDisabled::assume_disabled() }
    };
    (plain) => {
        ()
    };
}

/// A row's batch and verification functions. `$check` says whether its held locks promise
/// interrupts off (the verification's leaks); `$take_checked` is `$take` with its failure,
/// if it can fail, reported. The loops are a Rust function of `&Locks`: from a reference
/// argument the compiler knows the lock is there, so a guard's drop tests nothing (from
/// the raw pointer irqbench.ko passes, it tested the lock pointer for null before every
/// unlock: two instructions an operation, measured in try_lock_with's loop).
macro_rules! row_fns {
    ($batch:ident, $verify:ident, $set:ident, $tok:ident, $take:expr, $check:expr,
     $take_checked:expr) => {
        /// # Safety
        ///
        /// `p` is the `Locks` this module registered, alive until it unregisters.
        unsafe extern "C" fn $batch(p: *mut c_void, d: u32, n: u32, twice: bool) {
            #[inline(never)]
            fn loops(c: &Locks, d: u32, n: u32, twice: bool) {
                let tok = token!($tok);
                by_depth!(d, timed!(n, twice, $take, c.$set, tok));
            }
            // SAFETY: irqbench.ko passes back the pointer this module registered: its pinned
            // `Locks`, which live until `IrqbenchRust::drop()` has unregistered every row.
            loops(unsafe { &*p.cast::<Locks>() }, d, n, twice);
        }

        /// # Safety
        ///
        /// `p` is the `Locks` this module registered; `vd` irqbench.ko's verdict.
        unsafe extern "C" fn $verify(p: *mut c_void, d: u32, vd: *mut c_void) {
            // SAFETY: as for the batch: the registered, pinned `Locks`.
            let c = unsafe { &*p.cast::<Locks>() };
            let tok = token!($tok);
            let check = if $check { Some(vd) } else { None };
            by_depth!(d, nest!($take_checked(vd), c.$set, tok, check));
        }
    };
}

// What each row takes at one level (and drops at the end of it).
#[inline(always)]
fn take_lock(l: &SpinLockIrq<u64>, _: ()) -> SpinLockIrqGuard<'_, u64> {
    l.lock()
}

#[inline(always)]
fn take_lock_with<'a>(
    l: &'a SpinLockIrq<u64>,
    t: &'a LocalInterruptDisabled,
) -> SpinLockGuard<'a, u64> {
    l.lock_with(t)
}

#[inline(always)]
fn take_try_lock_with<'a>(
    l: &'a SpinLockIrq<u64>,
    t: &'a LocalInterruptDisabled,
) -> Option<SpinLockGuard<'a, u64>> {
    l.try_lock_with(t)
}

#[inline(always)]
fn take_spin(l: &SpinLock<u64>, _: ()) -> SpinLockGuard<'_, u64> {
    l.lock()
}

#[inline(always)]
fn take_token(_l: &SpinLock<u64>, _: ()) -> LocalInterruptDisabled {
    local_interrupt_disable()
}

/// `take` for the verification of a row whose take cannot fail.
fn same<T: Copy>(take: T) -> impl Fn(*mut c_void) -> T {
    move |_| take
}

/// try_lock_with() must succeed every time (one CPU, no contention).
fn try_checked<'a>(
    vd: *mut c_void,
) -> impl Fn(&'a SpinLockIrq<u64>, &'a LocalInterruptDisabled) -> Option<SpinLockGuard<'a, u64>> {
    move |l, t| {
        let guard = l.try_lock_with(t);
        if guard.is_none() {
            // SAFETY: `vd` is the verdict of the verification running this operation.
            unsafe { irqb_verify_failed(vd) };
        }
        guard
    }
}

row_fns!(
    lock_batch,
    lock_verify,
    irq,
    plain,
    take_lock,
    true,
    same(take_lock)
);
row_fns!(
    lock_with_batch,
    lock_with_verify,
    irq,
    token,
    take_lock_with,
    true,
    same(take_lock_with)
);
row_fns!(
    try_lock_with_batch,
    try_lock_with_verify,
    irq,
    token,
    take_try_lock_with,
    true,
    try_checked
);
row_fns!(
    spin_only_batch,
    spin_only_verify,
    spin,
    plain,
    take_spin,
    false,
    same(take_spin)
);
row_fns!(
    token_batch,
    token_verify,
    spin,
    plain,
    take_token,
    true,
    same(take_token)
);

/// The Rust rows of the variant table and their functions.
const ROWS: [(&CStr, BatchFn, VerifyFn); 5] = [
    (c"rust_lock", lock_batch, lock_verify),
    (c"rust_lock_with", lock_with_batch, lock_with_verify),
    (
        c"rust_try_lock_with",
        try_lock_with_batch,
        try_lock_with_verify,
    ),
    (c"rust_spin_only", spin_only_batch, spin_only_verify),
    (c"rust_token", token_batch, token_verify),
];

struct IrqbenchRust {
    locks: Pin<KBox<Locks>>,
}

impl IrqbenchRust {
    fn key(&self) -> *mut c_void {
        core::ptr::from_ref::<Locks>(&self.locks).cast_mut().cast()
    }
}

impl kernel::Module for IrqbenchRust {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let this = IrqbenchRust {
            locks: KBox::pin_init(Locks::new(), GFP_KERNEL)?,
        };
        for (id, batch, verify) in ROWS {
            // SAFETY: `id` is a NUL-terminated static string, the functions match irqbench.ko's
            // prototypes, and the pointer is this module's pinned `Locks`, which outlive the
            // registration (`drop()` unregisters before they are freed). On an error `this`
            // drops and unregisters what was registered.
            let rc = unsafe {
                irqb_register_rust(id.as_char_ptr(), Some(batch), Some(verify), this.key())
            };
            kernel::error::to_result(rc)?;
        }
        Ok(this)
    }
}

impl Drop for IrqbenchRust {
    fn drop(&mut self) {
        // SAFETY: removes every row registered with this key; irqbench.ko waits for a run
        // going on, so none of these functions runs after this returns.
        unsafe { irqb_unregister_rust(self.key()) };
    }
}
