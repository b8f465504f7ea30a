// SPDX-License-Identifier: GPL-2.0
/*
 * irqbench selftest: the module measures what it claims and cannot be
 * broken by a bad request. Prints KTAP through kselftest.h. Needs debugfs
 * and irqbench.ko (loaded, or at $IRQBENCH_KO / /irqbench.ko).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#define DBG "/sys/kernel/debug/irqbench/"
#define MAX_TESTS 1024
#define MODELS "model=v7.3,tip,v1-percpu"
#define SAMPLES 5
#define IRQB_WRITE_MAX 514	/* the longest write a test makes */

struct result {
	int verdict;		/* 0 pass, 1 fail, 2 skip */
	char name[200];
};

static struct result results[MAX_TESTS];
static int nresults;

#ifndef __printf	/* kselftest.h defines it since 6.x; older ones do not */
#define __printf(a, b)
#endif

static __printf(2, 3) void record(int verdict, const char *fmt, ...)
{
	va_list ap;

	if (nresults == MAX_TESTS)
		return;
	va_start(ap, fmt);
	vsnprintf(results[nresults].name, sizeof(results[0].name), fmt, ap);
	va_end(ap);
	results[nresults++].verdict = verdict;
}

static char *slurp(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
	}
	close(fd);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* One request, one write(): 0 or the errno the module returned. */
static int request(const char *req, size_t len)
{
	int fd = open(DBG "run", O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, req, len) < 0)
		err = errno;
	close(fd);
	return err;
}

struct variant {
	char id[32];
	char lang[8];
	char lock[16];		/* what it takes here: spinlock_t, rt_mutex, ... */
	char impls[96];		/* the impls that run it here, comma-separated */
	int lo, hi, nimpls;
	bool on, off, offraw, counted, native;
	bool hazard;		/* may leave interrupts on: the thread's bug */
};

static struct variant variants[32];
static int nvariants;

