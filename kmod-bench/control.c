// SPDX-License-Identifier: GPL-2.0
/*
 * Run control: parse a request, refuse it with a reason or run it on a
 * kthread bound to the requested CPU, and publish the results only if the
 * whole run succeeded, so a failed or refused run changes nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include "irqbench.h"

/* guards irqb_latest: runs publish, readers show */
DEFINE_MUTEX(irqb_results_lock);
struct irqb_results *irqb_latest;
/* held for the whole of a run: a second request gets -EBUSY */
static DEFINE_MUTEX(irqb_run_mutex);

struct irqb_job {
	struct irqb_request req;
	char text[IRQB_REQ_MAX_LEN + 1];
	struct irqb_results *res;
	int ret;
	bool abort;
	struct completion done;
};

static int irqb_thread(void *data)
{
	struct irqb_job *job = data;

	job->ret = irqb_run(&job->req, job->text, &job->res, &job->abort);
	/* the module must not be left while this thread still runs its code */
	kthread_complete_and_exit(&job->done, 0);
}

/* Why nothing can run @v here: the reason a request naming it is refused. */
static const char *why_absent(const struct irqb_variant *v)
{
	if (!strcmp(v->m.lang, "rust"))
		return "no Rust module has registered it (configs rust and rust-inline load irqbench_rust.ko)";
	if (!(v->m.impls & IRQB_IMPLS_MODELS))
		return "it is the kernel's own code only (no model of it), and this kernel has no interrupt_rc.h";
	if (irqb_lock_sleeps(&v->m))
		return "under PREEMPT_RT it runs the kernel's own spin_lock_irq_disable() only (a model masks, then takes an rt_mutex), and this kernel has none";
	return "it needs a model: this kernel has no interrupt_rc.h";
}

/* A variant named explicitly where no implementation can run it. */
static int check_impls(const struct irqb_request *req)
{
	const struct irqb_variant *v;
	unsigned int i, impl;

	if (req->all_variants)
		return 0;
	for (i = 0; i < IRQB_NR_VARIANTS; i++) {
		v = &irqb_variants[i];
		if (!(req->variants & (1U << i)))
			continue;
		for (impl = 0; impl < IRQB_NR_IMPLS; impl++)
			if (irqb_impl_runs(v, req, impl))
				break;
		if (impl == IRQB_NR_IMPLS) {
			pr_err("bad request: %s cannot run here: %s\n", v->m.id,
			       why_absent(v));
			return -EINVAL;
		}
	}
	return 0;
}

static int parse(const char *buf, size_t len, struct irqb_job *job)
{
	const struct irqb_table t = {
		.rows = irqb_variants,
		.stride = sizeof(irqb_variants[0]),
		.nr = IRQB_NR_VARIANTS,
	};
	char err[IRQB_ERR_LEN];
	int ret;

	ret = irqb_parse_request(buf, len, &t, nr_cpu_ids, &job->req, err,
				 sizeof(err));
	if (ret) {
		pr_err("bad request: %s\n", err);
		return ret;
	}
	if (!cpu_online(job->req.cpu)) {
		pr_err("bad request: cpu %u is offline\n", job->req.cpu);
		return -EINVAL;
	}
	ret = check_impls(&job->req);
	if (ret)
		return ret;
	len = min(len, sizeof(job->text) - 1);
	memcpy(job->text, buf, len);
	job->text[len] = '\0';
	strim(job->text);
	return 0;
}

static int run_job(struct irqb_job *job)
{
	struct task_struct *tsk;

	init_completion(&job->done);
	tsk = kthread_create(irqb_thread, job, "irqbench/%u", job->req.cpu);
	if (IS_ERR(tsk))
		return PTR_ERR(tsk);
	kthread_bind(tsk, job->req.cpu);
	wake_up_process(tsk);
	if (wait_for_completion_killable(&job->done)) {
		/* stop between batches; the job lives until the thread is done */
		WRITE_ONCE(job->abort, true);
		wait_for_completion(&job->done);
		irqb_results_free(job->res);
		return -EINTR;
	}
	return job->ret;
}

int irqb_request_and_run(const char *buf, size_t len)
{
	struct irqb_results *old;
	struct irqb_job *job;
	int ret;

	job = kzalloc_obj(*job, GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	ret = parse(buf, len, job);
	if (ret)
		goto out;
	if (!mutex_trylock(&irqb_run_mutex)) {
		pr_err("a run is in progress\n");
		ret = -EBUSY;
		goto out;
	}
	ret = run_job(job);
	mutex_unlock(&irqb_run_mutex);
	if (ret) {
		pr_err("run failed (%d); previous results kept\n", ret);
		goto out;
	}
	mutex_lock(&irqb_results_lock);
	old = irqb_latest;
	irqb_latest = job->res;
	mutex_unlock(&irqb_results_lock);
	irqb_results_free(old);
out:
	kfree(job);
	return ret;
}

bool irqb_running(void)
{
	return mutex_is_locked(&irqb_run_mutex);
}

/* The variant table changes (ext.c) only between runs. */
void irqb_lock_table(void)
{
	mutex_lock(&irqb_run_mutex);
}

void irqb_unlock_table(void)
{
	mutex_unlock(&irqb_run_mutex);
}
