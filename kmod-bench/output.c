// SPDX-License-Identifier: GPL-2.0
/* Result records as CSV, JSON, per-sample lines and kernel log lines. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/stdarg.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <linux/processor.h>
#ifdef CONFIG_RISCV
#include <asm/sbi.h>
#endif
#include "counted.h"

char *irqb_tag_config = "unknown";
char *irqb_tag_accel = "bare-metal";
char *irqb_tag_unit = "ns";
bool irqb_tag_pmu = true;

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
#define IRQB_LINE_LEN	512

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

enum { IRQB_STR, IRQB_NUM, IRQB_OPT };

/* Where a record is written: a seq_file, or a buffer for the kernel log. */
struct irqb_sink {
	struct seq_file *m;
	char *buf;
	size_t len, used;
};

static __printf(2, 3) void put(struct irqb_sink *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (k->m)
		seq_vprintf(k->m, fmt, ap);
	else
		k->used += vscnprintf(k->buf + k->used, k->len - k->used, fmt, ap);
	va_end(ap);
}

/* Field @i of a record, as CSV or as a JSON member. */
static __printf(6, 7) void field(struct irqb_sink *k, bool json, unsigned int i,
				 const char *name, int type, const char *fmt, ...)
{
	char val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!json)
		put(k, "%s%s", i ? "," : "", val);
	else if (type == IRQB_STR)
		put(k, "%s\"%s\":\"%s\"", i ? "," : "{", name, val);
	else
		put(k, "%s\"%s\":%s", i ? "," : "{", name,
		    type == IRQB_OPT && !val[0] ? "null" : val);
}

static void write_record(struct irqb_sink *k, const struct irqb_record *r,
			 bool json)
{
	const struct irqb_variant_meta *m = &irqb_variants[r->variant].m;
	unsigned int i = 0;
	struct irqb_row o;

	row(r, &o);
#define IRQB_FIELD(name, type, fmt, val)				\
	field(k, json, i++, #name, IRQB_##type, fmt, val)
#include "record_fields.h"
#undef IRQB_FIELD
	if (json)
		put(k, "}");
}

void irqb_show_csv_header(struct seq_file *m)
{
	unsigned int i = 0;

#define IRQB_FIELD(name, ...)	seq_printf(m, "%s%s", i++ ? "," : "", #name)
#include "record_fields.h"
#undef IRQB_FIELD
	seq_putc(m, '\n');
}

void irqb_show_csv(struct seq_file *m, const struct irqb_results *res,
		   unsigned int i)
{
	struct irqb_sink k = { .m = m };

	write_record(&k, &res->rec[i], false);
	seq_putc(m, '\n');
}

void irqb_show_json(struct seq_file *m, const struct irqb_results *res,
		    unsigned int i)
{
	struct irqb_sink k = { .m = m };

	if (i)
		seq_puts(m, ",\n");
	write_record(&k, &res->rec[i], true);
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
 * One line per record for a test harness that keeps one figure per case
 * (LAVA's monitors, lava-test-case): "IRQBENCH <case> <p50> <unit> pass",
 * the case named as make annotate names it.
 */
void irqb_show_measurement(struct seq_file *m, const struct irqb_results *res,
			   unsigned int i)
{
	const struct irqb_record *r = &res->rec[i];
	char p50[24];

	fixed(p50, sizeof(p50), r->st.p50);
	seq_printf(m, "IRQBENCH %s/%s/d%u/%s %s %s pass\n",
		   irqb_variants[r->variant].m.id, irqb_impl_name(r->impl),
		   r->depth, irqb_state_name(r->state), p50, irqb_tag_unit);
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/*
 * The variant table as this kernel runs it, one row per line: the states
 * it can be entered in and the implementations that can run it here ("-"
 * where none), and the rest of its row of variants.h. The host keeps it
 * with every cell's records and derives its lists from it.
 */
void irqb_show_variants(struct seq_file *m)
{
	const struct irqb_variant *v;
	unsigned int i, s, impl;
	char states[32], impls[96];
	int n, ni;

	seq_puts(m, "id\tlang\tdepths\tstates\timpls\tcounted\thazard\tlock\tnested\tsame\tlike\tdescription\twhy\n");
	for (i = 0; i < IRQB_NR_VARIANTS; i++) {
		v = &irqb_variants[i];
		n = 0;
		states[0] = 0;
		for (s = IRQB_STATE_ON; s <= IRQB_STATE_OFF_RAW; s <<= 1)
			if (v->m.states & s)
				n += scnprintf(states + n, sizeof(states) - n,
					       "%s%s", n ? "," : "",
					       irqb_state_name(s));
		ni = 0;
		impls[0] = 0;
		for (impl = 0; impl < IRQB_NR_IMPLS; impl++)
			if (irqb_impl_available(v, impl))
				ni += scnprintf(impls + ni, sizeof(impls) - ni,
						"%s%s", ni ? "," : "",
						irqb_impl_name(impl));
		seq_printf(m, "%s\t%s\t1-%u\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			   v->m.id, v->m.lang, v->m.max_depth, or_dash(states),
			   or_dash(impls), v->m.counted ? "yes" : "-",
			   v->m.hazard ? "yes" : "-", lock_type(&v->m),
			   or_dash(v->m.nested), or_dash(v->m.same),
			   or_dash(v->m.like), v->m.desc, or_dash(v->m.why));
	}
}

/* For a one-shot run at load: the records between markers on the log. */
void irqb_log_results(const struct irqb_results *res)
{
	char buf[IRQB_LINE_LEN];
	struct irqb_sink k = { .buf = buf, .len = sizeof(buf) };
	unsigned int i;

	pr_info("BEGIN RECORDS (%u)\n", res->nr);
	for (i = 0; i < res->nr; i++) {
		k.used = 0;
		write_record(&k, &res->rec[i], false);
		pr_info("%s\n", buf);
	}
	pr_info("END RECORDS\n");
}
