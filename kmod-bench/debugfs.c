// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs irqbench/: "run" takes a request; "results" (CSV),
 * "results.json", "samples", "measurements" (one line per case for a
 * test harness) and "variants" read back; "annotate" and
 * "provoke" have files of their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "irqbench.h"

static struct dentry *irqb_dir;

typedef void (*irqb_show_fn)(struct seq_file *m, const struct irqb_results *r,
			     unsigned int i);

static int show_all(struct seq_file *m, irqb_show_fn fn)
{
	const struct irqb_results *r;
	unsigned int i;

	mutex_lock(&irqb_results_lock);
	r = irqb_latest;
	for (i = 0; r && i < r->nr; i++)
		fn(m, r, i);
	mutex_unlock(&irqb_results_lock);
	return 0;
}

static int results_show(struct seq_file *m, void *unused)
{
	irqb_show_csv_header(m);
	return show_all(m, irqb_show_csv);
}
DEFINE_SHOW_ATTRIBUTE(results);

static int results_json_show(struct seq_file *m, void *unused)
{
	seq_puts(m, "[\n");
	show_all(m, irqb_show_json);
	seq_puts(m, "]\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results_json);

static int samples_show(struct seq_file *m, void *unused)
{
	seq_puts(m, "variant,impl,depth,irq_state,values\n");
	return show_all(m, irqb_show_samples);
}
DEFINE_SHOW_ATTRIBUTE(samples);

static int measurements_show(struct seq_file *m, void *unused)
{
	return show_all(m, irqb_show_measurement);
}
DEFINE_SHOW_ATTRIBUTE(measurements);

static int variants_show(struct seq_file *m, void *unused)
{
	irqb_show_variants(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(variants);

/* Reading "run" tells whether a run is going on and what ran last. */
static int run_show(struct seq_file *m, void *unused)
{
	mutex_lock(&irqb_results_lock);
	seq_printf(m, "running: %s\nlast: %s\n",
		   irqb_running() ? "yes" : "no",
		   irqb_latest ? irqb_latest->request : "");
	mutex_unlock(&irqb_results_lock);
	return 0;
}

static int run_open(struct inode *inode, struct file *file)
{
	return single_open(file, run_show, inode->i_private);
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char *buf;
	int ret;

	/* one request per write, at most the limit plus a newline */
	if (len > IRQB_REQ_MAX_LEN + 1) {
		pr_err("bad request: longer than %d bytes\n",
		       IRQB_REQ_MAX_LEN);
		return -EINVAL;
	}
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = irqb_request_and_run(buf, len);
	kfree(buf);
	return ret ? ret : len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.open = run_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = run_write,
};

int irqb_debugfs_init(void)
{
	irqb_dir = debugfs_create_dir("irqbench", NULL);
	if (IS_ERR(irqb_dir))
		return PTR_ERR(irqb_dir);
	debugfs_create_file("run", 0600, irqb_dir, NULL, &run_fops);
	debugfs_create_file("results", 0444, irqb_dir, NULL, &results_fops);
	debugfs_create_file("results.json", 0444, irqb_dir, NULL,
			    &results_json_fops);
	debugfs_create_file("samples", 0444, irqb_dir, NULL, &samples_fops);
	debugfs_create_file("variants", 0444, irqb_dir, NULL, &variants_fops);
	debugfs_create_file("measurements", 0444, irqb_dir, NULL,
			    &measurements_fops);
	irqb_annotate_init(irqb_dir);
	irqb_provoke_init(irqb_dir);
	return 0;
}

void irqb_debugfs_exit(void)
{
	debugfs_remove_recursive(irqb_dir);
}
