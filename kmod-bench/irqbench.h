/* SPDX-License-Identifier: GPL-2.0 */
/* irqbench: kernel-side types shared by the module's files. */
#ifndef IRQBENCH_H
#define IRQBENCH_H

#include <linux/cache.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "request.h"
#include "stats.h"
#include "variants.h"

/* The typed allocators arrived after 6.1; the same call on older kernels. */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP)	kzalloc(sizeof(P), GFP)
#endif

/* One lock per nesting level, each on its own cache line. */
struct irqb_lock {
	spinlock_t lock;	/* the lock a nesting level takes */
	raw_spinlock_t raw;	/* the raw_* variants' lock of that level */
} ____cacheline_aligned;

struct irqb_ext;

/* Shared with the builtin copy of variants.c in vmlinux: keep it plain. */
struct irqb_ctx {
	struct irqb_lock locks[IRQB_MAX_DEPTH];
	unsigned int depth;
	unsigned int impl;
	bool putback;		/* hazard variants: re-enable after each op */
	const struct irqb_ext *ext;	/* a Rust row's functions (ext.c) */
};

/*
 * Runs @n iterations of one operation, or of two back to back if @twice:
 * the timed part of a batch. The two loops differ only in their body, so
 * their difference is exactly @n operations: loop, call and timer costs
 * cancel.
 */
typedef void (*irqb_batch_fn)(struct irqb_ctx *c, u32 n, bool twice);

/* What the untimed verification of @n operations found. */
struct irqb_verdict {
	u32 leaks;	/* ops that found interrupts on while a lock was held */
	u32 exposed;	/* unlocks after which interrupts were on, a lock held */
	u32 changes;	/* ops that left the interrupt state changed */
	u32 failed;	/* ops that could not do their work (a failed trylock) */
	bool leaked;	/* the current op found interrupts on, a lock held */
};

typedef void (*irqb_verify_fn)(struct irqb_ctx *c, u32 n,
			       struct irqb_verdict *vd);

/*
 * A row of the module's table: its meta row (variants.h) and, per impl,
 * the loops and the verification that run it, NULL where that impl cannot
 * run it on this kernel (irqb_variants_init()).
 */
struct irqb_variant {
	struct irqb_variant_meta m;	/* first: the parser reads the table */
	irqb_batch_fn batch[IRQB_NR_IMPLS];
	irqb_verify_fn verify[IRQB_NR_IMPLS];
	irqb_batch_fn putback;		/* HAZARD: the loops with the put-back */
};

/* vmlinux's copy of the counted loops, where the kernel was built with it. */
const irqb_batch_fn *irqb_builtin_loops(void);
/* The put-back of a hazard case alone: its cost is cancelled. */
void irqb_putback_batch(struct irqb_ctx *c, u32 n, bool twice);

extern struct irqb_variant irqb_variants[IRQB_NR_VARIANTS];
void irqb_variants_init(void);
int irqb_variant_index(const char *id);

/* Whether @impl can run @v on this kernel (and, for Rust rows, now). */
static inline bool irqb_impl_available(const struct irqb_variant *v,
				       unsigned int impl)
{
	return impl < IRQB_NR_IMPLS && v->batch[impl];
}

/* The loops a case runs: a hazard case entered on puts back after each op. */
static inline irqb_batch_fn irqb_batch_of(const struct irqb_variant *v,
					  const struct irqb_ctx *c)
{
	return c->putback ? v->putback : v->batch[c->impl];
}

/*
 * Whether @impl runs @v for @req: available here, and a model only where
 * the request names it.
 */
static inline bool irqb_impl_runs(const struct irqb_variant *v,
				  const struct irqb_request *req,
				  unsigned int impl)
{
	if (!irqb_impl_available(v, impl))
		return false;
	if (impl == IRQB_IMPL_NATIVE || impl == IRQB_IMPL_NATIVE_BUILTIN)
		return true;
	return req->models & (1U << (impl - IRQB_IMPL_V73));
}

/* Whether @m takes a lock that may sleep: spinlock_t under PREEMPT_RT. */
static inline bool irqb_lock_sleeps(const struct irqb_variant_meta *m)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && m->lock == IRQB_LOCK_SPINLOCK;
}

