// SPDX-License-Identifier: GPL-2.0
/*
 * Request parser. Written by hand because a request is a handful of
 * key=value tokens and the kernel has no parser that reports which token
 * was wrong; it is pure C so the host tests and fuzzes this very file.
 */
#include "request.h"

/* A model's name, and its impl's name in records ("emulated:<model>"). */
#define IRQB_NAME_V73	"v7.3"
#define IRQB_NAME_TIP	"tip"
#define IRQB_NAME_V1	"v1-percpu"

static const char * const model_names[IRQB_NR_MODELS] = {
	[IRQB_MODEL_V73] = IRQB_NAME_V73,
	[IRQB_MODEL_TIP] = IRQB_NAME_TIP,
	[IRQB_MODEL_V1] = IRQB_NAME_V1,
};

static const char * const impl_names[IRQB_NR_IMPLS] = {
	[IRQB_IMPL_NATIVE] = "native",
	[IRQB_IMPL_V73] = "emulated:" IRQB_NAME_V73,
	[IRQB_IMPL_TIP] = "emulated:" IRQB_NAME_TIP,
	[IRQB_IMPL_V1] = "emulated:" IRQB_NAME_V1,
	[IRQB_IMPL_NATIVE_BUILTIN] = "native-builtin",
};

const char *irqb_model_name(unsigned int model)
{
	return model < IRQB_NR_MODELS ? model_names[model] : "?";
}

const char *irqb_impl_name(unsigned int impl)
{
	return impl < IRQB_NR_IMPLS ? impl_names[impl] : "?";
}

const char *irqb_state_name(unsigned int state)
{
	switch (state) {
	case IRQB_STATE_ON:
		return "on";
	case IRQB_STATE_OFF:
		return "off";
	case IRQB_STATE_OFF_RAW:
		return "off-raw";
	}
	return "?";
}

const struct irqb_variant_meta *irqb_table_meta(const struct irqb_table *t,
						unsigned int i)
{
	return (const struct irqb_variant_meta *)((const char *)t->rows +
						  i * t->stride);
}

bool irqb_case_possible(const struct irqb_variant_meta *v, unsigned int depth,
			unsigned int state)
{
	return depth >= 1 && depth <= v->max_depth &&
	       (v->states & state);
}

struct irqb_parser {
	const struct irqb_table *t;
	unsigned int nr_cpus;
	char *err;
	size_t errlen;
};

/* A token or a list element: a pointer into the request and a length. */
struct irqb_span {
	const char *p;
	size_t n;
};

static bool span_eq(struct irqb_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && !memcmp(s.p, lit, n);
}

static int fail(struct irqb_parser *ps, const char *what, struct irqb_span s)
{
	snprintf(ps->err, ps->errlen, "%s: '%.*s'", what,
		 (int)(s.n > 40 ? 40 : s.n), s.p);
	return -EINVAL;
}

