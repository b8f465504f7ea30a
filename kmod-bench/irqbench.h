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
#include "variant_meta.h"

/* The typed allocators arrived after 6.1; the same call on older kernels. */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP)	kzalloc(sizeof(P), GFP)
#endif

/*
 * Counted implementations: native (interrupt_rc.h, module-linked: what a
 * module pays), an emulation model, or native-builtin (the same loops
 * compiled into vmlinux: what kernel code pays).
 */
enum irqb_impl {
	IRQB_IMPL_NATIVE,
	IRQB_IMPL_V73,		/* IRQB_IMPL_V73 + m is model m */
	IRQB_IMPL_TIP,
	IRQB_IMPL_V1,
	IRQB_IMPL_NATIVE_BUILTIN,
	IRQB_NR_IMPLS,
};

/* One lock per nesting level, each on its own cache line. */
struct irqb_lock {
	spinlock_t lock;	/* the lock a nesting level takes */
	raw_spinlock_t raw;	/* the raw_* variants' lock of that level */
} ____cacheline_aligned;

/* Shared with the builtin copy of variants.c in vmlinux: keep it plain. */
struct irqb_ctx {
	struct irqb_lock locks[IRQB_MAX_DEPTH];
	unsigned int depth;
	unsigned int impl;
	bool putback;		/* hazard variants: re-enable after each op */
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
};

typedef void (*irqb_verify_fn)(struct irqb_ctx *c, u32 n,
			       struct irqb_verdict *vd);

struct irqb_variant {
	struct irqb_variant_meta m;	/* first: the parser reads the table */
	irqb_batch_fn batch;
	irqb_verify_fn verify;
};

/* vmlinux's copy of the loops, where the kernel was built with it. */
#ifdef IRQB_HAVE_BUILTIN
extern const irqb_batch_fn irqb_builtin_batch[IRQB_NR_VARIANTS];
#endif
/* The put-back of a hazard case alone: its cost is cancelled. */
void irqb_putback_batch(struct irqb_ctx *c, u32 n, bool twice);

extern const struct irqb_variant irqb_variants[];
extern const unsigned int irqb_nr_variants;

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
const char *irqb_impl_name(unsigned int impl);
unsigned int irqb_counted_depth(unsigned int impl);
void irqb_outer_enter(const struct irqb_variant *v, unsigned int impl,
		      unsigned int state, unsigned long *flags);
void irqb_outer_exit(const struct irqb_variant *v, unsigned int impl,
		     unsigned int state, unsigned long flags);

/* Whether @m takes a lock that may sleep: spinlock_t under PREEMPT_RT. */
static inline bool irqb_lock_sleeps(const struct irqb_variant_meta *m)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) && m->lock == IRQB_LOCK_SPINLOCK;
}

/*
 * A counted variant no model runs: one with no model at all (native_only),
 * or a spinlock_t one under PREEMPT_RT, where a model would mask and then
 * take an rt_mutex.
 */
static inline bool irqb_models_barred(const struct irqb_variant_meta *m)
{
	return m->counted && (m->native_only || irqb_lock_sleeps(m));
}

/*
 * Whether @impl can run @m on this kernel: a plain variant only "native",
 * a counted one natively where the kernel has the code, and as a model
 * unless models are barred. timing.c and annotate.c both ask this.
 */
static inline bool irqb_impl_available(const struct irqb_variant_meta *m,
				       unsigned int impl)
{
	if (!m->counted)
		return impl == IRQB_IMPL_NATIVE;
	if (impl == IRQB_IMPL_NATIVE)
		return irqb_have_native();
	if (impl == IRQB_IMPL_NATIVE_BUILTIN)
		return irqb_have_builtin();
	return !irqb_models_barred(m);
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

/* timing.c */
int irqb_run(const struct irqb_request *req, const char *text,
	     struct irqb_results **out, bool *abort);
void irqb_results_free(struct irqb_results *r);

/* output.c */
struct seq_file;
extern char *irqb_tag_config;
extern char *irqb_tag_accel;
void irqb_show_csv_header(struct seq_file *m);
void irqb_show_csv(struct seq_file *m, const struct irqb_results *r,
		   unsigned int i);
void irqb_show_json(struct seq_file *m, const struct irqb_results *r,
		    unsigned int i);
void irqb_show_samples(struct seq_file *m, const struct irqb_results *r,
		       unsigned int i);
void irqb_show_variants(struct seq_file *m);
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
extern struct mutex irqb_results_lock;
extern struct irqb_results *irqb_latest;

#endif /* IRQBENCH_H */
