// SPDX-License-Identifier: GPL-2.0
/*
 * The timing loop. A run first verifies and calibrates every requested
 * case, then takes its samples round robin across the cases, so drift over
 * the run is spread over all of them instead of separating one from the
 * next. A sample of a case is a pair of batches of the same @n loop
 * iterations that differ only in running the operation once or twice per
 * iteration: their difference is @n operations, with the loop, the call,
 * the timer reads and the entry-state setup cancelled exactly (under
 * -icount, identical code gives identical figures).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/perf_event.h>
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
#elif defined(CONFIG_S390)
	/* the raw TOD clock: get_cycles() adds preempt_disable() and a shift */
	return get_tod_clock();
#else
	/* riscv: rdtime; powerpc: mftb */
	return get_cycles();
#endif
}

struct irqb_batch {
	u64 ns;
	u64 ticks;
	u64 cycles;
};

/* CPU cycles from the PMU, where there is one and it means something. */
static struct perf_event *irqb_cycles_event(unsigned int cpu)
{
#ifdef CONFIG_PERF_EVENTS
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.config = PERF_COUNT_HW_CPU_CYCLES,
		.size = sizeof(attr),
		.pinned = 1,
	};
	struct perf_event *ev;

	/* an emulator's cycle counter is not a CPU's: label cycles absent */
	if (!irqb_tag_pmu)
		return NULL;
	ev = perf_event_create_kernel_counter(&attr, cpu, NULL, NULL, NULL);
	if (IS_ERR(ev)) {
		pr_info_once("no CPU cycle counter (%ld): cycles_p50 left empty\n",
			     PTR_ERR(ev));
		return NULL;
	}
	return ev;
#else
	return NULL;
#endif
}

static void irqb_cycles_release(struct perf_event *ev)
{
#ifdef CONFIG_PERF_EVENTS
	if (ev)
		perf_event_release_kernel(ev);
#endif
}

/* Read outside the timed region (it may sleep): its cost cancels. */
static u64 irqb_cycles_read(struct perf_event *ev)
{
#ifdef CONFIG_PERF_EVENTS
	u64 enabled, running;

	if (ev)
		return perf_event_read_value(ev, &enabled, &running);
#endif
	return 0;
}

/*
 * One timed batch. Returns -EIO, with a message, if the operations left
 * the interrupt state or the counted nesting different from how they found
 * them: a case that does so measures nothing worth reporting.
 */
static int time_batch(irqb_batch_fn fn, const struct irqb_variant *v,
		      struct irqb_ctx *c, u32 n, bool twice, unsigned int state,
		      struct perf_event *ev, struct irqb_batch *b)
{
	unsigned long flags = 0;
	bool off_before, off_after;
	unsigned int cnt_before, cnt_after;
	u64 t0, t1, c0, c1, y0;

	y0 = irqb_cycles_read(ev);
	irqb_hold_cpu(&v->m);
	irqb_outer_enter(v, c->impl, state, &flags);
	off_before = irqs_disabled();
	cnt_before = irqb_counted_depth(c->impl);
	c0 = irqb_counter();
	t0 = ktime_get_ns();
	fn(c, n, twice);
	t1 = ktime_get_ns();
	c1 = irqb_counter();
	off_after = irqs_disabled();
	cnt_after = irqb_counted_depth(c->impl);
	irqb_outer_exit(v, c->impl, state, flags);
	irqb_release_cpu(&v->m);
	b->cycles = irqb_cycles_read(ev) - y0;

	if (off_before != off_after || cnt_before != cnt_after) {
		pr_err("%s depth %u impl %s: interrupts %s -> %s, counted nesting %u -> %u\n",
		       v->m.id, c->depth, irqb_impl_name(c->impl),
		       off_before ? "off" : "on", off_after ? "off" : "on",
		       cnt_before, cnt_after);
		return -EIO;
	}
	b->ns = t1 - t0;
	b->ticks = c1 - c0;
	return 0;
}

/* Per-operation difference of a pair, in thousandths. */
static s64 per_op_milli(u64 twice, u64 once, u32 n)
{
	return div64_s64(((s64)twice - (s64)once) * 1000, n);
}

struct irqb_pair {
	s64 ns, ticks, cycles;	/* thousandths per operation */
};

/*
 * One sample of a case: the once and twice batches, in an order that
 * alternates with @s so a drift within the pair does not bias the sign.
 */
static int time_pair(irqb_batch_fn fn, const struct irqb_variant *v,
		     struct irqb_ctx *c, u32 n, unsigned int state, u16 s,
		     struct perf_event *ev, struct irqb_pair *p)
{
	struct irqb_batch b[2];
	int first = s & 1, ret;

	ret = time_batch(fn, v, c, n, first, state, ev, &b[first]);
	if (!ret)
		ret = time_batch(fn, v, c, n, !first, state, ev, &b[!first]);
	if (ret)
		return ret;
	p->ns = per_op_milli(b[1].ns, b[0].ns, n);
	p->ticks = per_op_milli(b[1].ticks, b[0].ticks, n);
	p->cycles = per_op_milli(b[1].cycles, b[0].cycles, n);
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