/* Decimal without sign, at most @max; anything else is an error. */
static int parse_uint(struct irqb_span s, u32 max, u32 *out)
{
	u64 v = 0;
	size_t i;

	if (!s.n)
		return -EINVAL;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -EINVAL;
		v = v * 10 + (u64)(s.p[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (u32)v;
	return 0;
}

/* Next comma-separated element of @list; false at the end. */
static bool next_elem(struct irqb_span *list, struct irqb_span *elem)
{
	const char *comma;

	if (!list->p)
		return false;
	comma = memchr(list->p, ',', list->n);
	elem->p = list->p;
	if (comma) {
		elem->n = (size_t)(comma - list->p);
		list->n -= elem->n + 1;
		list->p = comma + 1;
	} else {
		elem->n = list->n;
		list->p = NULL;
	}
	return true;
}

static int parse_variants(struct irqb_parser *ps, struct irqb_span val,
			  struct irqb_request *req)
{
	struct irqb_span e;
	unsigned int i;

	req->variants = 0;
	req->all_variants = false;
	while (next_elem(&val, &e)) {
		if (span_eq(e, "all")) {
			req->all_variants = true;
			req->variants |= (u32)((1ULL << ps->t->nr) - 1);
			continue;
		}
		for (i = 0; i < ps->t->nr; i++)
			if (span_eq(e, irqb_table_meta(ps->t, i)->id))
				break;
		if (i == ps->t->nr)
			return fail(ps, "unknown variant", e);
		req->variants |= 1U << i;
	}
	return 0;
}

static int parse_depths(struct irqb_parser *ps, struct irqb_span val,
			struct irqb_request *req)
{
	struct irqb_span e, lo, hi;
	const char *dash;
	u32 a, b;

	req->depths = 0;
	while (next_elem(&val, &e)) {
		dash = memchr(e.p, '-', e.n);
		lo.p = e.p;
		lo.n = dash ? (size_t)(dash - e.p) : e.n;
		hi.p = dash ? dash + 1 : e.p;
		hi.n = dash ? e.n - lo.n - 1 : e.n;
		if (parse_uint(lo, IRQB_MAX_DEPTH, &a) ||
		    parse_uint(hi, IRQB_MAX_DEPTH, &b) || a < 1 || b < a)
			return fail(ps, "depth must be 1..16 or a range a-b", e);
		for (; a <= b; a++)
			req->depths |= 1U << a;
	}
	return 0;
}

static int parse_states(struct irqb_parser *ps, struct irqb_span val,
			struct irqb_request *req)
{
	struct irqb_span e;

	req->states = 0;
	while (next_elem(&val, &e)) {
		if (span_eq(e, "on"))
			req->states |= IRQB_STATE_ON;
		else if (span_eq(e, "off"))
			req->states |= IRQB_STATE_OFF;
		else if (span_eq(e, "off-raw"))
			req->states |= IRQB_STATE_OFF_RAW;
		else
			return fail(ps, "state must be on, off or off-raw", e);
	}
	return 0;
}

static int parse_models(struct irqb_parser *ps, struct irqb_span val,
			struct irqb_request *req)
{
	struct irqb_span e;
	unsigned int m;

	req->models = 0;
	while (next_elem(&val, &e)) {
		if (span_eq(e, "none"))
			continue;
		for (m = 0; m < IRQB_NR_MODELS; m++)
			if (span_eq(e, model_names[m]))
				break;
		if (m == IRQB_NR_MODELS)
			return fail(ps, "model must be v7.3, tip, v1-percpu or none", e);
		req->models |= 1U << m;
	}
	return 0;
}

static int parse_number(struct irqb_parser *ps, struct irqb_span key,
			struct irqb_span val, u32 min, u32 max, u32 *out)
{
	u32 v;

	if (parse_uint(val, max, &v) || v < min) {
		snprintf(ps->err, ps->errlen, "%.*s must be %u..%u: '%.*s'",
			 (int)key.n, key.p, min, max,
			 (int)(val.n > 40 ? 40 : val.n), val.p);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/*
 * Every explicitly named variant must be possible at every depth and state,
 * except off-raw for a variant that does not count: its "off" is already
 * the raw path, so that case is left out rather than refused.
 */
static int check_cases(struct irqb_parser *ps, const struct irqb_request *req)
{
	const struct irqb_variant_meta *v;
	unsigned int i, d, s;

	if (req->all_variants)
		return 0;
	for (i = 0; i < ps->t->nr; i++) {
		if (!(req->variants & (1U << i)))
			continue;
		v = irqb_table_meta(ps->t, i);
		for (d = 1; d <= IRQB_MAX_DEPTH; d++) {
			if (!(req->depths & (1U << d)))
				continue;
			for (s = IRQB_STATE_ON; s <= IRQB_STATE_OFF_RAW; s <<= 1) {
				if (!(req->states & s) || irqb_case_possible(v, d, s) ||
				    (s == IRQB_STATE_OFF_RAW && !v->counted))
					continue;
				snprintf(ps->err, ps->errlen,
					 "%s cannot run at depth %u with interrupts %s: %s",
					 v->id, d, irqb_state_name(s), v->why);
				return -EINVAL;
			}
		}
	}
	return 0;
}

enum { K_VARIANTS, K_DEPTHS, K_STATES, K_SAMPLES, K_CPU, K_MODEL, K_WINDOW, NR_KEYS };

static const char * const key_names[NR_KEYS] = {
	"variants", "depths", "states", "samples", "cpu", "model", "window_us",
};

static int parse_pair(struct irqb_parser *ps, unsigned int k,
		      struct irqb_span key, struct irqb_span val,
		      struct irqb_request *r)
{
	u32 v;
	int ret;

	switch (k) {
	case K_VARIANTS:
		return parse_variants(ps, val, r);
	case K_DEPTHS:
		return parse_depths(ps, val, r);
	case K_STATES:
		return parse_states(ps, val, r);
	case K_MODEL:
		return parse_models(ps, val, r);
	case K_SAMPLES:
		ret = parse_number(ps, key, val, IRQB_MIN_SAMPLES,
				   IRQB_MAX_SAMPLES, &v);
		r->samples = (u16)v;
		return ret;
	case K_CPU:
		return parse_number(ps, key, val, 0, ps->nr_cpus - 1, &r->cpu);
	default:
		return parse_number(ps, key, val, 1, IRQB_MAX_WINDOW_US,
				    &r->window_us);
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

int irqb_parse_request(const char *buf, size_t len, const struct irqb_table *t,
		       unsigned int nr_cpus, struct irqb_request *req,
		       char *err, size_t errlen)
{
	struct irqb_parser ps = { t, nr_cpus, err, errlen };
	struct irqb_request r = {
		.variants = (u32)((1ULL << t->nr) - 1),
		.all_variants = true,
		.depths = (1U << 1) | (1U << 2) | (1U << 4) | (1U << 8),
		.states = IRQB_STATE_ALL,
		.models = 1U << IRQB_MODEL_V73,
		.samples = IRQB_DEF_SAMPLES,
		.cpu = 0,
		.window_us = IRQB_DEF_WINDOW_US,
	};
	struct irqb_span tok, key, val;
	unsigned int seen = 0, k, ntok = 0;
	const char *eq;
	size_t i = 0, j;
	int ret;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len > IRQB_REQ_MAX_LEN) {
		snprintf(err, errlen, "request longer than %d bytes", IRQB_REQ_MAX_LEN);
		return -EINVAL;
	}
	for (j = 0; j < len; j++) {
		if ((unsigned char)buf[j] < 0x20 && !is_space(buf[j])) {
			snprintf(err, errlen, "control byte 0x%02x at offset %zu",
				 (unsigned char)buf[j], j);
			return -EINVAL;
		}
		if ((unsigned char)buf[j] > 0x7e) {
			snprintf(err, errlen, "non-ASCII byte 0x%02x at offset %zu",
				 (unsigned char)buf[j], j);
			return -EINVAL;
		}
	}
	while (i < len) {
		while (i < len && is_space(buf[i]))
			i++;
		if (i == len)
			break;
		tok.p = buf + i;
		while (i < len && !is_space(buf[i]))
			i++;
		tok.n = (size_t)(buf + i - tok.p);
		ntok++;
		eq = memchr(tok.p, '=', tok.n);
		if (!eq)
			return fail(&ps, "expected key=value", tok);
		key.p = tok.p;
		key.n = (size_t)(eq - tok.p);
		val.p = eq + 1;
		val.n = tok.n - key.n - 1;
		for (k = 0; k < NR_KEYS; k++)
			if (span_eq(key, key_names[k]))
				break;
		if (k == NR_KEYS)
			return fail(&ps, "unknown key", key);
		if (seen & (1U << k))
			return fail(&ps, "duplicate key", key);
		seen |= 1U << k;
		if (!val.n || val.p[0] == ',' || val.p[val.n - 1] == ',' ||
		    memchr(val.p, '=', val.n))
			return fail(&ps, "missing or malformed value", tok);
		for (j = 0; j + 1 < val.n; j++)
			if (val.p[j] == ',' && val.p[j + 1] == ',')
				return fail(&ps, "empty list element", tok);
		ret = parse_pair(&ps, k, key, val, &r);
		if (ret)
			return ret;
	}
	if (!ntok) {
		snprintf(err, errlen, "empty request");
		return -EINVAL;
	}
	if (!r.variants) {
		snprintf(err, errlen, "no variant selected");
		return -EINVAL;
	}
	if (!r.states) {
		snprintf(err, errlen, "no entry state selected");
		return -EINVAL;
	}
	ret = check_cases(&ps, &r);
	if (ret)
		return ret;
	*req = r;
	return 0;
}
