// SPDX-License-Identifier: GPL-2.0

//! irqbench_rust: the thread's own Rust code measured. Times `SpinLockIrq::lock()`
//! entered with interrupts on and off, `lock_with()` and `try_lock_with()` under a
//! `LocalInterruptDisabled` token, the plain `SpinLock`, and taking and dropping the
//! token itself, at nesting depths 1 to 16, with the C module's method (differential
//! once/twice batches sampled round robin, `kmod-bench/timing.c`) and its record
//! format (`kmod-bench/output.c`, `lang` `rust`). It runs at load and prints its
//! records to the kernel log, one per line after `R ` (samples after `S `), which the
//! guest's init copies into the console sections the host collects.

use core::cell::Cell;
use kernel::bindings;
use kernel::fmt;
use kernel::interrupt::{local_interrupt_disable, LocalInterruptDisabled};
use kernel::prelude::*;
use kernel::sync::{
    new_spinlock, new_spinlock_irq, SpinLock, SpinLockGuard, SpinLockIrq, SpinLockIrqGuard,
};

mod stats;

module! {
    type: IrqbenchRust,
    name: "irqbench_rust",
    authors: ["irqbench"],
    description: "Microbenchmark of Rust's SpinLockIrq, lock_with() and LocalInterruptDisabled",
    license: "GPL",
    params: {
        samples: u32 {
            default: 31,
            description: "samples per case (3 to 1000)",
        },
        depths: u32 {
            default: 0x116,
            description: "bit d selects nesting depth d, 1 to 16 (default 1,2,4,8)",
        },
        accel: u32 {
            default: 3,
            description: "the records' accel: 0 kvm, 1 tcg, 2 tcg-icount, 3 bare-metal",
        },
        window_us: u32 {
            default: 200,
            description: "longest interrupt-off batch pair, in microseconds (10 to 100000)",
        },
    },
}

const VERIFY_OPS: u32 = 64;
const MAX_BATCH: u32 = 1 << 20;
const MAX_CLOCK_STEP_NS: i64 = 100_000;
const ACCELS: [&str; 4] = ["kvm", "tcg", "tcg-icount", "bare-metal"];

#[cfg(target_arch = "x86_64")]
const ARCH: &str = "x86_64";
#[cfg(target_arch = "x86_64")]
const COUNTER: &str = "tsc";
#[cfg(target_arch = "aarch64")]
const ARCH: &str = "arm64";
#[cfg(target_arch = "aarch64")]
const COUNTER: &str = "cntvct_el0";
/// How interrupts are masked (the C module's `irq_mask`). A kernel built with
/// pseudo-NMI may mask through the GIC's PMR, which is decided at boot and which
/// this module does not read: it says `unknown` there rather than guess.
#[cfg(target_arch = "x86_64")]
const IRQ_MASK: &str = "eflags";
#[cfg(all(target_arch = "aarch64", not(CONFIG_ARM64_PSEUDO_NMI)))]
const IRQ_MASK: &str = "daif";
#[cfg(all(target_arch = "aarch64", CONFIG_ARM64_PSEUDO_NMI))]
const IRQ_MASK: &str = "unknown";
/// The C module's `lock_type` of a `SpinLock`/`SpinLockIrq`: a `spinlock_t`, which
/// PREEMPT_RT turns into a sleeping `rt_mutex`.
const SPINLOCK: &str = if cfg!(CONFIG_PREEMPT_RT) {
    "rt_mutex"
} else {
    "spinlock_t"
};

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

/// What the untimed verification saw (the C module's `irqb_verdict`).
#[derive(Default)]
struct Verdict {
    leaks: Cell<u32>,
    exposed: Cell<u32>,
    changes: Cell<u32>,
    leaked: Cell<bool>,
    failed: Cell<u32>,
}

/// Are interrupts on? Out of line and only in the untimed verification.
#[inline(never)]
fn irqs_on() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let flags: u64;
        // SAFETY: pushf/pop only reads the flags register through the stack.
        unsafe { core::arch::asm!("pushfq", "pop {}", out(reg) flags) };
        flags & (1 << 9) != 0
    }
    #[cfg(target_arch = "aarch64")]
    {
        let daif: u64;
        // SAFETY: reading DAIF has no side effect.
        unsafe { core::arch::asm!("mrs {}, daif", out(reg) daif, options(nomem, nostack)) };
        daif & (1 << 7) == 0
    }
}

