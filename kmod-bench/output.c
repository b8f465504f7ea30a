// SPDX-License-Identifier: GPL-2.0
/* Result records as CSV, JSON, per-sample lines and kernel log lines. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <linux/processor.h>
#ifdef CONFIG_RISCV
#include <asm/sbi.h>
#endif
#include "counted.h"

char *irqb_tag_config = "unknown";
char *irqb_tag_accel = "bare-metal";

#if defined(CONFIG_X86)
#define IRQB_ARCH	"x86_64"
#define IRQB_COUNTER	"tsc"
#elif defined(CONFIG_ARM64)
#define IRQB_ARCH	"arm64"
#define IRQB_COUNTER	"cntvct_el0"
#elif defined(CONFIG_RISCV) && defined(CONFIG_64BIT)
#define IRQB_ARCH	"riscv64"
#define IRQB_COUNTER	"time"
#elif defined(CONFIG_PPC64) && defined(CONFIG_CPU_LITTLE_ENDIAN)
#define IRQB_ARCH	"ppc64le"
#define IRQB_COUNTER	"timebase"
#elif defined(CONFIG_S390)
#define IRQB_ARCH	"s390x"
#define IRQB_COUNTER	"tod"
#else
#define IRQB_ARCH	"other"
#define IRQB_COUNTER	"get_cycles"
#endif

static const char * const fields[] = {
	"arch", "kernel", "config", "accel", "cpu_model", "variant", "impl",
	"depth", "irq_state", "batch_ops", "samples", "unit", "p50", "mean",
	"min", "p90", "p99", "max", "stddev", "ci95_lo", "ci95_hi",
	"irq_leaks", "verify_ops", "irq_state_changes", "ticks_p50", "counter",
	"irq_exposed", "cycles_p50", "lang", "irq_mask", "lock_type",
};

/*
 * How local_irq_disable() masks interrupts on this boot: arm64 masks
 * through the GIC's priority mask register when booted with pseudo-NMI
 * (irqchip.gicv3_pseudo_nmi=1 on a CONFIG_ARM64_PSEUDO_NMI kernel), else
 * through DAIF; every record says which, so a pseudo-NMI cell whose
 * command line did not take effect is caught (run-cell.sh).
 */
static const char *irq_mask(void)
{
#if defined(CONFIG_ARM64)
	return system_uses_irq_prio_masking() ? "pmr" : "daif";
#elif defined(CONFIG_X86)
	return "eflags";
#elif defined(CONFIG_RISCV)
	return "sstatus";
#elif defined(CONFIG_PPC64)
	return "soft-mask";
#elif defined(CONFIG_S390)
	return "psw";
#else
	return "arch";
#endif
}

/*
 * The lock a record's variant takes. Under PREEMPT_RT a spinlock_t is an
 * rt_mutex: it may sleep and leaves interrupts as they are, whatever the
 * _irqsave in its name says; raw_spinlock_t still spins with them off.
 */
static const char *lock_type(const struct irqb_variant_meta *m)
{
	switch (m->lock) {
	case IRQB_LOCK_RAW:
		return "raw_spinlock_t";
	case IRQB_LOCK_NONE:
		return "none";
	default:
		return irqb_lock_sleeps(m) ? "rt_mutex" : "spinlock_t";
	}
}

/* Under -icount shift=0 a guest nanosecond is exactly one instruction. */
static const char *unit(void)
{
	return strcmp(irqb_tag_accel, "tcg-icount") ? "ns" : "insn";
}

static void cpu_model(char *buf, size_t len)
{
	char *p;

#if defined(CONFIG_X86)
	strscpy(buf, boot_cpu_data.x86_model_id, len);
	if (!buf[0])
		strscpy(buf, "unknown x86", len);
#elif defined(CONFIG_ARM64)
	snprintf(buf, len, "MIDR 0x%08x", read_cpuid_id());
#elif defined(CONFIG_RISCV)
	snprintf(buf, len, "mvendorid 0x%lx marchid 0x%lx",
		 riscv_cached_mvendorid(0), riscv_cached_marchid(0));
#elif defined(CONFIG_PPC)
	snprintf(buf, len, "PVR 0x%08lx", mfspr(SPRN_PVR));
#elif defined(CONFIG_S390)
	struct cpuid id;

	get_cpu_id(&id);
	snprintf(buf, len, "machine 0x%04x", id.machine);
#else
	strscpy(buf, "unknown", len);
#endif
	for (p = buf; *p; p++)
		if (*p == ',' || *p == '"' || *p == '\\')
			*p = ' ';
	strim(buf);
}

