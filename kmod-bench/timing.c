// SPDX-License-Identifier: GPL-2.0
/*
 * The timing loop. A run goes through the requested cases on one CPU; each
 * case is verified, calibrated, then timed in batches with preemption off
 * (and, entered "off", inside an outer interrupt-disabled region). The cost
 * of a batch of no operations and of the empty loop are measured in the
 * same run and subtracted.
 */
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timex.h>
#include "counted.h"

#define IRQB_VERIFY_OPS		64
#define IRQB_MAX_BATCH		BIT(20)
#define IRQB_MIN_TICKS		1000
/* jiffies steps 1-10 ms; a slow read (lockdep under -icount) costs ~1 us */
#define IRQB_MAX_CLOCK_STEP_NS	100000

/* The architecture's counter, read in program order. */
static __always_inline u64 irqb_counter(void)
{
#if defined(CONFIG_X86)
	return rdtsc_ordered();
#elif defined(CONFIG_ARM64)
	return __arch_counter_get_cntvct();
#else
	return get_cycles();
#endif
}

struct irqb_batch {
	u64 ns;
	u64 ticks;
};

/*
 * One timed batch. Returns -EIO, with a message, if the operations left
 * the interrupt state or the counted nesting different from how they found
 * them: a variant that does so measures nothing worth reporting.
 */
static int time_batch(const struct irqb_variant *v, struct irqb_ctx *c,
		      u32 n, unsigned int state, struct irqb_batch *b)
{
	unsigned long flags = 0;
	bool off_before, off_after;
	unsigned int cnt_before, cnt_after;
	u64 t0, t1, c0, c1;

	preempt_disable();
	if (state == IRQB_STATE_OFF)
		irqb_outer_enter(v->outer, c->impl, &flags);
	off_before = irqs_disabled();
	cnt_before = irqb_counted_depth(c->impl);
	c0 = irqb_counter();
	t0 = ktime_get_ns();
	v->batch(c, n);
	t1 = ktime_get_ns();
	c1 = irqb_counter();
	off_after = irqs_disabled();
	cnt_after = irqb_counted_depth(c->impl);
	if (off_before != off_after && v->m.hazard) {
		/* the hazard variant may change it: put the entry state back */
		if (off_before)
			local_irq_disable();
		else
			local_irq_enable();
		off_after = off_before;
	}
	if (state == IRQB_STATE_OFF)
		irqb_outer_exit(v->outer, c->impl, flags);
	preempt_enable();

	if (off_before != off_after || cnt_before != cnt_after) {
		pr_err("irqbench: %s depth %u impl %s: interrupts %s -> %s, counted nesting %u -> %u\n",
		       v->m.id, c->depth, irqb_impl_name(c->impl),
		       off_before ? "off" : "on", off_after ? "off" : "on",
		       cnt_before, cnt_after);
		return -EIO;
	}
	b->ns = t1 - t0;
	b->ticks = c1 - c0;
	return 0;
}

/*
 * Untimed operations with every check on. Only the hazard variant may
 * leave the interrupt state changed (it is put back after each op); the
 * counted nesting must be back to zero outside the entry region.
 */
