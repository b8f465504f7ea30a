"""plots/out/index.html: the latest run against the baseline, regressions
highlighted, and every plot. A static page that opens from the filesystem."""
import html
import math
import os

import compare
import plots
import runs


def write(latest, baseline, made, threshold):
    rows_html, summary = [], "No baseline yet: <code>make baseline</code> names one."
    if latest and baseline:
        _, brecs = runs.load_run(baseline)
        _, nrecs = runs.load_run(latest)
        opts = compare.options(threshold=threshold)
        try:
            rows, only_b, only_n, _exact = compare.compare(brecs, nrecs, opts)
        except compare.DataError as e:
            rows, only_b, only_n = [], [], []
            summary = f"The latest run cannot be compared with the baseline: {html.escape(str(e))}"
        reg = sum(1 for r in rows if r[1] == "REGRESSION")
        summary = (f"<b>{os.path.basename(latest)}</b> against baseline <b>{os.path.basename(baseline)}</b>: "
                   f"{len(rows)} cases, <span class='{'bad' if reg else 'good'}'>{reg} regressions</span>, "
                   f"{sum(1 for r in rows if r[1] == 'improvement')} improvements, "
                   f"{len(only_b)} only in the baseline, {len(only_n)} only in the latest run.")
        for key, verdict, delta, ratio, p, b, n in rows:
            cls = {"REGRESSION": "bad", "improvement": "good"}.get(verdict, "")
            rows_html.append(
                f"<tr class='{cls}'><td>{html.escape(verdict)}</td><td>{html.escape(compare.name(key))}</td>"
                f"<td>{b['p50']:.3f}</td><td>{n['p50']:.3f}</td><td>{delta:+.3f}</td><td>{ratio:.4f}</td>"
                f"<td>{'' if math.isnan(p) else f'{p:.2g}'}</td><td>{n['unit']}</td></tr>")
    figs = []
    for section, items in made.items():
        for caption, name in items:
            figs.append(f"<figure><img src='{name}.svg' alt='{html.escape(caption)}'>"
                        f"<figcaption>{html.escape(section)}: {html.escape(caption)} "
                        f"(<a href='{name}.png'>PNG</a>)</figcaption></figure>")
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>irqbench dashboard</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: right; }}
td:nth-child(2) {{ text-align: left; }}
tr.bad {{ background: #f8d0d0; }} tr.good {{ background: #d8f0d8; }}
span.bad {{ color: #b00; }} span.good {{ color: #070; }}
figure {{ display: inline-block; margin: 1em; }} img {{ max-width: 960px; }}
</style></head><body>
<h1>irqbench</h1>
<p>{summary}</p>
<p>Under tcg-icount figures are exact guest instructions per operation (path length, not time);
under plain TCG, emulation nanoseconds. See RESULTS.md for the method.</p>
<table><thead><tr><th>verdict</th><th>case</th><th>baseline p50</th><th>latest p50</th><th>delta</th>
<th>ratio</th><th>p (Mann-Whitney, Holm)</th><th>unit</th></tr></thead><tbody>
{''.join(rows_html)}
</tbody></table>
<h2>Plots</h2>
{''.join(figs)}
</body></html>
"""
    with open(os.path.join(plots.OUT, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)