/// With a verdict, note whether interrupts are on while a lock is held.
#[inline(always)]
fn held(vd: Option<&Verdict>) {
    if let Some(vd) = vd {
        if irqs_on() {
            vd.leaked.set(true);
            vd.exposed.set(vd.exposed.get() + 1);
        }
    }
}

/// The architecture's counter, read in program order (`ticks_p50`).
#[inline(always)]
fn counter() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let (lo, hi): (u32, u32);
        // SAFETY: lfence; rdtsc reads the time stamp counter, ordered, and has no side effect.
        unsafe {
            core::arch::asm!("lfence", "rdtsc", out("eax") lo, out("edx") hi,
                options(nomem, nostack, preserves_flags))
        };
        (u64::from(hi) << 32) | u64::from(lo)
    }
    #[cfg(target_arch = "aarch64")]
    {
        let v: u64;
        // SAFETY: isb; mrs cntvct_el0 reads the virtual counter, ordered, no side effect.
        unsafe {
            core::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) v, options(nomem, nostack))
        };
        v
    }
}

fn ktime_ns() -> i64 {
    // SAFETY: `ktime_get()` may be called from any context but NMI.
    unsafe { bindings::ktime_get() }
}

/// Take `depth` levels with `take`, innermost last, release them in reverse
/// (each level's guard drops at the end of its block); with a verdict, check
/// that interrupts are off while any level is held, as the C module does.
macro_rules! nest {
    ($take:expr, $set:expr, $tok:expr, $vd:expr; ) => {};
    ($take:expr, $set:expr, $tok:expr, $vd:expr; $f:ident $($rest:ident)*) => {{
        let _guard = $take(&$set.$f, $tok);
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

/// Untimed operations with every check on.
macro_rules! checked {
    ($vd:expr, $take:expr, $set:expr, $tok:expr; $($f:ident)*) => {
        for _ in 0..VERIFY_OPS {
            let before = irqs_on();
            $vd.leaked.set(false);
            nest!($take, $set, $tok, Some($vd); $($f)*);
            if $vd.leaked.get() {
                $vd.leaks.set($vd.leaks.get() + 1);
            }
            if irqs_on() != before {
                $vd.changes.set($vd.changes.get() + 1);
            }
        }
    };
}

type BatchFn = fn(&Locks, u32, bool, u32, Option<&LocalInterruptDisabled>);
type VerifyFn = fn(&Locks, u32, Option<&LocalInterruptDisabled>, &Verdict);

/// A variant's batch and verification functions. `token` variants run only
/// entered off and take the token once, outside the loops.
macro_rules! variant_fns {
    ($batch:ident, $verify:ident, $set:ident, token, $take:expr) => {
        #[inline(never)]
        fn $batch(c: &Locks, n: u32, twice: bool, d: u32, tok: Option<&LocalInterruptDisabled>) {
            let Some(tok) = tok else { return };
            by_depth!(d, timed!(n, twice, $take, c.$set, tok));
        }

        fn $verify(c: &Locks, d: u32, tok: Option<&LocalInterruptDisabled>, vd: &Verdict) {
            let Some(tok) = tok else { return };
            by_depth!(d, checked!(vd, $take, c.$set, tok));
        }
    };
    ($batch:ident, $verify:ident, $set:ident, plain, $take:expr) => {
        #[inline(never)]
        fn $batch(c: &Locks, n: u32, twice: bool, d: u32, _tok: Option<&LocalInterruptDisabled>) {
            by_depth!(d, timed!(n, twice, $take, c.$set, ()));
        }

        fn $verify(c: &Locks, d: u32, _tok: Option<&LocalInterruptDisabled>, vd: &Verdict) {
            by_depth!(d, checked!(vd, $take, c.$set, ()));
        }
    };
}

// What each variant takes at one level (and drops at the end of it).
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

variant_fns!(lock_batch, lock_verify, irq, plain, take_lock);
variant_fns!(
    lock_with_batch,
    lock_with_verify,
    irq,
    token,
    take_lock_with
);
variant_fns!(
    try_lock_with_batch,
    try_lock_with_verify,
    irq,
    token,
    take_try_lock_with
);
variant_fns!(spin_only_batch, spin_only_verify, spin, plain, take_spin);
variant_fns!(token_batch, token_verify, spin, plain, take_token);

/// try_lock_with() must succeed every time (one CPU, no contention).
fn try_lock_with_verify_all(c: &Locks, d: u32, tok: Option<&LocalInterruptDisabled>, vd: &Verdict) {
    try_lock_with_verify(c, d, tok, vd);
    let Some(tok) = tok else { return };
    for _ in 0..VERIFY_OPS {
        match c.irq.l0.try_lock_with(tok) {
            Some(_guard) => {}
            None => vd.failed.set(vd.failed.get() + 1),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    On,
    Off,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::On => "on",
            State::Off => "off",
        }
    }
}

struct Variant {
    id: &'static str,
    /// Whether a held lock must find interrupts off (the verification's leaks).
    irq_off: bool,
    /// The record's `lock_type`.
    lock: &'static str,
    states: &'static [State],
    batch: BatchFn,
    verify: VerifyFn,
}

static VARIANTS: [Variant; 5] = [
    Variant {
        id: "rust_lock",
        irq_off: true,
        lock: SPINLOCK,
        states: &[State::On, State::Off],
        batch: lock_batch,
        verify: lock_verify,
    },
    Variant {
        id: "rust_lock_with",
        irq_off: true,
        lock: SPINLOCK,
        states: &[State::Off],
        batch: lock_with_batch,
        verify: lock_with_verify,
    },
    Variant {
        id: "rust_try_lock_with",
        irq_off: true,
        lock: SPINLOCK,
        states: &[State::Off],
        batch: try_lock_with_batch,
        verify: try_lock_with_verify_all,
    },
    Variant {
        id: "rust_spin_only",
        irq_off: false,
        lock: SPINLOCK,
        states: &[State::On, State::Off],
        batch: spin_only_batch,
        verify: spin_only_verify,
    },
    Variant {
        id: "rust_token",
        irq_off: true,
        lock: "none",
        states: &[State::On, State::Off],
        batch: token_batch,
        verify: token_verify,
    },
];

struct Case {
    variant: &'static Variant,
    depth: u32,
    state: State,
    batch_ops: u32,
    values: KVec<i64>,
    ticks: KVec<i64>,
    leaks: u32,
    changes: u32,
    exposed: u32,
}

struct Batch {
    ns: i64,
    ticks: i64,
}

/// One timed batch, entered in `state` (off: inside an outer token). Fails
/// if the operations left the interrupt state other than they found it.
fn time_batch(c: &Locks, case: &Case, n: u32, twice: bool) -> Result<Batch> {
    let outer = (case.state == State::Off).then(local_interrupt_disable);
    let on_before = irqs_on();
    let c0 = counter();
    let t0 = ktime_ns();
    (case.variant.batch)(c, n, twice, case.depth, outer.as_ref());
    let t1 = ktime_ns();
    let c1 = counter();
    let on_after = irqs_on();
    drop(outer);
    if on_before != on_after {
        pr_err!(
            "{} depth {}: interrupts {} -> {}\n",
            case.variant.id,
            case.depth,
            if on_before { "on" } else { "off" },
            if on_after { "on" } else { "off" }
        );
        return Err(EIO);
    }
    Ok(Batch {
        ns: t1 - t0,
        ticks: c1.wrapping_sub(c0) as i64,
    })
}

/// Per-operation difference of a pair, in thousandths.
fn per_op_milli(twice: i64, once: i64, n: u32) -> i64 {
    // n is at least 1 (calibrate() starts there); no panic path in the sampling
    twice
        .wrapping_sub(once)
        .wrapping_mul(1000)
        .checked_div(i64::from(n))
        .unwrap_or(0)
}

/// Ascending insertion sort: a few hundred values at most, and unlike
/// `sort_unstable()` no panic path (which objtool cannot follow here).
fn sort(v: &mut [i64]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// One sample: the once and twice batches, in an order alternating with `s`.
fn time_pair(c: &Locks, case: &Case, s: u32) -> Result<(i64, i64)> {
    let first = s & 1 == 1;
    let a = time_batch(c, case, case.batch_ops, first)?;
    let b = time_batch(c, case, case.batch_ops, !first)?;
    let (once, twice) = if first { (b, a) } else { (a, b) };
    Ok((
        per_op_milli(twice.ns, once.ns, case.batch_ops),
        per_op_milli(twice.ticks, once.ticks, case.batch_ops),
    ))
}

fn verify(c: &Locks, case: &mut Case) -> Result {
    let vd = Verdict::default();
    let outer = (case.state == State::Off).then(local_interrupt_disable);
    (case.variant.verify)(c, case.depth, outer.as_ref(), &vd);
    drop(outer);
    case.exposed = vd.exposed.get();
    case.leaks = if case.variant.irq_off {
        vd.leaks.get()
    } else {
        0
    };
    case.changes = vd.changes.get();
    if case.changes != 0 || vd.failed.get() != 0 || (case.variant.irq_off && case.leaks != 0) {
        pr_err!(
            "{} depth {} {}: {} state changes, {} leaks, {} failed try_lock of {} operations\n",
            case.variant.id,
            case.depth,
            case.state.name(),
            case.changes,
            case.leaks,
            vd.failed.get(),
            VERIFY_OPS
        );
        return Err(EIO);
    }
    if !case.variant.irq_off {
        case.exposed = 0;
    }
    Ok(())
}

fn median3(mut v: [i64; 3]) -> i64 {
    sort(&mut v);
    v[1]
}

/// The largest power-of-two batch whose two-operation batch stays within
/// half the window (median of three), as the C module calibrates.
fn calibrate(c: &Locks, case: &Case, window_us: u32) -> Result<u32> {
    let limit = i64::from(window_us) * 1000 / 2;
    let mut n = 1u32;
    loop {
        let mut ns = [0i64; 3];
        for v in ns.iter_mut() {
            *v = time_batch(c, case, n, true)?.ns;
        }
        if n >= MAX_BATCH || 2 * median3(ns) > limit {
            return Ok(n);
        }
        n *= 2;
    }
}

/// A jiffies clocksource would make every batch noise: refuse it.
fn check_clock() -> Result {
    let mut step = i64::MAX;
    for _ in 0..3 {
        let t0 = ktime_ns();
        let mut t1 = ktime_ns();
        while t1 == t0 {
            t1 = ktime_ns();
        }
        step = step.min(t1 - t0);
    }
    if step > MAX_CLOCK_STEP_NS {
        pr_err!("the monotonic clock moves in steps of {step} ns: too coarse to time batches\n");
        return Err(EIO);
    }
    Ok(())
}

/// A value in thousandths, printed with three decimals as the C module does.
struct Milli(i64);

impl fmt::Display for Milli {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:03}", a / 1000, a % 1000)
    }
}

/// A fixed-size C string field, with what the C module replaces replaced.
struct Field<'a>(&'a [u8], &'static str);

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.0.iter().position(|&c| c == 0).unwrap_or(self.0.len());
        let s = &self.0[..len];
        // leading and trailing blanks are trimmed (strim)
        let blank = |c: &u8| c.is_ascii_whitespace();
        let start = s.iter().position(|c| !blank(c)).unwrap_or(len);
        let end = s.iter().rposition(|c| !blank(c)).map_or(start, |e| e + 1);
        for &c in &s[start..end] {
            let keep = c.is_ascii_alphanumeric() || self.1.as_bytes().contains(&c);
            write!(f, "{}", if keep { c as char } else { '_' })?;
        }
        Ok(())
    }
}

