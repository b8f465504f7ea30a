// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs irqbench/annotate: runs the batches of named cases once, with
 * n = 1, between noinline markers, so a debugger single-stepping from one
 * marker to the next sees exactly the instructions the timing method
 * differences: twice minus once is one operation (and, for a hazard case
 * entered on, the put-back pair that the timing subtracts follows).
 * (With n = 1 and 2: see annotate_batches().)
 * Reading the file gives the addresses the debugger needs; a write of
 * "variant impl depth state" lines waits for the debugger to clear
 * irqb_annot_wait, then runs each case.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include "counted.h"

#define IRQB_ANNOT_WAIT_NS	(120 * NSEC_PER_SEC)

/* The debugger clears it once its breakpoints are in place. */
static int irqb_annot_wait = 1;
static unsigned int irqb_annot_segs;

/* Segment boundaries: the debugger counts entries to this function. */
static noinline __noclone void irqb_annot_mark(unsigned int seg)
{
	barrier_data(&seg);
}

/* A case starts; @segs boundaries of irqb_annot_mark follow. */
static noinline __noclone void irqb_annot_begin(unsigned int segs)
{
	WRITE_ONCE(irqb_annot_segs, segs);
}

static noinline __noclone void irqb_annot_end(void)
{
	WRITE_ONCE(irqb_annot_segs, 0);
}

static int find_case(const char *line, struct irqb_ctx *c,
		     const struct irqb_variant **vp, unsigned int *state)
{
	char var[32], impl[32], st[16];
	unsigned int i, depth;

	if (sscanf(line, "%31s %31s %u %15s", var, impl, &depth, st) != 4)
		return -EINVAL;
	i = irqb_variant_index(var);
	*vp = (int)i < 0 ? NULL : &irqb_variants[i];
	c->impl = IRQB_NR_IMPLS;
	for (i = 0; i < IRQB_NR_IMPLS; i++)
		if (!strcmp(irqb_impl_name(i), impl))
			c->impl = i;
	*state = 0;
	for (i = IRQB_STATE_ON; i <= IRQB_STATE_OFF_RAW; i <<= 1)
		if (!strcmp(irqb_state_name(i), st))
			*state = i;
	if (!*vp || c->impl == IRQB_NR_IMPLS || !*state ||
	    depth < 1 || depth > IRQB_MAX_DEPTH ||
	    !irqb_case_possible(&(*vp)->m, depth, *state))
		return -EINVAL;
	/* an impl the row has may still be absent from this kernel */
	if (!((*vp)->m.impls & (1U << c->impl)))
		return -EINVAL;
	if (!irqb_impl_available(*vp, c->impl))
		return -EOPNOTSUPP;
	c->depth = depth;
	c->putback = (*vp)->m.hazard && *state == IRQB_STATE_ON;
	c->ext = irqb_ext_of(*vp);
	return 0;
}

/*
 * The batches between markers, all from one call site in one loop, so
 * consecutive segments run the same instructions outside the batch:
 * segments 0-3 are once and twice with n = 1, then with n = 2 (their
 * growth from n = 1 to 2 is one loop iteration: a loop's entry code may
 * differ between the two loops and cancels only there), 4-7 the same for
 * the put-back. The trip count comes from memory so it is not peeled.
 */
static noinline __noclone void annotate_batches(const irqb_batch_fn *fns,
						struct irqb_ctx *c)
{
	unsigned int i;

	for (i = 0; ; i++) {
		irqb_annot_mark(i);
		if (i + 1 >= READ_ONCE(irqb_annot_segs))
			break;
		fns[i / 4](c, 1 + (i / 2 & 1), i & 1);
	}
}

/* The same entry as timing.c's time_batch(), with n = 1. */
static void annotate_case(const struct irqb_variant *v, struct irqb_ctx *c,
			  unsigned int state)
{
	irqb_batch_fn fns[2] = { irqb_batch_of(v, c), irqb_putback_batch };
	unsigned long flags = 0;

	irqb_hold_cpu(&v->m);
	irqb_outer_enter(v, c->impl, state, &flags);
	/* the marks that follow: segments + 1 */
	irqb_annot_begin(c->putback ? 9 : 5);
	annotate_batches(fns, c);
	irqb_outer_exit(v, c->impl, state, flags);
	irqb_release_cpu(&v->m);
}

static int wait_for_debugger(void)
{
	u64 t0 = ktime_get_ns();

	while (READ_ONCE(irqb_annot_wait)) {
		if (ktime_get_ns() - t0 > IRQB_ANNOT_WAIT_NS) {
			pr_err("annotate: no debugger cleared irqb_annot_wait within 120 s\n");
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

static int annotate_run(char *buf)
{
	static struct lock_class_key keys[IRQB_MAX_DEPTH], raw_keys[IRQB_MAX_DEPTH];
	const struct irqb_variant *v;
	struct irqb_ctx *c;
	unsigned int state;
	char *line;
	int i, ret = 0;

	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	for (i = 0; i < IRQB_MAX_DEPTH; i++) {
		spin_lock_init(&c->locks[i].lock);
		lockdep_set_class(&c->locks[i].lock, &keys[i]);
		raw_spin_lock_init(&c->locks[i].raw);
		lockdep_set_class(&c->locks[i].raw, &raw_keys[i]);
	}
	/* every line is checked before the debugger is waited for */
	for (line = buf; line && *line; line = strchr(line, '\n'), line += !!line) {
		ret = find_case(line, c, &v, &state);
		if (ret) {
			pr_err("annotate: bad case '%.*s' (%d)\n",
			       (int)strcspn(line, "\n"), line, ret);
			goto out;
		}
	}
	ret = wait_for_debugger();
	for (line = buf; !ret && line && *line;
	     line = strchr(line, '\n'), line += !!line) {
		find_case(line, c, &v, &state);
		annotate_case(v, c, state);
	}
	irqb_annot_end();
out:
	kfree(c);
	return ret;
}

static int annotate_show(struct seq_file *m, void *unused)
{
	/* a root-only file whose whole point is the raw addresses */
	seq_printf(m, "begin=%lx mark=%lx end=%lx wait=%lx\n",
		   (unsigned long)irqb_annot_begin,
		   (unsigned long)irqb_annot_mark,
		   (unsigned long)irqb_annot_end,
		   (unsigned long)&irqb_annot_wait);
	return 0;
}

static int annotate_open(struct inode *inode, struct file *file)
{
	return single_open(file, annotate_show, inode->i_private);
}

static ssize_t annotate_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char *buf;
	int ret;

	if (len > PAGE_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = annotate_run(buf);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations annotate_fops = {
	.owner = THIS_MODULE,
	.open = annotate_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = annotate_write,
};

void irqb_annotate_init(struct dentry *dir)
{
	debugfs_create_file("annotate", 0600, dir, NULL, &annotate_fops);
}