	memset(&r->vd, 0, sizeof(r->vd));
	irqb_hold_cpu(&v->m);
	irqb_outer_enter(v, c->impl, state, &flags);
	v->verify[c->impl](c, IRQB_VERIFY_OPS, &r->vd);
	irqb_outer_exit(v, c->impl, state, flags);
	nest = irqb_counted_depth(c->impl);
	irqb_release_cpu(&v->m);
	if (r->vd.changes && !v->m.hazard) {
		pr_err("%s depth %u impl %s: %u of %u operations left the interrupt state changed\n",
		       v->m.id, c->depth, irqb_impl_name(c->impl),
		       r->vd.changes, IRQB_VERIFY_OPS);
		return -EIO;
	}
	if (r->vd.failed) {
		pr_err("%s depth %u impl %s: %u of %u operations could not take their locks\n",
		       v->m.id, c->depth, irqb_impl_name(c->impl),
		       r->vd.failed, IRQB_VERIFY_OPS);
		return -EIO;
	}
	if (nest) {
		pr_err("%s depth %u impl %s: counted nesting %u after the operations, not 0\n",
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

/*
 * The largest power-of-two @n whose two-operation batch stays within half
 * the interrupt-off window (median of three, so one interrupt does not
 * steer it), but enough to span IRQB_MIN_TICKS of the counter where the
 * window allows it.
 */
static int calibrate(irqb_batch_fn fn, const struct irqb_variant *v,
		     struct irqb_ctx *c, unsigned int state, u32 window_us,
		     u32 *batch)
{
	u64 limit = (u64)window_us * NSEC_PER_USEC / 2;
	struct irqb_batch b;
	u64 ns[3], ticks[3];
	u32 n = 1;
	int i, ret;

	for (;;) {
		for (i = 0; i < 3; i++) {
			ret = time_batch(fn, v, c, n, true, state, NULL, &b);
			if (ret)
				return ret;
			ns[i] = b.ns;
			ticks[i] = b.ticks;
		}
		sort(ns, 3, sizeof(u64), cmp_u64, NULL);
		sort(ticks, 3, sizeof(u64), cmp_u64, NULL);
		if (n >= IRQB_MAX_BATCH || 2 * ns[1] > limit)
			break;
		n *= 2;
		cond_resched();
	}
	if (ticks[1] < IRQB_MIN_TICKS)
		pr_info_once("batches span only %llu counter ticks within a %u us window\n",
			     ticks[1], window_us);
	*batch = n;
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
		pr_err("the monotonic clock moves in steps of %llu ns (a jiffies clocksource?): too coarse to time batches\n",
		       step);
		return -EIO;
	}
	return 0;
}

/* Implementations a counted variant runs with, in record order. */
static const u8 impl_order[] = {
	IRQB_IMPL_NATIVE, IRQB_IMPL_NATIVE_BUILTIN,
	IRQB_IMPL_V73, IRQB_IMPL_TIP, IRQB_IMPL_V1,
};

typedef int (*irqb_case_fn)(void *arg, unsigned int vi, unsigned int impl,
			    unsigned int depth, unsigned int state);

/* Every possible case of @req, in table, impl, depth, state order. */
static int walk_cases(const struct irqb_request *req, irqb_case_fn fn,
		      void *arg)
{
	const struct irqb_variant *v;
	unsigned int i, o, d, s;
	int ret;

	for (i = 0; i < IRQB_NR_VARIANTS; i++) {
		if (!(req->variants & (1U << i)))
			continue;
		v = &irqb_variants[i];
		for (o = 0; o < ARRAY_SIZE(impl_order); o++) {
			if (!irqb_impl_runs(v, req, impl_order[o]))
				continue;
			for (d = 1; d <= IRQB_MAX_DEPTH; d++) {
				for (s = IRQB_STATE_ON; s <= IRQB_STATE_OFF_RAW; s <<= 1) {
					if (!(req->depths & (1U << d)) ||
					    !(req->states & s) ||
					    !irqb_case_possible(&v->m, d, s))
						continue;
					ret = fn(arg, i, impl_order[o], d, s);
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

struct irqb_run_state {
	const struct irqb_request *req;
	struct irqb_ctx *ctx;
	struct irqb_results *res;
	struct perf_event *cycles;
	bool *abort;
	s64 *scratch;		/* samples: ticks, then cycles */
};

static int add_case(void *arg, unsigned int vi, unsigned int impl,
		    unsigned int depth, unsigned int state)
{
	struct irqb_results *res = arg;
	struct irqb_record *r = &res->rec[res->nr++];

	r->variant = vi;
	r->impl = impl;
	r->depth = depth;
	r->state = state;
	r->verify_ops = IRQB_VERIFY_OPS;
	return 0;
}

/* Point the context at record @r; the hazard case entered on puts back. */
static const struct irqb_variant *set_case(struct irqb_ctx *c,
					   const struct irqb_record *r)
{
	const struct irqb_variant *v = &irqb_variants[r->variant];

	c->depth = r->depth;
	c->impl = r->impl;
	c->putback = v->m.hazard && r->state == IRQB_STATE_ON;
	c->ext = irqb_ext_of(v);
	return v;
}

/* Verify and calibrate every case before any sample is taken. */
static int prepare_cases(struct irqb_run_state *rs)
{
	const struct irqb_variant *v;
	struct irqb_record *r;
	unsigned int i;
	int ret;

	for (i = 0; i < rs->res->nr; i++) {
		r = &rs->res->rec[i];
		v = set_case(rs->ctx, r);
		ret = verify_case(v, rs->ctx, r->state, r);
		if (!ret)
			ret = calibrate(irqb_batch_of(v, rs->ctx), v, rs->ctx, r->state,
					rs->req->window_us, &r->batch_ops);
		if (ret)
			return ret;
		if (READ_ONCE(*rs->abort))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * Sample @s of record @r. A hazard case entered on runs each operation
 * with interrupts put back on; the put-back alone, timed the same way
 * with the same @n, is subtracted.
 */
static int sample_case(struct irqb_run_state *rs, struct irqb_record *r,
		       u16 s, struct irqb_pair *p)
{
	const struct irqb_variant *v = set_case(rs->ctx, r);
	struct irqb_pair pb;
	int ret;

	ret = time_pair(irqb_batch_of(v, rs->ctx), v, rs->ctx, r->batch_ops, r->state, s,
			rs->cycles, p);
	if (ret || !rs->ctx->putback)
		return ret;
	ret = time_pair(irqb_putback_batch, v, rs->ctx, r->batch_ops,
			r->state, s, rs->cycles, &pb);
	p->ns -= pb.ns;
	p->ticks -= pb.ticks;
	p->cycles -= pb.cycles;
	return ret;
}

static s64 median_of(s64 *v, u16 n)
{
	sort(v, n, sizeof(s64), cmp_s64, NULL);
	return v[(n - 1) / 2];
}

/* Round robin: sample s of every case before sample s + 1 of any. */
static int sample_cases(struct irqb_run_state *rs)
{
	struct irqb_results *res = rs->res;
	u16 s, S = rs->req->samples;
	s64 *ticks = rs->scratch, *cycles;
	struct irqb_pair p;
	unsigned int i;
	int ret;

	for (s = 0; s < S; s++) {
		for (i = 0; i < res->nr; i++) {
			if (READ_ONCE(*rs->abort))
				return -EINTR;
			ret = sample_case(rs, &res->rec[i], s, &p);
			if (ret)
				return ret;
			res->rec[i].values[s] = p.ns;
			ticks[(size_t)i * S + s] = p.ticks;
			cycles = rs->scratch + (size_t)res->nr * S;
			cycles[(size_t)i * S + s] = p.cycles;
		}
		cond_resched();
	}
	for (i = 0; i < res->nr; i++) {
		struct irqb_record *r = &res->rec[i];
		s64 *sorted = rs->scratch + (size_t)2 * res->nr * S;

		r->ticks_p50 = median_of(ticks + (size_t)i * S, S);
		r->have_cycles = rs->cycles;
		if (rs->cycles)
			r->cycles_p50 = median_of(rs->scratch +
						  (size_t)(res->nr + i) * S, S);
		memcpy(sorted, r->values, S * sizeof(s64));
		sort(sorted, S, sizeof(s64), cmp_s64, NULL);
		ret = irqb_stats_compute(sorted, S, &r->st);
		if (ret)
			return ret;
	}
	return 0;
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
	static struct lock_class_key keys[IRQB_MAX_DEPTH], raw_keys[IRQB_MAX_DEPTH];
	struct irqb_ctx *c;
	int i;

	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return NULL;
	/* a lockdep class per level: nesting them is not recursion */
	for (i = 0; i < IRQB_MAX_DEPTH; i++) {
		spin_lock_init(&c->locks[i].lock);
		lockdep_set_class(&c->locks[i].lock, &keys[i]);
		raw_spin_lock_init(&c->locks[i].raw);
		lockdep_set_class(&c->locks[i].raw, &raw_keys[i]);
	}
	return c;
}

static int run_cases(struct irqb_run_state *rs)
{
	int ret;

	ret = check_clock();
	if (ret)
		return ret;
	walk_cases(rs->req, add_case, rs->res);
	ret = prepare_cases(rs);
	if (ret)
		return ret;
	return sample_cases(rs);
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
		pr_err("the request selects no possible case\n");
		return -EINVAL;
	}
	rs.res = alloc_results(req, cases);
	rs.ctx = alloc_ctx();
	/* per case and sample: ticks, cycles, then one case's sort space */
	rs.scratch = kvcalloc((size_t)(2 * cases + 1) * req->samples,
			      sizeof(s64), GFP_KERNEL);
	if (!rs.res || !rs.ctx || !rs.scratch)
		goto out;
	strscpy(rs.res->request, text, sizeof(rs.res->request));
	rs.cycles = irqb_cycles_event(req->cpu);
	ret = run_cases(&rs);
	irqb_cycles_release(rs.cycles);
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