/// Every sample value of a case, space separated (the `samples` format).
struct Samples<'a>(&'a [i64]);

impl fmt::Display for Samples<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            fmt::Display::fmt(&Milli(*v), f)?;
        }
        Ok(())
    }
}

/// The kernel release as a record field (characters outside a safe set as `_`).
/// The module is built against exactly this release (its vermagic must match);
/// `build-rust-module.sh` passes it from the build's `include/config/kernel.release`.
fn release() -> Field<'static> {
    Field(env!("IRQBENCH_RELEASE").as_bytes(), "._:+-~")
}

/// The CPU model field: x86's model id, arm64's MIDR.
struct CpuModel;

impl fmt::Display for CpuModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(target_arch = "x86_64")]
        {
            let cpu = &raw const bindings::boot_cpu_data;
            // SAFETY: `boot_cpu_data` is set up at boot, before any module loads, and its
            // model id is not written after; this reads that byte array in place.
            let model = unsafe { &(*cpu).x86_model_id };
            // the C module only replaces , " and \ in it
            let id = Field(model, " !#$%&'()*+-./:;<=>?@[]^_`{|}~");
            fmt::Display::fmt(&id, f)
        }
        #[cfg(target_arch = "aarch64")]
        {
            let midr: u64;
            // SAFETY: reading MIDR_EL1 has no side effect.
            unsafe { core::arch::asm!("mrs {}, midr_el1", out(reg) midr, options(nomem, nostack)) };
            write!(f, "MIDR 0x{:08x}", midr as u32)
        }
    }
}

