// SPDX-License-Identifier: GPL-2.0
/*
 * irqtrace: a QEMU TCG plugin (API version 1, QEMU 7.2) that logs every
 * translation block the vCPU executes between two guest addresses, with
 * each block's instructions and their bytes as the guest held them (after
 * the kernel's boot-time code patching), through QEMU's log (-d plugin):
 * with -d int beside it, an interrupt or exception taken inside the window
 * shows up in the same ordered stream.
 *
 *   -plugin irqtrace.so,ctl=FIFO -d plugin,int -D LOG
 *
 * The window's addresses are known only after the guest printed them, so
 * they arrive on FIFO as one line "START STOP [SKIP]" (hex, hex, decimal).
 * The FIFO is polled when a block is translated: the code at START has
 * never run before the guest is released, so its translation always
 * follows the line. Tracing begins when a block starting at START runs
 * for the SKIP+1st time and ends after the first block starting at STOP.
 * Output lines:
 *   irqtrace: start
 *   irqtrace: D ID PC:HEX PC:HEX ...   a block's instructions, once
 *   irqtrace: T ID                     a run of block ID
 *   irqtrace: stop
 * A block runs whole unless an exception leaves it early, which -d int
 * reports in the window.
 *
 * A line "count ADDR..." (up to 16, hex) counts instead: every run of a
 * block starting at ADDR number I logs "irqtrace: W I N", N the
 * instructions the vCPU executed since the line was read, so a long run
 * is measured between any two points without logging every block.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* longest instruction of the five arches: x86's 15 bytes */
#define MAX_INSN_BYTES 16

struct insn {
	uint64_t vaddr;
	uint8_t size;
	uint8_t bytes[MAX_INSN_BYTES];
};

struct block {
	struct block *next;	/* every block, freed at a TB flush */
	uint64_t id;
	uint64_t vaddr;
	int defined;		/* its D line was written */
	size_t n;
	struct insn insn[];
};

static struct block *blocks;
static uint64_t next_id;
static int ctl_fd = -1;
static char ctl_buf[128];
static size_t ctl_len;
static int armed;		/* START and STOP are known */
static int tracing;
static int done;
static uint64_t start_pc, stop_pc, skip;
#define MAX_WATCH 16
static int counting;		/* count mode */
static uint64_t watch[MAX_WATCH];
static int nwatch;
/*
 * Instructions since armed (count mode): whole blocks, so on x86 a block
 * that lists an instruction QEMU abandoned at a page crossing counts it
 * (trace.py drops it in trace mode); differences between runs of the same
 * code are unaffected.
 */
static uint64_t executed;

static void poll_ctl(void)
{
	ssize_t r;
	char *nl;

	r = read(ctl_fd, ctl_buf + ctl_len, sizeof(ctl_buf) - 1 - ctl_len);
	if (r <= 0)
		return;
	ctl_len += (size_t)r;
	ctl_buf[ctl_len] = '\0';
	nl = strchr(ctl_buf, '\n');
	if (!nl)
		return;
	if (!strncmp(ctl_buf, "count ", 6)) {
		char *p = ctl_buf + 6, *end;

		while (nwatch < MAX_WATCH) {
			uint64_t a = strtoull(p, &end, 16);

			if (end == p)
				break;
			watch[nwatch++] = a;
			p = end;
		}
		counting = nwatch > 0;
	} else if (sscanf(ctl_buf, "%" SCNx64 " %" SCNx64 " %" SCNu64,
			  &start_pc, &stop_pc, &skip) < 2) {
		start_pc = 0;
	}
	if (!counting && (!start_pc || !stop_pc)) {
		qemu_plugin_outs("irqtrace: error: bad control line\n");
		done = 1;
		return;
	}
	armed = 1;
	qemu_plugin_outs("irqtrace: armed\n");
}

