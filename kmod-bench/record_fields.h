/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The record's fields, in order: IRQB_FIELD(name, JSON type, format, value)
 * each, the value an expression of the record r, its formatted row o and
 * its variant's meta row m (output.c). JSON type: STR quoted, NUM bare, OPT
 * bare or null where empty. The host's schema/record.tsv declares each
 * field's type, unit and meaning; make check holds the two lists equal.
 * New fields go at the end. Included where IRQB_FIELD is defined: no guard.
 */
IRQB_FIELD(arch, STR, "%s", IRQB_ARCH);
IRQB_FIELD(kernel, STR, "%s", release());
IRQB_FIELD(config, STR, "%s", irqb_tag_config);
IRQB_FIELD(accel, STR, "%s", irqb_tag_accel);
IRQB_FIELD(cpu_model, STR, "%s", o.cpu);
IRQB_FIELD(variant, STR, "%s", m->id);
IRQB_FIELD(impl, STR, "%s", irqb_impl_name(r->impl));
IRQB_FIELD(depth, NUM, "%u", r->depth);
IRQB_FIELD(irq_state, STR, "%s", irqb_state_name(r->state));
IRQB_FIELD(batch_ops, NUM, "%u", r->batch_ops);
IRQB_FIELD(samples, NUM, "%u", r->st.n);
IRQB_FIELD(unit, STR, "%s", irqb_tag_unit);
IRQB_FIELD(p50, NUM, "%s", o.v[0]);
IRQB_FIELD(mean, NUM, "%s", o.v[1]);
IRQB_FIELD(min, NUM, "%s", o.v[2]);
IRQB_FIELD(p90, NUM, "%s", o.v[3]);
IRQB_FIELD(p99, NUM, "%s", o.v[4]);
IRQB_FIELD(max, NUM, "%s", o.v[5]);
IRQB_FIELD(stddev, NUM, "%s", o.v[6]);
IRQB_FIELD(ci95_lo, NUM, "%s", o.v[7]);
IRQB_FIELD(ci95_hi, NUM, "%s", o.v[8]);
IRQB_FIELD(irq_leaks, NUM, "%u", r->vd.leaks);
IRQB_FIELD(verify_ops, NUM, "%u", r->verify_ops);
IRQB_FIELD(irq_state_changes, NUM, "%u", r->vd.changes);
IRQB_FIELD(ticks_p50, NUM, "%s", o.ticks);
IRQB_FIELD(counter, STR, "%s", IRQB_COUNTER);
IRQB_FIELD(irq_exposed, NUM, "%u", r->vd.exposed);
IRQB_FIELD(cycles_p50, OPT, "%s", o.cycles);
IRQB_FIELD(lang, STR, "%s", m->lang);
IRQB_FIELD(irq_mask, STR, "%s", irq_mask());
IRQB_FIELD(lock_type, STR, "%s", lock_type(m));
