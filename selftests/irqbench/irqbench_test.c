// SPDX-License-Identifier: GPL-2.0
/*
 * irqbench selftest: the module measures what it claims and cannot be
 * broken by a bad request. Prints KTAP through kselftest.h. Needs debugfs
 * and irqbench.ko (loaded, or at $IRQBENCH_KO / /irqbench.ko).
 */
#define _GNU_SOURCE
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
	int lo, hi;
	bool on, off, offraw, counted, native;
};

static struct variant variants[32];
static int nvariants;

/* Whether the comma-separated @list names @state exactly. */
static bool has_state(const char *list, const char *state)
{
	size_t n = strlen(state);
	const char *p;

	for (p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, state, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static int load_variants(void)
{
	char *text = slurp(DBG "variants"), *line, *save = NULL;
	char states[16], counted[16];
	struct variant *v;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "id\t", 3) || nvariants == 32)
			continue;
		v = &variants[nvariants];
		if (sscanf(line, "%31[^\t]\t%d-%d\t%15[^\t]\t%15[^\t]", v->id, &v->lo,
			   &v->hi, states, counted) != 5)
			continue;
		v->on = has_state(states, "on");
		v->off = has_state(states, "off");
		v->offraw = has_state(states, "off-raw");
		v->counted = strcmp(counted, "-") != 0;
		v->native = !strcmp(counted, "native");
		nvariants++;
	}
	free(text);
	return nvariants ? 0 : -1;
}

#define NFIELDS 29
enum {
	F_ARCH, F_KERNEL, F_CONFIG, F_ACCEL, F_CPU, F_VARIANT, F_IMPL, F_DEPTH,
	F_STATE, F_BATCH, F_SAMPLES, F_UNIT, F_P50, F_MEAN, F_MIN, F_P90, F_P99,
	F_MAX, F_STDDEV, F_CILO, F_CIHI, F_LEAKS, F_VOPS, F_CHANGES, F_TICKS,
	F_COUNTER, F_EXPOSED, F_CYCLES, F_LANG,
};

static int split(char *line, char **f)
{
	int n = 0;
	char *p = line;

	while (n < NFIELDS + 1) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Every check on one record; a reason for the first failure, or NULL. */
static const char *check_record(char **f, const struct variant *v)
{
	double p50 = atof(f[F_P50]), lo = atof(f[F_CILO]), hi = atof(f[F_CIHI]);
	int depth = atoi(f[F_DEPTH]), leaks = atoi(f[F_LEAKS]);
	bool hazard = !strcmp(v->id, "irqsave_hoh");
	bool on = !strcmp(f[F_STATE], "on");

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
		return "irqsave_hoh entered with interrupts on must leak";
	if (!(hazard && on && depth >= 2) && leaks != 0)
		return "interrupts were found on while a lock was held";
	if (!hazard && atoi(f[F_CHANGES]) != 0)
		return "the interrupt state changed across an operation";
	if (v->counted && !v->native && !strncmp(f[F_IMPL], "native", 6))
		return "impl=native on a kernel without interrupt_rc.h";
	if (strcmp(f[F_LANG], "c"))
		return "lang is not c";
	if (!v->counted && strcmp(f[F_IMPL], "native"))
		return "a non-counted variant claims an emulated impl";
	return NULL;
}

/* results.json: one array, one object per CSV record. */
static void check_json(const char *id, int records)
{
	char *json = slurp(DBG "results.json"), *p, *end;
	int objects = 0;

	for (p = json; p && (p = strstr(p, "{\"arch\":")); p++)
		objects++;
	end = json ? json + strlen(json) : NULL;
	while (end && end > json && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	record(json && json[0] == '[' && end > json && end[-1] == ']' && objects == records ? 0 : 1,
	       "%s results.json is an array of %d objects (found %d)", id, records, objects);
	free(json);
}

/* Models, native where the kernel has it, and vmlinux's copy if seen. */
static int count_impls(const struct variant *v, bool builtin)
{
	return v->counted ? 3 + v->native + (v->native && builtin) : 1;
}

static void test_variant(const struct variant *v, int *impl_native)
{
	static const int depths[] = { 1, 2, 4, 8 };
	char req[2048], dlist[32] = "", *text, *line, *save = NULL, *f[NFIELDS + 1];
	const char *why;
	int i, nd = 0, ns = v->on + v->off + v->offraw, got = 0, err, bad = 0;
	char states[32], first_bad[160] = "";
	bool builtin = false;

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
	snprintf(req, sizeof(req), "variants=%s depths=%s states=%s samples=%d %s",
		 v->id, dlist, states, SAMPLES, MODELS);
	err = request(req, strlen(req));
	if (err) {
		record(1, "run %s (%s)", v->id, strerror(err));
		return;
	}
	text = slurp(DBG "results");
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "arch,", 5))
			continue;
		if (split(line, f) != NFIELDS) {
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
		if (!strcmp(f[F_IMPL], "native-builtin"))
			builtin = true;
	}
	free(text);
	/* one test for all of a variant's records, naming the first bad one */
	record(bad || !got ? 1 : 0, "%s: all %d records pass the record checks%s%s",
	       v->id, got, bad ? "; first failure: " : "", first_bad);
	check_json(v->id, got);
	record(got == nd * ns * count_impls(v, builtin) ? 0 : 1,
	       "run %s gives one record per impl, depth and state (%d of %d)",
	       v->id, got, nd * ns * count_impls(v, builtin));
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
	static const char req[] = "variants=counted depths=1 samples=1 model=none";
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

/* A run whose writer is killed stops; the previous results stay. */
static void test_killed_run(void)
{
	char *before = slurp(DBG "results");
	int status, i;
	pid_t pid;

	pid = start_long_run();
	if (pid < 0) {
		record(2, "a killed run keeps the previous results # SKIP the run ended too soon");
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
		record(2, "a tag outside the safe set is refused at load # SKIP cannot reload %s", ko);
		record(2, "run= at load logs its records between markers # SKIP cannot reload %s", ko);
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

/* A run in a child; EBUSY for a second one; rmmod refused or safe. */
static void test_concurrency(void)
{
	static const char busy_req[] = "variants=empty depths=1 samples=3";
	int status, err;
	pid_t pid;

	pid = start_long_run();
	if (pid < 0) {
		record(2, "a second run gets EBUSY # SKIP the first run ended too soon");
		record(2, "unloading during a run is refused # SKIP no run in progress");
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
		record(2, "the long run completes # SKIP it ended before it could be watched");
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
		record(2, "module unloads and loads cleanly # SKIP no %s", ko);
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
		if (variants[i].counted && variants[i].native)
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