static int verify_case(const struct irqb_variant *v, struct irqb_ctx *c,
		       unsigned int state, struct irqb_record *r)
{
	unsigned long flags = 0;
	unsigned int nest;

	r->changes = 0;
	preempt_disable();
	if (state == IRQB_STATE_OFF)
		irqb_outer_enter(v->outer, c->impl, &flags);
	r->leaks = v->verify(c, IRQB_VERIFY_OPS, &r->changes);
	if (state == IRQB_STATE_OFF)
		irqb_outer_exit(v->outer, c->impl, flags);
	nest = irqb_counted_depth(c->impl);
	preempt_enable();
	if (r->changes && !v->m.hazard) {
		pr_err("irqbench: %s depth %u impl %s: %u of %u operations left the interrupt state changed\n",
		       v->m.id, c->depth, irqb_impl_name(c->impl), r->changes,
		       IRQB_VERIFY_OPS);
		return -EIO;
	}
	if (nest) {
		pr_err("irqbench: %s depth %u impl %s: counted nesting %u after the operations, not 0\n",
		       v->m.id, c->depth, irqb_impl_name(c->impl), nest);
		return -EIO;
	}
	return 0;
}

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median of three batches: calibration must not follow one interrupt. */
static int median3(const struct irqb_variant *v, struct irqb_ctx *c, u32 n,
		   unsigned int state, struct irqb_batch *out)
{
	struct irqb_batch b;
	u64 ns[3], ticks[3];
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = time_batch(v, c, n, state, &b);
		if (ret)
			return ret;
		ns[i] = b.ns;
		ticks[i] = b.ticks;
	}
	sort(ns, 3, sizeof(u64), cmp_u64, NULL);
	sort(ticks, 3, sizeof(u64), cmp_u64, NULL);
	out->ns = ns[1];
	out->ticks = ticks[1];
	return 0;
}

/*
 * The largest power-of-two batch whose duration stays within half the
 * interrupt-off window, but at least enough to span IRQB_MIN_TICKS of the
 * counter where the window allows it.
 */
static int calibrate(const struct irqb_variant *v, struct irqb_ctx *c,
		     unsigned int state, u32 window_us, u32 *batch)
{
	u64 limit = (u64)window_us * NSEC_PER_USEC / 2;
	struct irqb_batch b;
	u32 n = 1;
	int ret;

	for (;;) {
		ret = median3(v, c, n, state, &b);
		if (ret)
			return ret;
		if (n >= IRQB_MAX_BATCH || 2 * b.ns > limit)
			break;
		n *= 2;
		cond_resched();
	}
	if (b.ticks < IRQB_MIN_TICKS)
		pr_info_once("irqbench: batches span only %llu counter ticks within a %u us window\n",
			     b.ticks, window_us);
	*batch = n;
	return 0;
}

struct irqb_run_state {
	const struct irqb_request *req;
	struct irqb_ctx *ctx;
	struct irqb_results *res;
	bool *abort;
	s64 *scratch;
};

static s64 per_op_milli(u64 total, s64 overhead, u32 n)
{
	return div64_s64(((s64)total - overhead) * 1000, n);
}

/* Time one case: S batches, per-op cost less the empty loop. */
static int measure_case(void *arg, unsigned int vi, unsigned int impl,
			unsigned int depth, unsigned int state)
{
	struct irqb_run_state *rs = arg;
	const struct irqb_variant *v = &irqb_variants[vi];
	struct irqb_results *res = rs->res;
	struct irqb_record *r = &res->rec[res->nr];
	struct irqb_ctx *c = rs->ctx;
	struct irqb_batch b;
	u16 s, S = rs->req->samples;
	int ret;

	c->depth = depth;
	c->impl = impl;
	r->variant = vi;
	r->impl = impl;
	r->depth = depth;
	r->state = state;
	r->verify_ops = IRQB_VERIFY_OPS;
	ret = verify_case(v, c, state, r);
	if (ret)
		return ret;
	ret = calibrate(v, c, state, rs->req->window_us, &r->batch_ops);
	if (ret)
		return ret;
	for (s = 0; s < S; s++) {
		if (READ_ONCE(*rs->abort))
			return -EINTR;
		ret = time_batch(v, c, r->batch_ops, state, &b);
		if (ret)
			return ret;
		r->values[s] = per_op_milli(b.ns, res->overhead_ns,
					    r->batch_ops) - res->empty_milli;
		rs->scratch[s] = per_op_milli(b.ticks, res->overhead_ticks,
					      r->batch_ops) - res->empty_ticks_milli;
		cond_resched();
	}
	sort(rs->scratch, S, sizeof(s64), cmp_s64, NULL);
	r->ticks_p50 = rs->scratch[(S - 1) / 2];
	memcpy(rs->scratch, r->values, S * sizeof(s64));
	sort(rs->scratch, S, sizeof(s64), cmp_s64, NULL);
	ret = irqb_stats_compute(rs->scratch, S, &r->st);
	if (ret)
		return ret;
	res->nr++;
	return 0;
}

