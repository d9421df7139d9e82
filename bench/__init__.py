"""Performance benchmarks for DESIGN.md's "Performance budget".

Every figure is a *ratio* of two timings taken in the same run (machines are shared and noisy; absolute times
are printed for information only). Each figure prints one verdict line per budget, e.g.
``engine_vs_bare_simpy: 1.18x (budget <= 1.25x) OK``, and writes ``bench/results/<figure>.json``.

Run everything with ``python -m bench``; one figure with ``python -m bench engine`` (see ``bench/README.md``).
"""
