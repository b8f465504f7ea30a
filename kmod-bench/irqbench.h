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

/* The typed allocators arrived after 6.1; the same call on older kernels. */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP)	kzalloc(sizeof(P), GFP)
#endif

/* Counted implementations: native (interrupt_rc.h) or an emulation model. */
enum irqb_impl {
	IRQB_IMPL_NATIVE,
	IRQB_IMPL_V73,		/* IRQB_IMPL_V73 + m is model m */
	IRQB_IMPL_TIP,
	IRQB_IMPL_V1,
	IRQB_NR_IMPLS,
};

/* One lock per nesting level, each on its own cache line. */
struct irqb_lock {
	spinlock_t lock;	/* the lock a nesting level takes */
} ____cacheline_aligned;

struct irqb_ctx {
	struct irqb_lock locks[IRQB_MAX_DEPTH];
	unsigned int depth;
	unsigned int impl;
};

/* Runs @n operations; the timed part of a batch. */
typedef void (*irqb_batch_fn)(struct irqb_ctx *c, u32 n);
/*
 * Runs @n operations with checks; returns how many leaked interrupts and
 * counts in @changes those that left the interrupt state changed.
 */
typedef u32 (*irqb_verify_fn)(struct irqb_ctx *c, u32 n, u32 *changes);

/* How a batch entered with interrupts off disables them around itself. */
enum irqb_outer {
	IRQB_OUTER_IRQSAVE,	/* local_irq_save() */
	IRQB_OUTER_COUNTED,	/* local_interrupt_disable(), native or model */
};

struct irqb_variant {
	struct irqb_variant_meta m;	/* first: the parser reads the table */
	irqb_batch_fn batch;
	irqb_verify_fn verify;
	enum irqb_outer outer;
};

extern const struct irqb_variant irqb_variants[];
extern const unsigned int irqb_nr_variants;

/* One measured case and its statistics. */
struct irqb_record {
	u8 variant;
	u8 impl;
	u8 depth;
	u8 state;
	u32 batch_ops;
	u32 leaks;		/* verification ops that leaked interrupts */
	u32 changes;		/* verification ops that changed the irq state */
	u32 verify_ops;
	struct irqb_stats st;	/* thousandths of the unit per op */
	s64 ticks_p50;		/* arch counter ticks per op, thousandths */
	s64 *values;		/* st.n per-sample values, in run order */
};

struct irqb_results {
	char request[IRQB_REQ_MAX_LEN + 1];
	unsigned int nr;
	s64 overhead_ns;	/* a batch of no operations: timer reads, call */
	s64 overhead_ticks;
	s64 empty_milli;	/* the loop alone, per operation */
	s64 empty_ticks_milli;
	s64 *values;		/* backing store of every record's values */
	struct irqb_record rec[];
};

/* counted.c */
bool irqb_have_native(void);
const char *irqb_impl_name(unsigned int impl);
unsigned int irqb_counted_depth(unsigned int impl);
void irqb_outer_enter(enum irqb_outer outer, unsigned int impl,
		      unsigned long *flags);
void irqb_outer_exit(enum irqb_outer outer, unsigned int impl,
		     unsigned long flags);

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

/* debugfs.c */
int irqb_debugfs_init(void);
void irqb_debugfs_exit(void);
int irqb_request_and_run(const char *buf, size_t len);
bool irqb_running(void);
extern struct mutex irqb_results_lock;
extern struct irqb_results *irqb_latest;

#endif /* IRQBENCH_H */
