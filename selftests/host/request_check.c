// SPDX-License-Identifier: GPL-2.0
/*
 * request_check REQUEST: parses a run request with the module's own parser
 * and variant rows (kmod-bench/request.c, variant_meta.c), so make bench
 * refuses a bad REQUEST before it builds or boots anything. Exit 0 when the
 * module would accept it, 3 with the module's reason when not. cpu= is
 * checked against the module's own bound later, in the guest.
 */
#include <stdio.h>
#include <string.h>
#include "test_table.h"

int main(int argc, char **argv)
{
	char err[IRQB_ERR_LEN] = "";
	struct irqb_request r;

	if (argc != 2) {
		fprintf(stderr, "usage: request_check REQUEST\n");
		return 3;
	}
	if (irqb_parse_request(argv[1], strlen(argv[1]), &test_table, 4096, &r,
			       err, sizeof(err))) {
		fprintf(stderr, "irqbench: bad REQUEST: %s\n", err);
		return 3;
	}
	return 0;
}