fn emit(case: &Case, accel: &str) -> Result {
    let mut sorted = KVec::with_capacity(case.values.len(), GFP_KERNEL)?;
    sorted.extend_from_slice(&case.values, GFP_KERNEL)?;
    sort(&mut sorted);
    let st = stats::compute(&sorted).ok_or(EINVAL)?;
    let mut ticks = KVec::with_capacity(case.ticks.len(), GFP_KERNEL)?;
    ticks.extend_from_slice(&case.ticks, GFP_KERNEL)?;
    sort(&mut ticks);
    let ticks_p50 = ticks[(ticks.len() - 1) / 2];
    let unit = if accel == "tcg-icount" { "insn" } else { "ns" };
    let config = if cfg!(CONFIG_RUST_INLINE_HELPERS) {
        "rust-inline"
    } else {
        "rust"
    };
    pr_info!(
        "R {},{},{},{},{},{},native,{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},,rust,{},{}\n",
        ARCH,
        release(),
        config,
        accel,
        CpuModel,
        case.variant.id,
        case.depth,
        case.state.name(),
        case.batch_ops,
        st.n,
        unit,
        Milli(st.p50),
        Milli(st.mean),
        Milli(st.min),
        Milli(st.p90),
        Milli(st.p99),
        Milli(st.max),
        Milli(st.stddev),
        Milli(st.ci95_lo),
        Milli(st.ci95_hi),
        case.leaks,
        VERIFY_OPS,
        case.changes,
        Milli(ticks_p50),
        COUNTER,
        case.exposed,
        IRQ_MASK,
        case.variant.lock
    );
    // the samples line, as the C module's `samples` file has it
    pr_info!(
        "S {},native,{},{},{}\n",
        case.variant.id,
        case.depth,
        case.state.name(),
        Samples(&case.values)
    );
    Ok(())
}

