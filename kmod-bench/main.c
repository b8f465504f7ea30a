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
MODULE_PARM_DESC(tag_accel, "the accelerator written in every record (arch-matrix/accels.tsv)");
module_param_named(tag_unit, irqb_tag_unit, charp, 0444);
MODULE_PARM_DESC(tag_unit, "ns, or insn where the guest clock counts instructions (-icount)");
module_param_named(tag_pmu, irqb_tag_pmu, bool, 0444);
MODULE_PARM_DESC(tag_pmu, "whether a PMU's cycles mean anything here (not under an emulator)");

/*
 * The tags go verbatim into every CSV and JSON record: a config or
 * accelerator name is limited to a safe set, so no field ever needs
 * quoting or escaping; the unit is one the records' figures can be in.
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
	if (!irqb_tag_ok(irqb_tag_config)) {
		pr_err("tag_config '%s': 1 to 32 of A-Z a-z 0-9 . _ : + -\n", irqb_tag_config);
		return -EINVAL;
	}
	if (!irqb_tag_ok(irqb_tag_accel)) {
		pr_err("tag_accel '%s': 1 to 32 of A-Z a-z 0-9 . _ : + -\n", irqb_tag_accel);
		return -EINVAL;
	}
	if (strcmp(irqb_tag_unit, "ns") && strcmp(irqb_tag_unit, "insn")) {
		pr_err("tag_unit '%s': ns or insn\n", irqb_tag_unit);
		return -EINVAL;
	}
	return 0;
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