/* Whether the comma-separated @list names @item exactly. */
static bool has_item(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p;

	for (p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, item, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

#define MAXF 64

/* Split @line at @sep into at most MAXF fields; how many. */
static int split_at(char *line, char **f, char sep)
{
	int n = 0;
	char *p = line;

	while (n < MAXF) {
		f[n++] = p;
		p = strchr(p, sep);
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* The index of @name among @n header fields, -1 if absent. */
static int column(char **hdr, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(hdr[i], name))
			return i;
	return -1;
}

/* The variants table, its columns found by name in its header line. */
static int load_variants(void)
{
	static const char * const want[] = {
		"id", "lang", "depths", "states", "impls", "counted", "hazard", "lock",
	};
	char *text = slurp(DBG "variants"), *line, *save = NULL, *hdr[MAXF], *f[MAXF];
	int c[ARRAY_SIZE(want)], nh = 0, i;
	struct variant *v;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!nh) {
			nh = split_at(line, hdr, '\t');
			for (i = 0; i < (int)ARRAY_SIZE(want); i++) {
				c[i] = column(hdr, nh, want[i]);
				if (c[i] < 0)
					return -1;
			}
			continue;
		}
		if (nvariants == 32 || split_at(line, f, '\t') != nh)
			continue;
		v = &variants[nvariants];
		snprintf(v->id, sizeof(v->id), "%s", f[c[0]]);
		snprintf(v->lang, sizeof(v->lang), "%s", f[c[1]]);
		if (sscanf(f[c[2]], "%d-%d", &v->lo, &v->hi) != 2)
			continue;
		v->on = has_item(f[c[3]], "on");
		v->off = has_item(f[c[3]], "off");
		v->offraw = has_item(f[c[3]], "off-raw");
		snprintf(v->impls, sizeof(v->impls), "%s", strcmp(f[c[4]], "-") ? f[c[4]] : "");
		v->nimpls = v->impls[0] ? 1 : 0;
		for (i = 0; v->impls[i]; i++)
			v->nimpls += v->impls[i] == ',';
		v->native = has_item(v->impls, "native");
		v->counted = !strcmp(f[c[5]], "yes");
		v->hazard = !strcmp(f[c[6]], "yes");
		snprintf(v->lock, sizeof(v->lock), "%s", f[c[7]]);
		nvariants++;
	}
	free(text);
	return nvariants ? 0 : -1;
}

/*
 * The record fields the checks read, found by name in the CSV header (the
 * module writes the fields schema/record.tsv declares, in its order).
 */
enum {
	F_ARCH, F_KERNEL, F_CPU, F_VARIANT, F_IMPL, F_DEPTH, F_STATE, F_BATCH,
	F_SAMPLES, F_UNIT, F_P50, F_MEAN, F_MIN, F_P90, F_P99, F_MAX, F_STDDEV,
	F_CILO, F_CIHI, F_LEAKS, F_VOPS, F_CHANGES, F_LANG, F_IRQ_MASK,
	F_LOCK_TYPE, NR_F,
};

static const char * const fname[NR_F] = {
	"arch", "kernel", "cpu_model", "variant", "impl", "depth", "irq_state",
	"batch_ops", "samples", "unit", "p50", "mean", "min", "p90", "p99", "max",
	"stddev", "ci95_lo", "ci95_hi", "irq_leaks", "verify_ops",
	"irq_state_changes", "lang", "irq_mask", "lock_type",
};

/* A record's fields by F_*: filled from one CSV line after its header. */
struct rec {
	char *f[MAXF];
	char *v[NR_F];
};

static int nfields;		/* the header's field count */
static int fidx[NR_F];

/* The CSV header: 0, or -1 when a field the checks read is missing. */
static int parse_header(char *line)
{
	char *hdr[MAXF];
	int i;

	nfields = split_at(line, hdr, ',');
	for (i = 0; i < NR_F; i++) {
		fidx[i] = column(hdr, nfields, fname[i]);
		if (fidx[i] < 0)
			return -1;
	}
	return 0;
}

/* One CSV record: 0, or -1 when it has not the header's field count. */
static int split(char *line, struct rec *r)
{
	int i;

	if (split_at(line, r->f, ',') != nfields)
		return -1;
	for (i = 0; i < NR_F; i++)
		r->v[i] = r->f[fidx[i]];
	return 0;
}

/* Every check on one record; a reason for the first failure, or NULL. */
static const char *check_record(char **f, const struct variant *v)
{
	double p50 = atof(f[F_P50]), lo = atof(f[F_CILO]), hi = atof(f[F_CIHI]);
	int depth = atoi(f[F_DEPTH]), leaks = atoi(f[F_LEAKS]);
	bool hazard = v->hazard;
	bool on = !strcmp(f[F_STATE], "on");
	/* PREEMPT_RT's spinlock_t leaves interrupts as they are: leaks are its nature */
	bool sleeping = !strcmp(f[F_LOCK_TYPE], "rt_mutex");

	if (!f[F_ARCH][0] || !f[F_KERNEL][0] || !f[F_CPU][0])
		return "empty arch, kernel or cpu_model";
	if (depth < v->lo || depth > v->hi)
		return "depth outside the variant's range";
	if (atoi(f[F_SAMPLES]) != SAMPLES || atoi(f[F_BATCH]) < 1)
		return "wrong samples or batch_ops";
	if (strcmp(f[F_UNIT], "ns") && strcmp(f[F_UNIT], "insn"))
		return "unknown unit";
	if (atof(f[F_MIN]) > p50 || p50 > atof(f[F_MAX]) || lo > p50 || p50 > hi)
		return "statistics out of order (min <= ci95_lo <= p50 <= ci95_hi <= max)";
	if (atof(f[F_STDDEV]) < 0 || atoi(f[F_VOPS]) < 1)
		return "negative stddev or no verification ops";
	if (hazard && on && depth >= 2 && leaks == 0)
		return "a hazard variant entered with interrupts on must leak";
	if (!(hazard && on && depth >= 2) && !sleeping && leaks != 0)
		return "interrupts were found on while a lock was held";
	if (!hazard && atoi(f[F_CHANGES]) != 0)
		return "the interrupt state changed across an operation";
	if (!has_item(v->impls, f[F_IMPL]))
		return "an impl the variants table does not list here";
	if (strcmp(f[F_LANG], v->lang))
		return "lang differs from the variants table's";
	if (!f[F_IRQ_MASK][0])
		return "irq_mask is empty";
	if (strcmp(f[F_LOCK_TYPE], v->lock))
		return "lock_type differs from the variants table's";
	if (strcmp(f[F_LOCK_TYPE], "spinlock_t") && strcmp(f[F_LOCK_TYPE], "rt_mutex") &&
	    strcmp(f[F_LOCK_TYPE], "raw_spinlock_t") && strcmp(f[F_LOCK_TYPE], "none"))
		return "unknown lock_type";
	return NULL;
}

#ifdef IRQB_JSON_C
#include <json-c/json.h>

/* Why one JSON value differs from its CSV text, or NULL if they agree. */
static const char *json_differs(struct json_object *val, const char *text)
{
	char *end;
	double d;

	switch (json_object_get_type(val)) {
	case json_type_null:
		return text[0] ? "null where the CSV has a value" : NULL;
	case json_type_string:
		return strcmp(json_object_get_string(val), text) ? "a different string" : NULL;
	case json_type_int:
	case json_type_double:
		d = strtod(text, &end);
		if (!text[0] || *end)
			return "a number where the CSV has none";
		return d == json_object_get_double(val) ? NULL : "a different number";
	default:
		return "a value that is neither null, string nor number";
	}
}

/*
 * results.json, parsed by json-c: an array with one object per CSV record,
 * in the same order, each with exactly the CSV's columns and each value
 * equal to its CSV field (numbers as numbers, null where the CSV is empty).
 */
static void check_json(const char *id, const char *csv, int records)
{
	char *json = slurp(DBG "results.json"), *text = csv ? strdup(csv) : NULL;
	char *line, *save = NULL, *hdr[MAXF], *f[MAXF], why[200] = "";
	struct json_object *root = json ? json_tokener_parse(json) : NULL, *obj, *val;
	const char *d;
	int n = 0, nh = 0, i;

	if (!root || !json_object_is_type(root, json_type_array))
		snprintf(why, sizeof(why), "not a JSON array");
	for (line = text && !why[0] ? strtok_r(text, "\n", &save) : NULL; line && !why[0];
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "arch,", 5)) {
			nh = split_at(line, hdr, ',');
			continue;
		}
		obj = json_object_array_get_idx(root, n++);
		if (split_at(line, f, ',') != nh || !obj ||
		    !json_object_is_type(obj, json_type_object) ||
		    json_object_object_length(obj) != nh) {
			snprintf(why, sizeof(why), "object %d lacks the CSV's %d fields",
				 n - 1, nh);
			break;
		}
		for (i = 0; i < nh && !why[0]; i++) {
			d = json_object_object_get_ex(obj, hdr[i], &val) ?
			    json_differs(val, f[i]) : "missing";
			if (d)
				snprintf(why, sizeof(why), "object %d field %s: %s", n - 1, hdr[i], d);
		}
	}
	if (!why[0] && (n != records || (int)json_object_array_length(root) != n))
		snprintf(why, sizeof(why), "%d objects for %d CSV records",
			 root ? (int)json_object_array_length(root) : 0, records);
	record(why[0] ? 1 : 0, "%s results.json (json-c) equals the CSV field by field%s%s",
	       id, why[0] ? ": " : "", why);
	json_object_put(root);
	free(text);
	free(json);
}
#else
static void check_json(const char *id, const char *csv, int records)
{
	(void)csv;
	(void)records;
	record(2, "%s results.json against the CSV: built without json-c", id);
}
#endif

