// SPDX-License-Identifier: GPL-2.0
/*
 * request_check NR_CPUS REQUEST: the module's own parser (kmod-bench/
 * request.c, the module's variant rows) run on the host, so a bad REQUEST
 * is refused with the module's reason before any kernel is built.
 * Exit 0 valid, 3 refused or usage (irqbench's data-error code).
 */
#include <stdio.h>
#include <stdlib.h>
#include "test_table.h"

int main(int argc, char **argv)
{
	struct irqb_request r;
	char err[IRQB_ERR_LEN] = "";
	char *end;
	unsigned long cpus;

	if (argc != 3) {
		fprintf(stderr, "usage: request_check NR_CPUS REQUEST\n");
		return 3;
	}
	cpus = strtoul(argv[1], &end, 10);
	if (*end || !cpus || cpus > 4096) {
		fprintf(stderr, "request_check: bad NR_CPUS '%s'\n", argv[1]);
		return 3;
	}
	if (irqb_parse_request(argv[2], strlen(argv[2]), &test_table,
			       (unsigned int)cpus, &r, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err[0] ? err : "refused with no reason");
		return 3;
	}
	return 0;
}
