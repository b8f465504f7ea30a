// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kmod-bench/request.c: any input either parses into
 * a request that satisfies every invariant the module relies on, or is
 * refused with -EINVAL and a NUL-terminated reason.
 */
#include <stdlib.h>
#include "test_table.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct irqb_request r;
	char err[IRQB_ERR_LEN];
	int ret;

	memset(err, 'E', sizeof(err));
	ret = irqb_parse_request((const char *)data, size, &test_table, 4, &r,
				 err, sizeof(err));
	if (ret) {
		if (ret != -EINVAL || !memchr(err, '\0', sizeof(err)))
			abort();
		return 0;
	}
	if (!r.variants || r.variants >> test_table.nr || !r.states ||
	    r.states & ~IRQB_STATE_ALL || r.depths & ~0x1fffeU ||
	    r.samples < IRQB_MIN_SAMPLES || r.samples > IRQB_MAX_SAMPLES ||
	    r.cpu >= 4 || r.models >> IRQB_NR_MODELS || !r.window_us ||
	    r.window_us > IRQB_MAX_WINDOW_US || size > IRQB_REQ_MAX_LEN + 1)
		abort();
	return 0;
}