/*
 * The kernel release as a record field: a LOCALVERSION may hold anything,
 * so characters outside a safe set become '_' and neither CSV nor JSON
 * ever needs quoting or escaping (the tags are checked at load).
 */
static const char *release(void)
{
	static char buf[65];
	char *p;

	strscpy(buf, utsname()->release, sizeof(buf));
	for (p = buf; *p; p++)
		if (!isalnum(*p) && !strchr("._:+-~", *p))
			*p = '_';
	return buf;
}

/* A value in thousandths as a decimal with three places. */
static void fixed(char *buf, size_t len, s64 milli)
{
	u64 a = milli < 0 ? -(u64)milli : milli;

	snprintf(buf, len, "%s%llu.%03llu", milli < 0 ? "-" : "", a / 1000,
		 a % 1000);
}

struct irqb_row {
	char cpu[64];
	char v[9][24];		/* p50, mean, min, p90, p99, max, stddev, ci */
	char ticks[24];
	char cycles[24];	/* empty where no PMU counter was used */
};

static void row(const struct irqb_record *r, struct irqb_row *o)
{
	const s64 vals[9] = {
		r->st.p50, r->st.mean, r->st.min, r->st.p90, r->st.p99,
		r->st.max, r->st.stddev, r->st.ci95_lo, r->st.ci95_hi,
	};
	int i;

	cpu_model(o->cpu, sizeof(o->cpu));
	for (i = 0; i < 9; i++)
		fixed(o->v[i], sizeof(o->v[i]), vals[i]);
	fixed(o->ticks, sizeof(o->ticks), r->ticks_p50);
	o->cycles[0] = 0;
	if (r->have_cycles)
		fixed(o->cycles, sizeof(o->cycles), r->cycles_p50);
}

void irqb_show_csv_header(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		seq_printf(m, "%s%s", i ? "," : "", fields[i]);
	seq_putc(m, '\n');
}

/* One record as a CSV line, for the results file and the kernel log. */
static void csv_line(char *buf, size_t len, const struct irqb_record *r)
{
	struct irqb_row o;

	row(r, &o);
	snprintf(buf, len,
		 "%s,%s,%s,%s,%s,%s,%s,%u,%s,%u,%u,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%u,%u,%u,%s,%s,%u,%s,c,%s,%s",
		 IRQB_ARCH, release(), irqb_tag_config, irqb_tag_accel,
		 o.cpu, irqb_variants[r->variant].m.id, irqb_impl_name(r->impl),
		 r->depth, irqb_state_name(r->state), r->batch_ops, r->st.n,
		 unit(), o.v[0], o.v[1], o.v[2], o.v[3], o.v[4], o.v[5], o.v[6],
		 o.v[7], o.v[8], r->vd.leaks, r->verify_ops, r->vd.changes,
		 o.ticks, IRQB_COUNTER, r->vd.exposed, o.cycles, irq_mask(),
		 lock_type(&irqb_variants[r->variant].m));
}

#define IRQB_LINE_LEN	512

void irqb_show_csv(struct seq_file *m, const struct irqb_results *res,
		   unsigned int i)
{
	char buf[IRQB_LINE_LEN];

	csv_line(buf, sizeof(buf), &res->rec[i]);
	seq_printf(m, "%s\n", buf);
}

