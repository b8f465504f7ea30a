"""irqbench's host tooling, one module per step of the pipeline:
cells (what to run, checked) -> collect (console to run files) -> store
(runs into SQLite or PostgreSQL) -> compare, history, kcidb, report
(RESULTS.md, generated pages, plots, the dashboard). Run a step as
`/usr/bin/python3 -m irqbench.<module>` from the tree's root."""
