/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqbench run requests: "variants=irqsave,counted depths=1-4 states=on,off
 * samples=31 cpu=0 model=v7.3". Pure C, no kernel-only headers.
 */
#ifndef IRQB_REQUEST_H
#define IRQB_REQUEST_H

#include "irqb_compat.h"

#define IRQB_MAX_DEPTH		16
#define IRQB_MAX_VARIANTS	32
#define IRQB_REQ_MAX_LEN	512
#define IRQB_MIN_SAMPLES	1
#define IRQB_MAX_SAMPLES	1001
#define IRQB_DEF_SAMPLES	31
#define IRQB_DEF_WINDOW_US	200
#define IRQB_MAX_WINDOW_US	100000
#define IRQB_ERR_LEN		160

/* Entry interrupt states, as a bit mask. */
#define IRQB_STATE_ON		0x1
#define IRQB_STATE_OFF		0x2	/* inside an outer region of the variant's kind */
#define IRQB_STATE_OFF_RAW	0x4	/* under local_irq_save(), counted nesting 0 */
#define IRQB_STATE_ALL		(IRQB_STATE_ON | IRQB_STATE_OFF | IRQB_STATE_OFF_RAW)
#define IRQB_NR_STATES		3

/* Emulation models of counted interrupt disabling, as a bit mask. */
enum irqb_model {
	IRQB_MODEL_V73,		/* v7.3: save at every level, flags kept at the outermost */
	IRQB_MODEL_TIP,		/* tip: interrupt state saved only at the outermost level */
	IRQB_MODEL_V1,		/* v1-percpu: per-CPU {flags, count}, save always */
	IRQB_NR_MODELS,
};

/*
 * The lock a variant takes: spinlock_t (the zero default: it spins, or
 * under PREEMPT_RT is an rt_mutex that sleeps), raw_spinlock_t, or none.
 */
enum irqb_lock_kind {
	IRQB_LOCK_SPINLOCK,
	IRQB_LOCK_RAW,
	IRQB_LOCK_NONE,
};

/*
 * Implementations of a variant: native (the kernel's own code, as a
 * module pays it), an emulation model of counted disabling, or
 * native-builtin (the same loops compiled into vmlinux: what kernel code
 * pays). Every variant that does not count runs "native" only.
 */
enum irqb_impl {
	IRQB_IMPL_NATIVE,
	IRQB_IMPL_V73,		/* IRQB_IMPL_V73 + m is model m */
	IRQB_IMPL_TIP,
	IRQB_IMPL_V1,
	IRQB_IMPL_NATIVE_BUILTIN,
	IRQB_NR_IMPLS,
};

#define IRQB_IMPLS_MODELS	((1U << IRQB_IMPL_V73) | (1U << IRQB_IMPL_TIP) | \
				 (1U << IRQB_IMPL_V1))

/*
 * What the parser, the outputs and the host's reports know of a variant:
 * one row of the table in variants.h, the first member of each module row.
 */
struct irqb_variant_meta {
	const char *id;
	const char *desc;
	const char *lang;	/* "c", or "rust": functions registered by that module */
	u8 max_depth;		/* depths 1..max_depth */
	u8 states;		/* IRQB_STATE_* the variant can be entered in */
	u8 impls;		/* bit i: enum irqb_impl i may run it */
	bool counted;		/* entered "off" inside a counted region */
	bool hazard;		/* may leave interrupts changed: the thread's bug */
	u8 lock;		/* enum irqb_lock_kind */
	const char *why;	/* why the excluded depths or states are impossible */
	const char *nested;	/* hand-over-hand: the nested variant it pairs with */
	const char *same;	/* cases that run another's code: "IMPL dD STATES: ID [dD STATE]; ..." */
	const char *like;	/* the C variant that does what a Rust row calls */
};

struct irqb_request {
	u32 variants;		/* bit i: row i of the variant table */
	u32 depths;		/* bit d: depth d, 1..IRQB_MAX_DEPTH */
	u8 states;		/* IRQB_STATE_* */
	u8 models;		/* bit m: enum irqb_model m */
	bool all_variants;	/* "all": impossible combinations are skipped */
	u16 samples;
	u32 cpu;
	u32 window_us;		/* bound on one interrupt-off batch */
};

/* The variant table, seen through its leading irqb_variant_meta members. */
struct irqb_table {
	const void *rows;
	size_t stride;
	unsigned int nr;
};

const struct irqb_variant_meta *irqb_table_meta(const struct irqb_table *t,
						unsigned int i);
const char *irqb_model_name(unsigned int model);
const char *irqb_state_name(unsigned int state);

/*
 * Parse @len bytes of @buf (a trailing newline is allowed) into @req.
 * @nr_cpus bounds cpu=. On error returns -EINVAL, leaves @req untouched and
 * writes a one-line reason naming the bad token into @err.
 */
int irqb_parse_request(const char *buf, size_t len, const struct irqb_table *t,
		       unsigned int nr_cpus, struct irqb_request *req,
		       char *err, size_t errlen);

/* True if @v can run at @depth entered in @state (one IRQB_STATE_* bit). */
bool irqb_case_possible(const struct irqb_variant_meta *v, unsigned int depth,
			unsigned int state);

/* "native", "emulated:v7.3", ... as records name them. */
const char *irqb_impl_name(unsigned int impl);

#endif /* IRQB_REQUEST_H */
