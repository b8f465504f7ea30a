// SPDX-License-Identifier: GPL-2.0
/*
 * The Rust module's rows (kind RUST in variants.h): irqbench_rust.ko
 * registers, by row id, the functions that run one of its operations,
 * which are the thread's own Rust code; everything else (verification,
 * calibration, round-robin sampling, statistics, records) is this
 * module's, as for the C rows. A row without registered functions cannot
 * run: "variants=all" leaves it out and naming it is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/irqflags.h>
#include "irqbench.h"

static struct irqb_ext irqb_ext[IRQB_NR_VARIANTS];

const struct irqb_ext *irqb_ext_of(const struct irqb_variant *v)
{
	return &irqb_ext[v - irqb_variants];
}

/* A Rust row's batch: its registered loops at the case's depth. */
void irqb_ext_batch(struct irqb_ctx *c, u32 n, bool twice)
{
	c->ext->batch(c->ext->priv, c->depth, n, twice);
}

/*
 * A Rust row's verification: each registered operation calls
 * irqb_verify_held() where it holds a lock, as the C operations do;
 * the interrupt state is looked at around each, as for the C rows.
 */
void irqb_ext_verify(struct irqb_ctx *c, u32 n, struct irqb_verdict *vd)
{
	unsigned long flags;
	u32 k;

	for (k = 0; k < n; k++) {
		local_save_flags(flags);
		vd->leaked = false;
		c->ext->verify_op(c->ext->priv, c->depth, vd);
		if (vd->leaked)
			vd->leaks++;
		if (irqs_disabled() != irqs_disabled_flags(flags)) {
			vd->changes++;
			local_irq_restore(flags);
		}
	}
}

/* Called by a registered operation while it holds a lock. */
void irqb_verify_held(struct irqb_verdict *vd)
{
	if (!irqs_disabled()) {
		vd->leaked = true;
		vd->exposed++;
	}
}
EXPORT_SYMBOL_GPL(irqb_verify_held);

/* Called by a registered operation that could not do its work. */
void irqb_verify_failed(struct irqb_verdict *vd)
{
	vd->failed++;
}
EXPORT_SYMBOL_GPL(irqb_verify_failed);

/*
 * Registers @batch and @verify_op for the Rust row @id. -EINVAL with a
 * reason for an id that is not a Rust row or is registered already.
 * Registration waits for a run going on, so no case sees a row change.
 */
int irqb_register_rust(const char *id,
		       void (*batch)(void *priv, u32 depth, u32 n, bool twice),
		       void (*verify_op)(void *priv, u32 depth,
					 struct irqb_verdict *vd),
		       void *priv)
{
	int i = irqb_variant_index(id), ret = 0;
	struct irqb_variant *v = i < 0 ? NULL : &irqb_variants[i];

	if (!v || strcmp(v->m.lang, "rust") || !batch || !verify_op) {
		pr_err("register: '%s' is not a Rust row of the variant table\n", id);
		return -EINVAL;
	}
	irqb_lock_table();
	if (v->batch[IRQB_IMPL_NATIVE]) {
		pr_err("register: %s is registered already\n", id);
		ret = -EBUSY;
	} else {
		irqb_ext[i] = (struct irqb_ext) {
			.batch = batch, .verify_op = verify_op, .priv = priv,
		};
		v->batch[IRQB_IMPL_NATIVE] = irqb_ext_batch;
	}
	irqb_unlock_table();
	return ret;
}
EXPORT_SYMBOL_GPL(irqb_register_rust);

/*
 * Removes every row registered with @priv. The results of the last run
 * may name them and call nothing of theirs: they stay readable.
 */
void irqb_unregister_rust(void *priv)
{
	unsigned int i;

	irqb_lock_table();
	for (i = 0; i < IRQB_NR_VARIANTS; i++) {
		if (irqb_ext[i].priv != priv || !irqb_ext[i].batch)
			continue;
		irqb_variants[i].batch[IRQB_IMPL_NATIVE] = NULL;
		irqb_ext[i] = (struct irqb_ext) { };
	}
	irqb_unlock_table();
}
EXPORT_SYMBOL_GPL(irqb_unregister_rust);
