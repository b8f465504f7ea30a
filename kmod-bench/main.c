// SPDX-License-Identifier: GPL-2.0
/*
 * irqbench: measures the kernel's interrupt-disabling lock primitives
 * (irqsave, counted disabling, lock_with, a scoped macro) across nesting
 * depths and entry interrupt states.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "irqbench.h"

static char *run;
module_param(run, charp, 0444);
MODULE_PARM_DESC(run, "a request to run once at load; records go to the kernel log");
module_param_named(tag_config, irqb_tag_config, charp, 0444);
MODULE_PARM_DESC(tag_config, "the kernel config name written in every record");
module_param_named(tag_accel, irqb_tag_accel, charp, 0444);
MODULE_PARM_DESC(tag_accel, "kvm, tcg, tcg-icount or bare-metal, written in every record");

/*
 * The tags go verbatim into every CSV and JSON record: a config name is
 * limited to a safe set, so no field ever needs quoting or escaping, and
 * the accelerator must be one the unit and cycle counting understand.
 */
static bool irqb_tag_ok(const char *tag)
{
	size_t i, n = strlen(tag);

	if (!n || n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum(tag[i]) && !strchr("._:+-", tag[i]))
			return false;
	return true;
}

static int irqb_check_tags(void)
{
	static const char * const accels[] = { "kvm", "tcg", "tcg-icount", "bare-metal" };
	unsigned int i;

	if (!irqb_tag_ok(irqb_tag_config)) {
		pr_err("tag_config '%s': 1 to 32 of A-Z a-z 0-9 . _ : + -\n", irqb_tag_config);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(accels); i++)
		if (!strcmp(irqb_tag_accel, accels[i]))
			return 0;
	pr_err("tag_accel '%s': one of kvm, tcg, tcg-icount, bare-metal\n", irqb_tag_accel);
	return -EINVAL;
}

static int __init irqb_init(void)
{
	int ret;

	ret = irqb_check_tags();
	if (ret)
		return ret;
	/*
	 * Under PREEMPT_RT every spinlock_t variant takes an rt_mutex (records
	 * say lock_type rt_mutex): uncontended here, so it does not sleep, but
	 * its _irqsave leaves interrupts on; the raw_* variants still mask.
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		pr_info("PREEMPT_RT: spinlock_t is an rt_mutex; raw_spinlock_t masks interrupts\n");
	irqb_variants_init();
	ret = irqb_debugfs_init();
	if (ret)
		return ret;
	pr_info("counted disabling is %s\n",
		irqb_have_native() ? "native (interrupt_rc.h)" :
		"emulated (no interrupt_rc.h)");
	if (!run)
		return 0;
	ret = irqb_request_and_run(run, strlen(run));
	if (ret) {
		irqb_debugfs_exit();
		return ret;
	}
	irqb_log_results(irqb_latest);
	return 0;
}

static void __exit irqb_exit(void)
{
	irqb_debugfs_exit();
	irqb_results_free(irqb_latest);
	irqb_latest = NULL;
}

module_init(irqb_init);
module_exit(irqb_exit);
MODULE_DESCRIPTION("Microbenchmark of interrupt-disabling spinlock primitives");
MODULE_LICENSE("GPL");