/* The empty variant's index in the table. */
static unsigned int empty_index(void)
{
	unsigned int i;

	for (i = 0; i < irqb_nr_variants; i++)
		if (!strcmp(irqb_variants[i].m.id, "empty"))
			break;
	return i;
}

/* Median of @S batches of the empty loop, per op, in ns and in ticks. */
static int time_empty(struct irqb_run_state *rs, u32 n, s64 *ns, s64 *ticks)
{
	const struct irqb_variant *e = &irqb_variants[empty_index()];
	struct irqb_results *res = rs->res;
	u16 s, S = rs->req->samples;
	s64 *t = rs->scratch + S;
	struct irqb_batch b;
	int ret;

	for (s = 0; s < S; s++) {
		ret = time_batch(e, rs->ctx, n, IRQB_STATE_ON, &b);
		if (ret)
			return ret;
		rs->scratch[s] = n ? per_op_milli(b.ns, res->overhead_ns, n) : b.ns;
		t[s] = n ? per_op_milli(b.ticks, res->overhead_ticks, n) : b.ticks;
		cond_resched();
	}
	sort(rs->scratch, S, sizeof(s64), cmp_s64, NULL);
	sort(t, S, sizeof(s64), cmp_s64, NULL);
	*ns = rs->scratch[(S - 1) / 2];
	*ticks = t[(S - 1) / 2];
	return 0;
}

/*
 * The smallest step of the monotonic clock, as seen by back-to-back reads
 * (so it includes the cost of a read). A guest whose TSC could not be
 * calibrated falls back to jiffies: batches timed with that would be
 * noise, and calibration would grow them without bound.
 */
static int check_clock(void)
{
	u64 t0, t1, step = U64_MAX;
	int i;

	for (i = 0; i < 3; i++) {
		t0 = ktime_get_ns();
		do {
			t1 = ktime_get_ns();
		} while (t1 == t0);
		step = min(step, t1 - t0);
	}
	if (step > IRQB_MAX_CLOCK_STEP_NS) {
		pr_err("irqbench: the monotonic clock moves in steps of %llu ns (a jiffies clocksource?): too coarse to time batches\n",
		       step);
		return -EIO;
	}
	return 0;
}

/* Fixed cost of a batch (timer reads, call), then the loop cost per op. */
static int measure_baseline(struct irqb_run_state *rs)
{
	const struct irqb_variant *e = &irqb_variants[empty_index()];
	struct irqb_results *res = rs->res;
	u32 n;
	int ret;

	ret = check_clock();
	if (ret)
		return ret;
	rs->ctx->depth = 1;
	rs->ctx->impl = IRQB_IMPL_V73;
	ret = time_empty(rs, 0, &res->overhead_ns, &res->overhead_ticks);
	if (ret)
		return ret;
	ret = calibrate(e, rs->ctx, IRQB_STATE_ON, rs->req->window_us, &n);
	if (ret)
		return ret;
	return time_empty(rs, n, &res->empty_milli, &res->empty_ticks_milli);
}

/* Implementations a variant runs with: native first where it exists. */
static u32 impls_of(const struct irqb_variant *v, const struct irqb_request *req)
{
	u32 mask;

	if (!v->m.counted)
		return 1U << IRQB_IMPL_NATIVE;
	mask = (u32)req->models << IRQB_IMPL_V73;
	if (irqb_have_native())
		mask |= 1U << IRQB_IMPL_NATIVE;
	return mask;
}

typedef int (*irqb_case_fn)(void *arg, unsigned int vi, unsigned int impl,
			    unsigned int depth, unsigned int state);

