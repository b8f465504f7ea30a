"""plots/out/index.html: the newest run against a baseline of the same
irqbench (method identity), so a verdict is about a kernel, never about a
change of irqbench. Verdicts first (regressions, improvements, missing
cases), then the plots, then every case in a table sortable and filterable
by arch, kernel, variant and state, and a history of each case across runs.
A static page: inline script, no server, nothing fetched."""
import html
import os
import statistics

from .. import compare, store
from ..paths import RESULTS
from ..safe_paths import write_atomic
from . import plots

SCRIPT = """
function cellv(tr, i) { return tr.children[i].getAttribute('data-v') || tr.children[i].textContent; }
function sortBy(i) {
  const tb = document.querySelector('#cases tbody');
  const rows = Array.from(tb.rows);
  const dir = tb.getAttribute('data-col') == i && tb.getAttribute('data-dir') == '1' ? -1 : 1;
  rows.sort(function (a, b) {
    const x = cellv(a, i), y = cellv(b, i), nx = parseFloat(x), ny = parseFloat(y);
    const c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
    return c ? dir * c : a.getAttribute('data-i') - b.getAttribute('data-i');
  });
  rows.forEach(function (r) { tb.appendChild(r); });
  tb.setAttribute('data-col', i); tb.setAttribute('data-dir', dir);
}
function filter() {
  const want = {};
  document.querySelectorAll('select.f').forEach(function (s) { want[s.name] = s.value; });
  document.querySelectorAll('#cases tbody tr').forEach(function (tr) {
    let ok = true;
    for (const k in want) { if (want[k] && tr.getAttribute('data-' + k) != want[k]) ok = false; }
    tr.style.display = ok ? '' : 'none';
  });
}
function history(name) {
  document.querySelectorAll('.hist').forEach(function (d) { d.hidden = d.getAttribute('data-case') != name; });
}
document.querySelectorAll('select.f').forEach(function (s) { s.addEventListener('change', filter); });
document.querySelectorAll('#cases th').forEach(function (th, i) { th.addEventListener('click', function () { sortBy(i); }); });
document.querySelectorAll('#cases tbody tr').forEach(function (tr) {
  tr.addEventListener('click', function () { history(tr.getAttribute('data-case')); });
});
"""


def e(x):
    return html.escape(str(x), quote=True)


LIST_MAX = 20  # the rest are in the table; the verdicts stay above the fold


def verdict_list(title, cls, names):
    if not names:
        return f"<h3>{e(title)}: none</h3>"
    items = "".join(f"<li>{e(n)}</li>" for n in names[:LIST_MAX])
    if len(names) > LIST_MAX:
        items += f"<li>and {len(names) - LIST_MAX} more (see the table)</li>"
    return f"<h3 class='{cls}'>{e(title)}: {len(names)}</h3><ul class='{cls}'>{items}</ul>"


def history_rows(runs, recs_of, keys):
    """{case name: [(run id, median p50 over boots, unit)]} across runs,
    for the cases of the table."""
    out = {}
    for run in runs:
        per = {}
        for r in recs_of(run):
            name = compare.key_name(compare.rec_key(r), None)
            if name in keys:
                per.setdefault(name, []).append(r)
        for name, rs in per.items():
            out.setdefault(name, []).append(
                (f"{run['run_id']} ({run['method']})", statistics.median(r["p50"] for r in rs),
                 rs[0]["unit"]))
    return out


def pick(rs):
    """(newest run, its baseline): results/baseline where it is of the same
    method identity and accelerators, else the newest earlier run that is;
    None where no run is."""
    new = store.latest(rs.all)
    if new is None:
        return None, None
    acc = rs.accels.get(new["run_id"])
    same = [r for r in rs.all if r is not new and r["method"] == new["method"]
            and rs.accels.get(r["run_id"]) == acc]
    link = os.path.join(RESULTS, "baseline")
    if os.path.islink(link):
        b = rs.by_id.get(os.path.basename(os.path.realpath(link)))
        if b in same:
            return new, b
    return new, (same[-1] if same else None)