/* "[-]a.bcd" as thousandths. */
static long long milli(const char *t)
{
	int neg = *t == '-';
	char *end;
	long long whole = strtoll(t + neg, &end, 10);
	long long frac = *end == '.' ? strtoll(end + 1, NULL, 10) : 0;

	return neg ? -(whole * 1000 + frac) : whole * 1000 + frac;
}

/* floor(sqrt(x)) by bisection: a reference independent of int_sqrt64(). */
static unsigned long long floor_sqrt(unsigned long long x)
{
	unsigned long long lo = 0, hi = 1ULL << 32, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (mid * mid <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long at_rank(const long long *v, long long n, long long pct)
{
	long long r = (n * pct + 99) / 100;

	return v[(r < 1 ? 1 : r) - 1];
}

/*
 * One record's statistics recomputed in user space from its raw samples:
 * the name of the first field the module got differently, or NULL. The
 * module computes them with the kernel's own int_sqrt64() and division, so
 * this checks their semantics in the running kernel (floor of the square
 * root, truncating division), which the host tests only check on a copy.
 */
static const char *stats_differ(char **f, const char *line, int *spread)
{
	long long n = atoi(f[F_SAMPLES]), *v = calloc(n, sizeof(*v));
	long long sum = 0, mean, d, half, lo, hi, want[9];
	unsigned long long sq = 0;
	static const char * const name[9] = {
		"p50", "mean", "min", "p90", "p99", "max", "stddev", "ci95_lo", "ci95_hi",
	};
	const char *p = strrchr(line, ',');
	int i, got = 0;

	for (p = p ? p + 1 : NULL; v && p && got < n; got++) {
		v[got] = milli(p);
		sum += v[got];
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	if (!v || got != n) {
		free(v);
		return "samples (count)";
	}
	qsort(v, n, sizeof(*v), cmp_ll);
	mean = sum / n;
	for (i = 0; i < n; i++) {
		d = v[i] - mean;
		sq += (unsigned long long)(d * d);
	}
	half = ((long long)floor_sqrt(n * 1000000ULL) * 98 + 99) / 100;
	lo = (n * 1000 / 2 - half) / 1000;
	hi = (n * 1000 / 2 + 1000 + half + 999) / 1000;
	want[0] = (v[(n - 1) / 2] + v[n / 2]) / 2;
	want[1] = mean;
	want[2] = v[0];
	want[3] = at_rank(v, n, 90);
	want[4] = at_rank(v, n, 99);
	want[5] = v[n - 1];
	want[6] = n > 1 ? (long long)floor_sqrt(sq / (n - 1)) : 0;
	want[7] = v[(lo < 1 ? 1 : lo) - 1];
	want[8] = v[(hi > n ? n : hi) - 1];
	*spread += want[6] > 0;
	free(v);
	for (i = 0; i < 9; i++)
		if (milli(f[F_P50 + i]) != want[i])
			return name[i];
	return NULL;
}

/* Every record's statistics against its raw samples (the samples file). */
static void check_stats(const char *id, const char *csv)
{
	char *text = csv ? strdup(csv) : NULL, *samples = slurp(DBG "samples");
	char *line, *save = NULL, **f, key[128], why[200] = "";
	const char *at, *d;
	int n = 0, spread = 0;
	struct rec r;

	f = r.v;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !why[0];
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "arch,", 5) || split(line, &r))
			continue;
		snprintf(key, sizeof(key), "\n%s,%s,%s,%s,", f[F_VARIANT], f[F_IMPL],
			 f[F_DEPTH], f[F_STATE]);
		at = samples ? strstr(samples, key) : NULL;
		d = at ? stats_differ(f, strtok(strdupa(at + 1), "\n"), &spread) : "samples (none)";
		if (d)
			snprintf(why, sizeof(why), ": %s %s d%s %s: %s differs", f[F_VARIANT],
				 f[F_IMPL], f[F_DEPTH], f[F_STATE], d);
		n++;
	}
	record(why[0] || !n ? 1 : 0,
	       "%s statistics of %d records equal their recomputation from raw samples (%d with spread)%s",
	       id, n, spread, why);
	free(samples);
	free(text);
}