static void define_block(struct block *b)
{
	/* "irqtrace: D " + id + per insn " 0x<16>:<32 hex>" */
	size_t cap = 64 + b->n * (4 + 16 + 1 + 2 * MAX_INSN_BYTES);
	char *s = malloc(cap), *p;
	size_t i, j;

	if (!s) {
		qemu_plugin_outs("irqtrace: error: out of memory\n");
		done = 1;
		return;
	}
	p = s + sprintf(s, "irqtrace: D %" PRIu64, b->id);
	for (i = 0; i < b->n; i++) {
		p += sprintf(p, " %" PRIx64 ":", b->insn[i].vaddr);
		for (j = 0; j < b->insn[i].size; j++)
			p += sprintf(p, "%02x", b->insn[i].bytes[j]);
	}
	strcpy(p, "\n");
	qemu_plugin_outs(s);
	free(s);
	b->defined = 1;
}

static void block_exec(unsigned int vcpu, void *udata)
{
	struct block *b = udata;
	char line[48];

	(void)vcpu;
	if (counting) {
		int i;

		for (i = 0; i < nwatch; i++) {
			if (b->vaddr == watch[i]) {
				snprintf(line, sizeof(line), "irqtrace: W %d %" PRIu64 "\n",
					 i, executed);
				qemu_plugin_outs(line);
			}
		}
		executed += b->n;
		return;
	}
	if (!tracing) {
		if (done || !armed || b->vaddr != start_pc)
			return;
		if (skip) {
			skip--;
			return;
		}
		tracing = 1;
		qemu_plugin_outs("irqtrace: start\n");
	}
	if (!b->defined)
		define_block(b);
	snprintf(line, sizeof(line), "irqtrace: T %" PRIu64 "\n", b->id);
	qemu_plugin_outs(line);
	if (b->vaddr == stop_pc) {
		tracing = 0;
		done = 1;
		qemu_plugin_outs("irqtrace: stop\n");
	}
}

static void block_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct block *b;

	(void)id;
	if (!armed && !done)
		poll_ctl();
	b = malloc(sizeof(*b) + n * sizeof(b->insn[0]));
	if (!b) {
		qemu_plugin_outs("irqtrace: error: out of memory\n");
		done = 1;
		return;
	}
	b->id = next_id++;
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->defined = 0;
	b->n = n;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *in = qemu_plugin_tb_get_insn(tb, i);
		size_t size = qemu_plugin_insn_size(in);

		if (size > MAX_INSN_BYTES) {
			qemu_plugin_outs("irqtrace: error: an instruction over 16 bytes\n");
			done = 1;
			size = 0;
		}
		b->insn[i].vaddr = qemu_plugin_insn_vaddr(in);
		b->insn[i].size = (uint8_t)size;
		memcpy(b->insn[i].bytes, qemu_plugin_insn_data(in), size);
	}
	b->next = blocks;
	blocks = b;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, QEMU_PLUGIN_CB_NO_REGS, b);
}

/* after a TB flush no old block runs again */
static void flush(qemu_plugin_id_t id)
{
	(void)id;
	while (blocks) {
		struct block *b = blocks;

		blocks = b->next;
		free(b);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *ctl = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "ctl=", 4)) {
			ctl = argv[i] + 4;
		} else {
			fprintf(stderr, "irqtrace: unknown argument '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!ctl) {
		fprintf(stderr, "irqtrace: ctl=FIFO is required\n");
		return -1;
	}
	/* one window for the machine: the state above is not per vCPU */
	if (!info->system_emulation || info->system.max_vcpus != 1) {
		fprintf(stderr, "irqtrace: needs system emulation with one vCPU\n");
		return -1;
	}
	ctl_fd = open(ctl, O_RDONLY | O_NONBLOCK);
	if (ctl_fd < 0) {
		fprintf(stderr, "irqtrace: %s: %s\n", ctl, strerror(errno));
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, block_trans);
	qemu_plugin_register_flush_cb(id, flush);
	return 0;
}