def write(st, made, threshold=1.0, only=None):
    """ONLY: the run ids it may show (the runs under results/)."""
    rs = compare.Runs(st, only)
    latest, baseline = pick(rs)
    summary = ("No baseline measured by the same irqbench as the newest run yet: a second run "
               "of it, or <code>make baseline</code> on one, gives the verdicts.")
    verdicts, rows_html, opts, names = "", [], {}, set()
    if latest and baseline:
        brecs, nrecs = rs.records(baseline), rs.records(latest)
        try:
            exact = {r["accel"] for r in brecs} <= compare.EXACT_ACCELS
            o = compare.options() if exact else compare.options(threshold=threshold)
            rows, only_b, only_n, exact = compare.evaluate(brecs, nrecs, o)
        except compare.Fail as err:
            rows, only_b, only_n = [], [], []
            summary = f"<span class='bad'>no comparison: {e(err)}</span>"
        else:
            count = {}
            for r in rows:
                count[r["verdict"]] = count.get(r["verdict"], 0) + 1
            summary = (f"<b>{e(latest['run_id'])}</b> against baseline "
                       f"<b>{e(baseline['run_id'])}</b>, both measured by irqbench "
                       f"<code>{e(latest['method'])}</code>: {len(rows)} cases matched, "
                       + ", ".join(f"{v} {e(k)}" for k, v in sorted(count.items()))
                       + f"; {len(only_b)} missing from the latest run, {len(only_n)} new.")
        verdicts = (verdict_list("Regressions", "bad", [f"{r['name']}: {r['delta']:+.3f} {r['unit']}" for r in rows if r["verdict"] == "REGRESSION"])
                    + verdict_list("Improvements", "good", [f"{r['name']}: {r['delta']:+.3f} {r['unit']}" for r in rows if r["verdict"] == "improvement"])
                    + verdict_list("Missing from the latest run", "bad",
                                   [compare.key_name(k, None) for k in only_b]))
        for i, r in enumerate(rows):
            d = dict(zip(compare.KEY, r["key"]))
            names.add(r["name"])
            for k in ("arch", "kernel", "variant", "irq_state"):
                opts.setdefault(k, set()).add(str(d[k]))
            cls = {"REGRESSION": "bad", "improvement": "good"}.get(r["verdict"], "")
            ratio = "" if r["ratio"] is None else f"{r['ratio']:.4f}"
            p = "" if r["p"] != r["p"] else f"{r['p']:.2g}"
            rows_html.append(
                f"<tr class='{cls}' data-i='{i}' data-case='{e(r['name'])}' data-arch='{e(d['arch'])}' "
                f"data-kernel='{e(d['kernel'])}' data-variant='{e(d['variant'])}' "
                f"data-irq_state='{e(d['irq_state'])}'><td>{e(r['verdict'])}</td><td>{e(r['name'])}</td>"
                f"<td>{r['bm']:.3f}</td><td>{r['nm']:.3f}</td><td data-v='{r['delta']:.6f}'>{r['delta']:+.3f}</td>"
                f"<td>{ratio}</td><td>{p}</td><td>{min(len(r['b']), len(r['n']))}</td><td>{e(r['unit'])}</td></tr>")
    elif latest:
        summary = (f"<b>{e(latest['run_id'])}</b> (irqbench <code>{e(latest['method'])}</code>) has "
                   "no earlier run of the same irqbench and accelerators to be compared with: "
                   "the runs before it measured another irqbench, whose differences are "
                   "irqbench's, not a kernel's.")
    selects = "".join(
        f"<label>{e(k)} <select class='f' name='{e(k)}'><option value=''>all</option>"
        + "".join(f"<option>{e(v)}</option>" for v in sorted(vals)) + "</select></label> "
        for k, vals in sorted(opts.items()))
    hists = []
    same = [r for r in rs.all if latest and rs.accels.get(r["run_id"]) == rs.accels.get(latest["run_id"])]
    for name, pts in sorted(history_rows(same, rs.records, names).items()):
        cells = "".join(f"<tr><td>{e(run)}</td><td>{v:.3f}</td><td>{e(u)}</td></tr>" for run, v, u in pts)
        hists.append(f"<div class='hist' data-case='{e(name)}' hidden><h3>{e(name)}</h3>"
                     f"<table><tr><th>run</th><th>p50</th><th>unit</th></tr>{cells}</table></div>")
    figs = []
    for caption, name in made:
        figs.append(f"<figure><img src='{name}.svg' alt='{e(caption)}'>"
                    f"<figcaption>{e(caption)} (<a href='{name}.png'>PNG</a>)</figcaption></figure>")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>irqbench dashboard</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: right; }}
th {{ cursor: pointer; }} td:nth-child(2) {{ text-align: left; }}
tr.bad {{ background: #f8d0d0; }} tr.good {{ background: #d8f0d8; }}
.bad {{ color: #b00; }} .good {{ color: #070; }} ul {{ font-family: monospace; }}
figure {{ display: inline-block; margin: 1em; }} img {{ max-width: 960px; }}
</style></head><body>
<h1>irqbench</h1>
<section id="verdicts"><h2>Verdicts</h2>
<p>{summary}</p>
{verdicts}
</section>
<p>Under tcg-icount figures are exact guest instructions per operation (path length, not time);
under plain TCG, emulation nanoseconds, judged on per-boot medians. See RESULTS.md for the findings
and docs/method.md for the method.</p>
<section id="plots"><h2>Plots</h2>
{''.join(figs)}
</section>
<section id="table"><h2>Every case</h2>
<p>{selects} Click a column to sort, a row for its history across runs.</p>
<table id="cases"><thead><tr><th>verdict</th><th>case</th><th>baseline p50</th><th>latest p50</th>
<th>delta</th><th>ratio</th><th>p (BH)</th><th>boots</th><th>unit</th></tr></thead><tbody>
{''.join(rows_html)}
</tbody></table>
</section>
<section id="history"><h2>History of a case</h2>
{''.join(hists)}
</section>
<script>{SCRIPT}</script>
</body></html>
"""
    write_atomic(os.path.join(plots.out_dir(), "index.html"), page)
    return latest, baseline