static void test_variant(const struct variant *v, int *impl_native)
{
	static const int depths[] = { 1, 2, 4, 8 };
	char req[2048], dlist[32] = "", *text, *csv, *line, *save = NULL, **f;
	const char *why;
	int i, nd = 0, ns = v->on + v->off + v->offraw, got = 0, err, bad = 0;
	char states[32], first_bad[160] = "";
	struct rec r;

	/*
	 * Native-only without interrupt_rc.h, masking then an rt_mutex, a Rust
	 * row with no Rust module loaded: the variants table says "-".
	 */
	if (!ns || !v->nimpls) {
		record(2, "run %s: it does not run here (%s, %s)", v->id, v->lock,
		       ns ? "no implementation of it here" : "no entry state");
		return;
	}
	f = r.v;
	for (i = 0; i < 4; i++) {
		if (depths[i] < v->lo || depths[i] > v->hi)
			continue;
		snprintf(dlist + strlen(dlist), sizeof(dlist) - strlen(dlist), "%s%d",
			 nd ? "," : "", depths[i]);
		nd++;
	}
	snprintf(states, sizeof(states), "%s%s%s", v->on ? "on," : "",
		 v->off ? "off," : "", v->offraw ? "off-raw," : "");
	states[strlen(states) - 1] = '\0';
	snprintf(req, sizeof(req), "variants=%.31s depths=%s states=%s samples=%d %s",
		 v->id, dlist, states, SAMPLES, MODELS);
	err = request(req, strlen(req));
	if (err) {
		record(1, "run %s (%s)", v->id, strerror(err));
		return;
	}
	text = slurp(DBG "results");
	csv = text ? strdup(text) : NULL;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "arch,", 5)) {
			if (parse_header(line) && !bad++)
				snprintf(first_bad, sizeof(first_bad),
					 "the CSV header lacks a field the checks read");
			continue;
		}
		if (bad && !got) {
			bad++;
			continue;
		}
		if (split(line, &r)) {
			bad++;
			if (!first_bad[0])
				snprintf(first_bad, sizeof(first_bad),
					 "a record has the wrong number of fields");
			continue;
		}
		got++;
		why = check_record(f, v);
		if (why && !bad++)
			snprintf(first_bad, sizeof(first_bad), "%s depth %s irqs %s: %s",
				 f[F_IMPL], f[F_DEPTH], f[F_STATE], why);
		if (!strcmp(f[F_IMPL], "native") && v->counted)
			*impl_native = 1;
	}
	free(text);
	/* one test for all of a variant's records, naming the first bad one */
	record(bad || !got ? 1 : 0, "%s: all %d records pass the record checks%s%s",
	       v->id, got, bad ? "; first failure: " : "", first_bad);
	check_json(v->id, csv, got);
	check_stats(v->id, csv);
	free(csv);
	record(got == nd * ns * v->nimpls ? 0 : 1,
	       "run %s gives one record per impl, depth and state (%d of %d)",
	       v->id, got, nd * ns * v->nimpls);
}

