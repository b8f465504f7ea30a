// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of kmod-bench/request.c: bad requests and round trips (KTAP). */
#include <string.h>
#include "kselftest.h"
#include "test_table.h"

#define BIT(n) (1U << (n))

static int parse(const char *s, size_t len, struct irqb_request *r, char *err)
{
	return irqb_parse_request(s, len, &test_table, 4, r, err, IRQB_ERR_LEN);
}

static int parse_str(const char *s, struct irqb_request *r, char *err)
{
	return parse(s, strlen(s), r, err);
}

static void bad(const char *what, const char *s, size_t len)
{
	struct irqb_request r, before;
	char err[IRQB_ERR_LEN] = "";
	int ret;

	memset(&r, 0x5a, sizeof(r));
	before = r;
	ret = parse(s, len ? len : strlen(s), &r, err);
	ksft_test_result(ret == -EINVAL && err[0] && !memcmp(&r, &before, sizeof(r)),
			 "reject %s: %s\n", what, err[0] ? err : "(no reason)");
}

int main(void)
{
	static char overlong[600], maxlen[IRQB_REQ_MAX_LEN + 2];
	static const char nul[] = "variants=irqsave\0 depths=1";
	static const char full[] =
		"variants=irqsave,counted depths=1-4,8 states=off samples=7 cpu=3 model=tip,v1-percpu window_us=50\n";
	char err[IRQB_ERR_LEN];
	struct irqb_request r;
	int ret;

	ksft_print_header();
	ksft_set_plan(27 + 10);
	memset(overlong, 'x', sizeof(overlong) - 1);
	memcpy(overlong, "variants=", 9);
	bad("unknown variant", "variants=nosuch", 0);
	bad("depth 0", "depths=0", 0);
	bad("depth 17", "depths=17", 0);
	bad("depth -1", "depths=-1", 0);
	bad("huge depth", "depths=184467440737095516160", 0);
	bad("reversed range", "depths=4-2", 0);
	bad("bad state", "states=sideways", 0);
	bad("duplicate key", "variants=irqsave variants=counted", 0);
	bad("empty request", "", 0);
	bad("newline only", "\n", 1);
	bad("blanks only", " \t ", 0);
	bad("overlong line", overlong, 0);
	bad("non-ASCII bytes", "variants=irqs\xc3\xa4ve", 0);
	bad("embedded NUL", nul, sizeof(nul) - 1);
	bad("cpu out of range", "cpu=4", 0);
	bad("huge cpu", "cpu=4294967296", 0);
	bad("samples 0", "samples=0", 0);
	bad("samples over the limit", "samples=1002", 0);
	bad("missing =", "variants", 0);
	bad("trailing garbage", "depths=1 garbage", 0);
	bad("known key with no value", "samples=", 0);
	bad("empty list element", "depths=1,,2", 0);
	bad("trailing comma", "states=on,", 0);
	bad("two = signs", "samples=3=4", 0);
	bad("impossible depth for a named variant", "variants=irq depths=1,2", 0);
	bad("impossible state for a named variant", "variants=lock_with states=on,off", 0);
	bad("unknown model", "model=v2", 0);

	ret = parse_str("variants=all", &r, err);
	ksft_test_result(!ret && r.all_variants &&
			 r.variants == BIT(IRQB_NR_VARIANTS) - 1 &&
			 r.depths == (BIT(1) | BIT(2) | BIT(4) | BIT(8)) &&
			 r.states == IRQB_STATE_ALL && r.samples == 31 && r.cpu == 0 &&
			 r.models == BIT(IRQB_MODEL_V73) && r.window_us == 200,
			 "defaults round-trip\n");
	ret = parse_str(full, &r, err);
	ksft_test_result(!ret && !r.all_variants &&
			 r.variants == (BIT(IRQB_V_irqsave) | BIT(IRQB_V_counted)) &&
			 r.depths == (BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(8)) &&
			 r.states == IRQB_STATE_OFF && r.samples == 7 && r.cpu == 3 &&
			 r.models == (BIT(IRQB_MODEL_TIP) | BIT(IRQB_MODEL_V1)) &&
			 r.window_us == 50, "every key round-trips (%s)\n", ret ? err : "ok");
	ret = parse_str("  states=on\t depths=16 ", &r, err);
	ksft_test_result(!ret && r.depths == BIT(16) && r.states == IRQB_STATE_ON,
			 "blanks and tabs separate tokens\n");
	ret = parse_str("variants=all depths=2 states=on", &r, err);
	ksft_test_result(!ret, "variants=all skips impossible cases instead of refusing\n");
	ret = parse_str("model=none variants=irqsave", &r, err);
	ksft_test_result(!ret && r.models == 0, "model=none selects no emulation\n");
	ret = parse_str("variants=counted,lock_with states=off-raw", &r, err);
	ksft_test_result(!ret && r.states == IRQB_STATE_OFF_RAW,
			 "off-raw for counted variants and lock_with (%s)\n",
			 ret ? err : "ok");
	ret = parse_str("variants=irqsave,counted states=on,off,off-raw", &r, err);
	ksft_test_result(!ret && r.states == IRQB_STATE_ALL,
			 "off-raw is left out, not refused, for a variant that does not count (%s)\n",
			 ret ? err : "ok");
	ret = parse_str("variants=lock_with states=off depths=1-16", &r, err);
	ksft_test_result(!ret && r.depths == 0x1fffe, "the full depth range\n");
	memset(maxlen, ' ', IRQB_REQ_MAX_LEN);
	memcpy(maxlen, "samples=5", 9);
	ret = parse(maxlen, IRQB_REQ_MAX_LEN, &r, err);
	ksft_test_result(!ret && r.samples == 5, "a request of exactly the limit is accepted\n");
	maxlen[IRQB_REQ_MAX_LEN] = ' ';
	ret = parse(maxlen, IRQB_REQ_MAX_LEN + 1, &r, err);
	ksft_test_result(ret == -EINVAL, "one byte over the limit is refused\n");
	ksft_finished();
}