void irqb_show_json(struct seq_file *m, const struct irqb_results *res,
		    unsigned int i)
{
	const struct irqb_record *r = &res->rec[i];
	struct irqb_row o;

	row(r, &o);
	seq_printf(m,
		   "%s{\"arch\":\"%s\",\"kernel\":\"%s\",\"config\":\"%s\",\"accel\":\"%s\",\"cpu_model\":\"%s\",\"variant\":\"%s\",\"impl\":\"%s\",\"depth\":%u,\"irq_state\":\"%s\",\"batch_ops\":%u,\"samples\":%u,\"unit\":\"%s\",",
		   i ? ",\n" : "", IRQB_ARCH, release(),
		   irqb_tag_config, irqb_tag_accel, o.cpu,
		   irqb_variants[r->variant].m.id, irqb_impl_name(r->impl),
		   r->depth, irqb_state_name(r->state), r->batch_ops, r->st.n,
		   unit());
	seq_printf(m,
		   "\"p50\":%s,\"mean\":%s,\"min\":%s,\"p90\":%s,\"p99\":%s,\"max\":%s,\"stddev\":%s,\"ci95_lo\":%s,\"ci95_hi\":%s,\"irq_leaks\":%u,\"verify_ops\":%u,\"irq_state_changes\":%u,\"ticks_p50\":%s,\"counter\":\"%s\",\"irq_exposed\":%u,\"cycles_p50\":%s,\"lang\":\"c\",\"irq_mask\":\"%s\",\"lock_type\":\"%s\"}",
		   o.v[0], o.v[1], o.v[2], o.v[3], o.v[4], o.v[5], o.v[6],
		   o.v[7], o.v[8], r->vd.leaks, r->verify_ops, r->vd.changes,
		   o.ticks, IRQB_COUNTER, r->vd.exposed,
		   o.cycles[0] ? o.cycles : "null", irq_mask(),
		   lock_type(&irqb_variants[r->variant].m));
	if (i == res->nr - 1)
		seq_putc(m, '\n');
}

/* variant,impl,depth,irq_state then every sample, in run order. */
void irqb_show_samples(struct seq_file *m, const struct irqb_results *res,
		       unsigned int i)
{
	const struct irqb_record *r = &res->rec[i];
	char buf[24];
	u32 s;

	seq_printf(m, "%s,%s,%u,%s,", irqb_variants[r->variant].m.id,
		   irqb_impl_name(r->impl), r->depth, irqb_state_name(r->state));
	for (s = 0; s < r->st.n; s++) {
		fixed(buf, sizeof(buf), r->values[s]);
		seq_printf(m, "%s%s", s ? " " : "", buf);
	}
	seq_putc(m, '\n');
}

/*
 * What runs a counted variant here: native code and the models, the models
 * alone, or native code alone (no model of it, or spinlock_t under RT).
 */
static const char *counted_impls(const struct irqb_variant_meta *v)
{
	if (!v->counted)
		return "-";
	if (irqb_models_barred(v))
		return irqb_have_native() ? "native-only" : "none";
	return irqb_have_native() ? "native" : "emulated";
}

/* The table as this kernel runs it: states "-" where none can be entered. */
void irqb_show_variants(struct seq_file *m)
{
	const struct irqb_variant_meta *v;
	unsigned int i, s;
	char states[32];
	int n;

	seq_puts(m, "id\tdepths\tstates\tcounted\tlock\thazard\tdescription\n");
	for (i = 0; i < irqb_nr_variants; i++) {
		v = &irqb_variants[i].m;
		states[0] = 0;
		n = 0;
		for (s = IRQB_STATE_ON; s <= IRQB_STATE_OFF_RAW; s <<= 1)
			if (v->states & s)
				n += scnprintf(states + n, sizeof(states) - n,
					       "%s%s", n ? "," : "",
					       irqb_state_name(s));
		seq_printf(m, "%s\t%u-%u\t%s\t%s\t%s\t%s\t%s\n", v->id,
			   v->min_depth, v->max_depth, n ? states : "-",
			   counted_impls(v), lock_type(v),
			   v->hazard ? "yes" : "-", v->desc);
	}
}

/* For a one-shot run at load: the records between markers on the log. */
void irqb_log_results(const struct irqb_results *res)
{
	char buf[IRQB_LINE_LEN];
	unsigned int i;

	pr_info("BEGIN RECORDS (%u)\n", res->nr);
	for (i = 0; i < res->nr; i++) {
		csv_line(buf, sizeof(buf), &res->rec[i]);
		pr_info("%s\n", buf);
	}
	pr_info("END RECORDS\n");
}