/* Known-bad requests: each must fail with EINVAL and change nothing. */
static void test_bad_requests(void)
{
	static char overlong[700], nonascii[] = "variants=irqs\xc3\xa4ve";
	static const char nul[] = "variants=irqsave\0 depths=1";
	struct { const char *what; const char *req; size_t len; } bad[] = {
		{ "unknown variant", "variants=nosuch", 0 },
		{ "depth 0", "depths=0", 0 },
		{ "depth 17", "depths=17", 0 },
		{ "depth -1", "depths=-1", 0 },
		{ "huge depth", "depths=99999999999999999999999", 0 },
		{ "bad state", "states=maybe", 0 },
		{ "duplicate key", "variants=irqsave variants=counted", 0 },
		{ "empty request", "\n", 0 },
		{ "blank request", "   ", 0 },
		{ "overlong line", overlong, 0 },
		{ "non-ASCII bytes", nonascii, 0 },
		{ "embedded NUL", nul, sizeof(nul) - 1 },
		{ "cpu out of range", "cpu=4096", 0 },
		{ "samples 0", "samples=0", 0 },
		{ "missing =", "variants", 0 },
		{ "trailing garbage", "depths=1 garbage", 0 },
		{ "garbage in a number", "depths=1,2x", 0 },
		{ "known key with no value", "samples=", 0 },
		{ "empty list element", "depths=1,,2", 0 },
		{ "unknown key", "colour=blue", 0 },
		{ "impossible depth for irq", "variants=irq depths=2", 0 },
		{ "lock_with entered with interrupts on", "variants=lock_with states=on", 0 },
		{ "unknown model", "model=v9", 0 },
		{ "window 0", "window_us=0", 0 },
	};
	char cpu_req[32], *before, *after, first[160] = "";
	unsigned int i, failed = 0;
	int err;

	memset(overlong, 'x', sizeof(overlong) - 1);
	memcpy(overlong, "variants=", 9);
	snprintf(cpu_req, sizeof(cpu_req), "cpu=%ld", sysconf(_SC_NPROCESSORS_CONF));
	before = slurp(DBG "results");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = request(bad[i].req, bad[i].len ? bad[i].len : strlen(bad[i].req));
		after = slurp(DBG "results");
		if (!(err == EINVAL && before && after && !strcmp(before, after)) && !failed++)
			snprintf(first, sizeof(first), "; first failure: %s got %s",
				 bad[i].what, err ? strerror(err) : "success");
		free(after);
	}
	/* the host tests check each rejection's reason; here, the module path */
	record(failed ? 1 : 0, "all %zu malformed requests get EINVAL and leave the results unchanged%s",
	       ARRAY_SIZE(bad), first);
	err = request(cpu_req, strlen(cpu_req));
	record(err == EINVAL ? 0 : 1, "reject the first absent cpu (%s) with EINVAL", cpu_req);
	free(before);
}