/* Every possible case of @req, in table, impl, depth, state order. */
static int walk_cases(const struct irqb_request *req, irqb_case_fn fn,
		      void *arg)
{
	const struct irqb_variant *v;
	unsigned int i, impl, d, s;
	int ret;

	for (i = 0; i < irqb_nr_variants; i++) {
		if (!(req->variants & (1U << i)))
			continue;
		v = &irqb_variants[i];
		for (impl = 0; impl < IRQB_NR_IMPLS; impl++) {
			if (!(impls_of(v, req) & (1U << impl)))
				continue;
			for (d = 1; d <= IRQB_MAX_DEPTH; d++) {
				for (s = IRQB_STATE_ON; s <= IRQB_STATE_OFF; s <<= 1) {
					if (!(req->depths & (1U << d)) ||
					    !(req->states & s) ||
					    !irqb_case_possible(&v->m, d, s))
						continue;
					ret = fn(arg, i, impl, d, s);
					if (ret)
						return ret;
				}
			}
		}
	}
	return 0;
}

static int count_one(void *arg, unsigned int vi, unsigned int impl,
		     unsigned int depth, unsigned int state)
{
	(*(unsigned int *)arg)++;
	return 0;
}

static unsigned int count_cases(const struct irqb_request *req)
{
	unsigned int n = 0;

	walk_cases(req, count_one, &n);
	return n;
}

void irqb_results_free(struct irqb_results *r)
{
	if (!r)
		return;
	kvfree(r->values);
	kvfree(r);
}

static struct irqb_results *alloc_results(const struct irqb_request *req,
					  unsigned int cases)
{
	struct irqb_results *r;
	s64 *values;
	unsigned int i;

	r = kvzalloc(struct_size(r, rec, max(cases, 1U)), GFP_KERNEL);
	if (!r)
		return NULL;
	values = kvcalloc((size_t)max(cases, 1U) * req->samples, sizeof(s64),
			  GFP_KERNEL);
	if (!values) {
		kvfree(r);
		return NULL;
	}
	for (i = 0; i < cases; i++)
		r->rec[i].values = values + (size_t)i * req->samples;
	r->values = values;
	return r;
}

static struct irqb_ctx *alloc_ctx(void)
{
	static struct lock_class_key keys[IRQB_MAX_DEPTH];
	struct irqb_ctx *c;
	int i;

	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return NULL;
	/* a lockdep class per level: nesting them is not recursion */
	for (i = 0; i < IRQB_MAX_DEPTH; i++) {
		spin_lock_init(&c->locks[i].lock);
		lockdep_set_class(&c->locks[i].lock, &keys[i]);
	}
	return c;
}

static int run_cases(struct irqb_run_state *rs)
{
	int ret;

	ret = measure_baseline(rs);
	if (ret)
		return ret;
	return walk_cases(rs->req, measure_case, rs);
}

/*
 * Run @req on the calling thread (already bound to the requested CPU).
 * On success *out holds the new results; on failure nothing is returned.
 */
int irqb_run(const struct irqb_request *req, const char *text,
	     struct irqb_results **out, bool *abort)
{
	unsigned int cases = count_cases(req);
	struct irqb_run_state rs = { .req = req, .abort = abort };
	int ret = -ENOMEM;

	if (!cases) {
		pr_err("irqbench: the request selects no possible case\n");
		return -EINVAL;
	}
	rs.res = alloc_results(req, cases);
	rs.ctx = alloc_ctx();
	rs.scratch = kvcalloc(2 * req->samples, sizeof(s64), GFP_KERNEL);
	if (!rs.res || !rs.ctx || !rs.scratch)
		goto out;
	strscpy(rs.res->request, text, sizeof(rs.res->request));
	ret = run_cases(&rs);
	if (!ret) {
		*out = rs.res;
		rs.res = NULL;
	}
out:
	irqb_results_free(rs.res);
	kfree(rs.ctx);
	kvfree(rs.scratch);
	return ret;
}