/*
 * Around a batch: on its CPU and unpreempted. A lock that may sleep must
 * not be taken with preemption off (DEBUG_ATOMIC_SLEEP reports it), so
 * that batch only stays on its CPU.
 */
static inline void irqb_hold_cpu(const struct irqb_variant_meta *m)
{
	if (irqb_lock_sleeps(m))
		migrate_disable();
	else
		preempt_disable();
}

static inline void irqb_release_cpu(const struct irqb_variant_meta *m)
{
	if (irqb_lock_sleeps(m))
		migrate_enable();
	else
		preempt_enable();
}

/* ext.c: the Rust module's functions, registered by row id */
struct irqb_ext {
	void (*batch)(void *priv, u32 depth, u32 n, bool twice);
	void (*verify_op)(void *priv, u32 depth, struct irqb_verdict *vd);
	void *priv;
};

void irqb_ext_batch(struct irqb_ctx *c, u32 n, bool twice);
/* What irqbench_rust.ko calls (kmod-bench/rust/irqbench_rust.rs) */
int irqb_register_rust(const char *id,
		       void (*batch)(void *priv, u32 depth, u32 n, bool twice),
		       void (*verify_op)(void *priv, u32 depth,
					 struct irqb_verdict *vd),
		       void *priv);
void irqb_unregister_rust(void *priv);
void irqb_verify_held(struct irqb_verdict *vd);
void irqb_verify_failed(struct irqb_verdict *vd);
void irqb_ext_verify(struct irqb_ctx *c, u32 n, struct irqb_verdict *vd);
const struct irqb_ext *irqb_ext_of(const struct irqb_variant *v);

/* One measured case and its statistics. */
struct irqb_record {
	u8 variant;
	u8 impl;
	u8 depth;
	u8 state;
	u32 batch_ops;
	u32 verify_ops;
	struct irqb_verdict vd;
	struct irqb_stats st;	/* thousandths of the unit per op */
	s64 ticks_p50;		/* arch counter ticks per op, thousandths */
	s64 cycles_p50;		/* PMU cycles per op, thousandths */
	bool have_cycles;
	s64 *values;		/* st.n per-sample values, in run order */
};

struct irqb_results {
	char request[IRQB_REQ_MAX_LEN + 1];
	unsigned int nr;
	s64 *values;		/* backing store of every record's values */
	struct irqb_record rec[];
};

/* counted.c */
bool irqb_have_native(void);
bool irqb_have_builtin(void);
unsigned int irqb_counted_depth(unsigned int impl);
void irqb_outer_enter(const struct irqb_variant *v, unsigned int impl,
		      unsigned int state, unsigned long *flags);
void irqb_outer_exit(const struct irqb_variant *v, unsigned int impl,
		     unsigned int state, unsigned long flags);

/* timing.c */
int irqb_run(const struct irqb_request *req, const char *text,
	     struct irqb_results **out, bool *abort);
void irqb_results_free(struct irqb_results *r);

/* output.c */
struct seq_file;
extern char *irqb_tag_config;
extern char *irqb_tag_accel;
extern char *irqb_tag_unit;
extern bool irqb_tag_pmu;
void irqb_show_csv_header(struct seq_file *m);
void irqb_show_csv(struct seq_file *m, const struct irqb_results *r,
		   unsigned int i);
void irqb_show_json(struct seq_file *m, const struct irqb_results *r,
		    unsigned int i);
void irqb_show_samples(struct seq_file *m, const struct irqb_results *r,
		       unsigned int i);
void irqb_show_variants(struct seq_file *m);
void irqb_show_measurement(struct seq_file *m, const struct irqb_results *r,
			   unsigned int i);
void irqb_log_results(const struct irqb_results *r);

/* annotate.c */
struct dentry;
void irqb_annotate_init(struct dentry *dir);
void irqb_provoke_init(struct dentry *dir);

/* debugfs.c */
int irqb_debugfs_init(void);
void irqb_debugfs_exit(void);
int irqb_request_and_run(const char *buf, size_t len);
bool irqb_running(void);
void irqb_lock_table(void);
void irqb_unlock_table(void);
extern struct mutex irqb_results_lock;
extern struct irqb_results *irqb_latest;

#endif /* IRQBENCH_H */