static bool run_in_progress(void)
{
	char *s = slurp(DBG "run");
	bool yes = s && strstr(s, "running: yes");

	free(s);
	return yes;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* 0 if the results file is byte for byte what it was. */
static int results_changed(const char *before)
{
	char *after = slurp(DBG "results");
	int changed = !before || !after || strcmp(before, after);

	free(after);
	return changed;
}

/* A request padded with blanks to exactly @len bytes (@nl: last is '\n'). */
static int padded(size_t len, bool nl)
{
	static const char req[] = "variants=empty depths=1 samples=1";
	char buf[IRQB_WRITE_MAX + 8];

	memset(buf, ' ', len);
	memcpy(buf, req, sizeof(req) - 1);
	if (nl)
		buf[len - 1] = '\n';
	return request(buf, len);
}

/* The paths of a write: its size limits, its bounds, what one write is. */
static void test_write_paths(void)
{
	static const char at_max[] = "variants=empty depths=1 samples=1 window_us=100000";
	static const char over[] = "variants=empty window_us=100001";
	char *before;
	int fd, e1, e2;

	record(request(at_max, strlen(at_max)) ? 1 : 0, "window_us at its bound (100000) is accepted");
	before = slurp(DBG "results");
	record(request(over, strlen(over)) == EINVAL && !results_changed(before) ? 0 : 1,
	       "window_us one over its bound is refused with EINVAL, results unchanged");
	record(padded(512, false) ? 1 : 0, "a request of exactly 512 bytes is accepted");
	record(padded(513, true) ? 1 : 0, "512 bytes and a newline (513) are accepted");
	free(before);
	before = slurp(DBG "results");
	record(padded(514, true) == EINVAL && !results_changed(before) ? 0 : 1,
	       "514 bytes are refused with EINVAL, results unchanged");
	fd = open(DBG "run", O_WRONLY);
	e1 = fd < 0 || write(fd, "", 0) < 0 ? errno : 0;
	record((!e1 || e1 == EINVAL) && !results_changed(before) ? 0 : 1,
	       "an empty write runs nothing and changes nothing (%s)", e1 ? strerror(e1) : "0 bytes");
	e1 = fd < 0 || write(fd, "variants=emp", 12) < 0 ? errno : 0;
	e2 = fd < 0 || write(fd, "ty depths=1 samples=1", 21) < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	record(e1 == EINVAL && e2 == EINVAL && !results_changed(before) ? 0 : 1,
	       "each write is one request: one split over two writes is refused in both halves");
	free(before);
}

/* model=none: counted variants run natively where the module has it. */
static void test_model_none(int counted_native)
{
	/* entered on: the one state counted has under PREEMPT_RT as well */
	static const char req[] = "variants=counted depths=1 states=on samples=1 model=none";
	int err = request(req, strlen(req));

	record(counted_native ? err != 0 : err != EINVAL,
	       "variants=counted model=none %s (got %s)",
	       counted_native ? "runs the native code alone" : "is refused: no native code, no model",
	       err ? strerror(err) : "success");
}

/* A long run in a child, once it has started (-1: it ended too soon). */
static pid_t start_long_run(void)
{
	static const char long_req[] = "variants=all depths=1-16 samples=31 " MODELS;
	int i, status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(request(long_req, strlen(long_req)));
	for (i = 0; i < 20000 && !run_in_progress(); i++)
		sleep_ms(1);
	if (run_in_progress())
		return pid;
	waitpid(pid, &status, 0);
	return -1;
}

/* The pid of the kthread named NAME, or -1. */
static pid_t find_thread(const char *name)
{
	char path[64], *comm;
	pid_t pid, found = -1;
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && found < 0 && (e = readdir(d))) {
		pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		comm = slurp(path);
		if (comm && !strncmp(comm, name, strlen(name)) && comm[strlen(name)] == '\n')
			found = pid;
		free(comm);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * cpu=N runs on CPU N: while a long run on the last CPU is going on, its
 * thread is bound to that CPU alone and is running there. Needs a second
 * CPU (make check boots one such guest).
 */
static void test_other_cpu(void)
{
	long cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	char req[160], name[32], path[64], allowed[32] = "?", *st, *p;
	int status, on = -1, i;
	pid_t pid, thread = -1;

	if (cpu < 1) {
		record(2, "a run with cpu=N runs on CPU N: this guest has one CPU");
		return;
	}
	snprintf(req, sizeof(req), "variants=all depths=1-16 samples=31 cpu=%ld " MODELS, cpu);
	snprintf(name, sizeof(name), "irqbench/%ld", cpu);
	pid = fork();
	if (pid == 0)
		_exit(request(req, strlen(req)));
	for (i = 0; i < 20000 && thread < 0; i++) {
		thread = run_in_progress() ? find_thread(name) : -1;
		if (thread < 0)
			sleep_ms(1);
	}
	if (thread > 0) {
		snprintf(path, sizeof(path), "/proc/%d/status", thread);
		st = slurp(path);
		p = st ? strstr(st, "Cpus_allowed_list:\t") : NULL;
		if (p)
			sscanf(p, "Cpus_allowed_list:\t%31s", allowed);
		free(st);
		snprintf(path, sizeof(path), "/proc/%d/stat", thread);
		st = slurp(path);
		p = st ? strrchr(st, ')') : NULL;
		/* field 39, "processor", is the 37th after the comm's ')' */
		for (i = 0; p && i < 37; i++)
			p = strchr(p + 1, ' ');
		if (p)
			on = atoi(p + 1);
		free(st);
	}
	kill(pid, SIGKILL);	/* a killed writer stops the run */
	waitpid(pid, &status, 0);
	for (i = 0; i < 20000 && run_in_progress(); i++)
		sleep_ms(1);
	record(thread > 0 && atol(allowed) == cpu && !strchr(allowed, '-') &&
	       !strchr(allowed, ',') && on == cpu ? 0 : 1,
	       "a run with cpu=%ld runs in %s, bound to CPU %s alone and running on CPU %d",
	       cpu, thread > 0 ? name : "no thread", allowed, on);
}

/* A run whose writer is killed stops; the previous results stay. */
static void test_killed_run(void)
{
	char *before = slurp(DBG "results");
	int status, i;
	pid_t pid;

	pid = start_long_run();
	if (pid < 0) {
		record(2, "a killed run keeps the previous results: the run ended too soon");
		free(before);
		return;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	for (i = 0; i < 20000 && run_in_progress(); i++)
		sleep_ms(1);
	record(WIFSIGNALED(status) && !run_in_progress() && !results_changed(before) ? 0 : 1,
	       "a run whose writer is killed stops and the previous results stay");
	free(before);
}

/* Loading: a bad tag is refused; run= runs once and logs its records. */
static void test_load_params(const char *ko)
{
	char line[1024];
	int fd, kmsg, err, begin = 0, rec = 0, end = 0;
	ssize_t n;

	if (access(ko, R_OK) || syscall(SYS_delete_module, "irqbench", O_NONBLOCK)) {
		record(2, "a tag outside the safe set is refused at load: cannot reload %s", ko);
		record(2, "run= at load logs its records between markers: cannot reload %s", ko);
		return;
	}
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	err = syscall(SYS_finit_module, fd, "tag_config=a,b", 0) ? errno : 0;
	record(err == EINVAL && access(DBG "run", F_OK) ? 0 : 1,
	       "a tag outside the safe set is refused at load (got %s)", err ? strerror(err) : "loaded");
	if (!err)
		syscall(SYS_delete_module, "irqbench", O_NONBLOCK);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	err = syscall(SYS_finit_module, fd, "run=\"variants=empty depths=1 states=on samples=3\"", 0) ? errno : 0;
	while (kmsg >= 0 && (n = read(kmsg, line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		begin |= !!strstr(line, "irqbench: BEGIN RECORDS");
		rec += begin && !end && strstr(line, ",empty,native,1,on,") != NULL;
		end |= begin && strstr(line, "irqbench: END RECORDS");
	}
	if (kmsg >= 0)
		close(kmsg);
	record(!err && begin && rec == 1 && end ? 0 : 1,
	       "run= at load logs its records between markers (%s, %d record)",
	       err ? strerror(err) : "loaded", rec);
	if (!err)
		syscall(SYS_delete_module, "irqbench", O_NONBLOCK);
	err = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	if (fd >= 0)
		close(fd);
	if (err)
		ksft_exit_fail_msg("cannot load %s again: %s\n", ko, strerror(err));
}

/*
 * The thread's lock_with() path provoked once (kmod-bench/provoke.c): a
 * spin_lock() with interrupts masked by local_interrupt_disable(). Under
 * PREEMPT_RT that lock is a sleeping rt_mutex and, with
 * CONFIG_DEBUG_ATOMIC_SLEEP, the kernel must report it between the
 * module's markers; on other kernels the path is legal and the kernel
 * says nothing at all between them. The verdict is what /dev/kmsg shows, not what the
 * module says.
 */
static void test_provoke(void)
{
	char *expect = slurp(DBG "provoke"), line[1024], first[200] = "";
	int fd, kmsg, err = 0, begin = 0, end = 0, sleeping = 0, lines = 0;
	bool want, ok;
	ssize_t n;
	char *text;

	if (!expect) {
		record(1, "the lock_with path is reported exactly on PREEMPT_RT: no " DBG "provoke");
		return;
	}
	want = strstr(expect, "sleeping-in-atomic") != NULL;
	fd = open(DBG "provoke", O_WRONLY);
	err = fd < 0 ? ENOENT : write(fd, "nope", 4) >= 0 ? 0 : errno;
	record(err == EINVAL ? 0 : 1, "provoke refuses anything but lock_with with EINVAL");
	if (strstr(expect, "unknown")) {
		expect[strcspn(expect, "\n")] = '\0';
		record(2, "the lock_with path is reported exactly on PREEMPT_RT: %s",
		       strchr(expect, '(') ? strchr(expect, '(') : expect);
		goto out;
	}
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	err = fd < 0 ? ENOENT : write(fd, "lock_with", 9) == 9 ? 0 : errno;
	while (kmsg >= 0 && (n = read(kmsg, line, sizeof(line) - 1)) > 0) {
		line[n] = '\0';
		if (strstr(line, "provoke lock_with: expected report begins")) {
			begin = 1;
			continue;
		}
		if (strstr(line, "provoke lock_with: expected report ends"))
			end = 1;
		if (!begin || end)
			continue;
		/* a /dev/kmsg record is "prefix;text" */
		text = strchr(line, ';') ? strchr(line, ';') + 1 : line;
		if (strstr(text, "sleeping function called from invalid context"))
			sleeping = 1;
		if (!lines++)
			snprintf(first, sizeof(first), "%.*s", (int)sizeof(first) - 1, text);
	}
	if (kmsg >= 0)
		close(kmsg);
	first[strcspn(first, "\n")] = '\0';
	/* the kernel's own words only on a failure: the console check reads KTAP too */
	ok = !err && begin && end && (want ? sleeping : !lines);
	record(ok ? 0 : 1, "local_interrupt_disable() then spin_lock() (lock_with) is %s: %s",
	       want ? "reported as sleeping in atomic on PREEMPT_RT" : "legal and unreported here",
	       err ? strerror(err) : !begin || !end ? "markers missing from /dev/kmsg" :
	       ok ? (want ? "the kernel reported it" : "no report") :
	       first[0] ? first : "no report");
out:
	if (fd >= 0)
		close(fd);
	free(expect);
}

/* A run in a child; EBUSY for a second one; rmmod refused or safe. */
static void test_concurrency(void)
{
	static const char busy_req[] = "variants=empty depths=1 samples=3";
	int status, err;
	pid_t pid;

	pid = start_long_run();
	if (pid < 0) {
		record(2, "a second run gets EBUSY: the first run ended too soon");
		record(2, "unloading during a run is refused: no run in progress");
	} else {
		err = request(busy_req, strlen(busy_req));
		record(err == EBUSY ? 0 : 1,
		       "a second run while one is in progress gets EBUSY (got %s)",
		       err ? strerror(err) : "success");
		err = syscall(SYS_delete_module, "irqbench", O_NONBLOCK) ? errno : 0;
		record(err == EBUSY || err == EAGAIN || err == EWOULDBLOCK ? 0 : 1,
		       "unloading during a run is refused (got %s)",
		       err ? strerror(err) : "unloaded");
	}
	if (pid < 0) {
		record(2, "the long run completes: it ended before it could be watched");
		return;
	}
	if (waitpid(pid, &status, 0) < 0)
		status = -1;
	record(WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1,
	       "the long run completes (status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void test_reload(const char *ko)
{
	int fd, ok;

	if (access(ko, R_OK)) {
		record(2, "module unloads and loads cleanly: no %s", ko);
		return;
	}
	ok = !syscall(SYS_delete_module, "irqbench", O_NONBLOCK) && access(DBG "run", F_OK);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ok = ok && fd >= 0 && !syscall(SYS_finit_module, fd, "", 0) && !access(DBG "run", F_OK);
	if (fd >= 0)
		close(fd);
	record(ok ? 0 : 1, "module unloads and loads cleanly");
}

int main(void)
{
	const char *ko = getenv("IRQBENCH_KO") ? getenv("IRQBENCH_KO") : "/irqbench.ko";
	struct utsname u;
	int i, native = 0, counted_native = 0, fd;

	ksft_print_header();
	if (access(DBG "run", F_OK)) {
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
			ksft_exit_skip("irqbench.ko is not loaded and %s cannot be loaded\n", ko);
		close(fd);
	}
	if (load_variants())
		ksft_exit_fail_msg("cannot read " DBG "variants\n");

	test_reload(ko);
	for (i = 0; i < nvariants; i++) {
		test_variant(&variants[i], &native);
		if (variants[i].counted && variants[i].native && !strcmp(variants[i].lang, "c"))
			counted_native = 1;
	}
	/*
	 * The module says whether this kernel has native counted disabling
	 * (the variants file); the records must agree. Not the kernel version:
	 * a 7.2 tree with the series applied has it too.
	 */
	uname(&u);
	record(native == counted_native ? 0 : 1,
	       "counted disabling is %s on %s, as the module says and the records show",
	       counted_native ? "native" : "emulated", u.release);
	test_bad_requests();
	test_write_paths();
	test_model_none(counted_native);
	test_concurrency();
	test_killed_run();
	test_other_cpu();
	test_provoke();
	test_load_params(ko);

	ksft_set_plan(nresults);
	for (i = 0; i < nresults; i++) {
		if (results[i].verdict == 2)
			ksft_test_result_skip("%s\n", results[i].name);
		else if (results[i].verdict == 1)
			ksft_test_result_fail("%s\n", results[i].name);
		else
			ksft_test_result_pass("%s\n", results[i].name);
	}
	if (ksft_get_fail_cnt())
		ksft_exit_fail();
	ksft_exit_pass();
}