fn run(c: &Locks) -> Result {
    let nsamples = module_parameters::samples.value();
    let depths = module_parameters::depths.value();
    let window_us = module_parameters::window_us.value();
    let accel = *ACCELS
        .get(module_parameters::accel.value() as usize)
        .ok_or(EINVAL)?;
    if !(3..=1000).contains(&nsamples) || depths & 0x1fffe == 0 || depths & !0x1fffe != 0 {
        pr_err!("samples must be 3-1000 and depths a mask of bits 1-16\n");
        return Err(EINVAL);
    }
    if !(10..=100_000).contains(&window_us) {
        pr_err!("window_us must be 10-100000\n");
        return Err(EINVAL);
    }
    check_clock()?;
    let mut cases = KVec::new();
    for v in VARIANTS.iter() {
        for d in (1..=16).filter(|d| depths & (1 << d) != 0) {
            for &state in v.states {
                cases.push(
                    Case {
                        variant: v,
                        depth: d,
                        state,
                        batch_ops: 0,
                        values: KVec::with_capacity(nsamples as usize, GFP_KERNEL)?,
                        ticks: KVec::with_capacity(nsamples as usize, GFP_KERNEL)?,
                        leaks: 0,
                        changes: 0,
                        exposed: 0,
                    },
                    GFP_KERNEL,
                )?;
            }
        }
    }
    // verify and calibrate every case before any sample is taken
    for case in cases.iter_mut() {
        verify(c, case)?;
        case.batch_ops = calibrate(c, case, window_us)?;
    }
    // round robin: sample s of every case before sample s + 1 of any
    for s in 0..nsamples {
        for case in cases.iter_mut() {
            let (ns, ticks) = time_pair(c, case, s)?;
            case.values.push(ns, GFP_KERNEL)?;
            case.ticks.push(ticks, GFP_KERNEL)?;
        }
    }
    pr_info!("BEGIN RUST RECORDS ({})\n", cases.len());
    for case in cases.iter() {
        emit(case, accel)?;
    }
    pr_info!("END RUST RECORDS\n");
    Ok(())
}

struct IrqbenchRust;

impl kernel::Module for IrqbenchRust {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let locks = KBox::pin_init(Locks::new(), GFP_KERNEL)?;
        run(&locks)?;
        Ok(IrqbenchRust)
    }
}
