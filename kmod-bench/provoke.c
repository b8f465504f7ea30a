// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs irqbench/provoke: the thread's lock_with() path taken once on
 * purpose, so a test can watch what the kernel says of it. Writing
 * "lock_with" disables interrupts the counted way and takes a spinlock_t
 * with a plain spin_lock(), between two log markers. Under PREEMPT_RT that
 * spinlock_t is an rt_mutex, which may sleep: with
 * CONFIG_DEBUG_ATOMIC_SLEEP the kernel reports "sleeping function called
 * from invalid context" between the markers. Elsewhere the path is legal
 * and nothing may be reported. Reading the file says which to expect.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "counted.h"

static DEFINE_SPINLOCK(irqb_provoke_lock);

/*
 * The kernel's own local_interrupt_disable() where it has one, else the
 * v7.3 model: both really mask, which is what makes the lock illegal on RT.
 */
static noinline void provoke_lock_with(bool native)
{
	/* console markers: boot.sh lets a report between them pass */
	pr_warn("provoke lock_with: expected report begins\n");
	if (native)
		irqb_interrupt_disable(IRQB_IMPL_NATIVE);
	else
		irqb_interrupt_disable(IRQB_IMPL_V73);
	spin_lock(&irqb_provoke_lock);
	spin_unlock(&irqb_provoke_lock);
	if (native)
		irqb_interrupt_enable(IRQB_IMPL_NATIVE);
	else
		irqb_interrupt_enable(IRQB_IMPL_V73);
	pr_warn("provoke lock_with: expected report ends\n");
}

static int provoke_show(struct seq_file *m, void *unused)
{
	const char *expect = "none";

	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		expect = IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP) ? "sleeping-in-atomic" :
			 "unknown (no CONFIG_DEBUG_ATOMIC_SLEEP)";
	seq_printf(m, "lock_with: %s\n", expect);
	return 0;
}

static int provoke_open(struct inode *inode, struct file *file)
{
	return single_open(file, provoke_show, inode->i_private);
}

static ssize_t provoke_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[16] = "";

	if (len >= sizeof(buf)) {
		pr_err("provoke: write 'lock_with'\n");
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	if (strcmp(strim(buf), "lock_with")) {
		pr_err("provoke: '%s' is not 'lock_with'\n", strim(buf));
		return -EINVAL;
	}
	provoke_lock_with(irqb_have_native());
	return len;
}

static const struct file_operations provoke_fops = {
	.owner = THIS_MODULE,
	.open = provoke_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = provoke_write,
};

void irqb_provoke_init(struct dentry *dir)
{
	debugfs_create_file("provoke", 0600, dir, NULL, &provoke_fops);
}
