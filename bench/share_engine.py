"""Re-timed runs on every shipped scenario at its own size: does ``meta.share_engine`` change the answer?
(issue 18 item 2: "prove it equal within the replication noise on the shipped scenarios").

For each shipped scenario with schemes (``scenarios/*.toml``), agents responding (``behaviour.model =
effort_equilibrium`` where the file has it off: the compare page's switch), at the file's days and replications
(``--quick``: 7 days x 2), the comparison is made three times in one process: behaviour off (the mechanics
reference), behaviour on with every scheme simulated, and behaviour on with ``meta.share_engine = true``. For
every scheme it prints the net gain both ways, their difference and that difference as a share of the
simulated net gain's interval half-width (the run's own replication noise: the document's 90% interval), plus
the total sales gap. Lines:

* ``share_engine net gain gap / interval half-width`` (the worst scheme over all scenarios; budget <= 1: the
  re-timed answer lies inside the simulated answer's own interval, i.e. the two differ by less than the
  replication noise the page already shows; the interval is of the difference to the baseline scheme on common
  random numbers, so it is the narrow one);
* ``share_engine sales gap`` (worst, % of the simulated sales; budget <= 1%);
* ``behaviour compare, share_engine / mechanics`` (the median over the scenarios; budget <= 2x) and the same
  without ``share_engine``.

``python -m bench share [--quick] [--only NAME]``; not in the default set (about half an hour at full size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from bench.common import ROOT, info, verdict, write_result

SCENARIOS = ROOT / "scenarios"


def shipped() -> list[Any]:
    """The shipped scenarios with schemes (not the validation ones)."""
    return [p for p in sorted(SCENARIOS.glob("*.toml")) if "[[schemes]]" in p.read_text(encoding="utf-8")]


def _net(doc: dict[str, Any], name: str) -> dict[str, float | None]:
    e = doc["schemes"][name]["economics"]
    return {k: (e.get("net_gain_yuan") or {}).get(k) for k in ("mean", "lo", "hi")} | {
        "sales": (e.get("sales_yuan") or e.get("revenue_yuan") or {}).get("mean")}


def run(quick: bool = False, repeat: int = 1, only: str | None = None) -> dict[str, Any]:
    from model.behaviour.api import clear_solved
    from model.document import comparison_document
    from model.scenario import load_scenario

    files = [p for p in shipped() if only is None or only in p.name]
    print(f"== share_engine on the shipped scenarios ({len(files)}), agents responding, "
          f"{'7 days x 2 replications' if quick else 'each file at its own size'} ==")
    print(f"   load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start", flush=True)
    rows, ratios, ratios_plain = [], [], []
    for path in files:
        size = ["meta.days=7", "meta.replications=2"] if quick else []
        on = [*size, "behaviour.model=effort_equilibrium"]
        times, docs = {}, {}
        for name, sets in (("mechanics", [*size, "behaviour.model=none"]), ("simulated", [*on, "meta.share_engine=false"]),
                           ("shared", [*on, "meta.share_engine=true"])):
            s = load_scenario(path, sets)
            clear_solved()  # each comparison solves its own equilibria, as in a fresh process
            t0 = time.perf_counter()
            docs[name] = comparison_document(s)
            times[name] = time.perf_counter() - t0
        ratios.append(times["shared"] / times["mechanics"])
        ratios_plain.append(times["simulated"] / times["mechanics"])
        info(f"{path.name}: {s.meta.days} days x {s.meta.replications} reps; compare mechanics {times['mechanics']:.1f} s, "
             f"behaviour {times['simulated']:.1f} s ({ratios_plain[-1]:.2f}x), shared {times['shared']:.1f} s "
             f"({ratios[-1]:.2f}x); load {os.getloadavg()[0]:.1f}")
        for name in docs["simulated"]["schemes"]:
            a, b = _net(docs["simulated"], name), _net(docs["shared"], name)
            if a["mean"] is None or b["mean"] is None:
                continue
            half = None if a["lo"] is None or a["hi"] is None else (a["hi"] - a["lo"]) / 2.0
            gap = b["mean"] - a["mean"]
            share = abs(gap) / half if half else (0.0 if abs(gap) < 1e-6 else None)
            sales_gap = (b["sales"] / a["sales"] - 1.0) if a["sales"] and b["sales"] is not None else 0.0
            rows.append({"scenario": path.name, "scheme": name, "net_simulated": a["mean"], "net_shared": b["mean"],
                         "half_width": half, "gap_over_half": share, "sales_gap_share": sales_gap,
                         "times": times})
            info(f"    {name}: net gain simulated {a['mean']:,.0f} (+-{half or 0:,.0f}), re-timed {b['mean']:,.0f}, "
                 f"gap {gap:+,.0f} = {share if share is not None else float('nan'):.2f} of the half-width; "
                 f"sales {100 * sales_gap:+.2f}%")
    shares = [r["gap_over_half"] for r in rows if r["gap_over_half"] is not None]
    lines = [
        verdict("share_engine net gain gap / interval half-width (worst)", max(shares) if shares else 0.0, 1.0),
        verdict("share_engine sales gap (worst)", 100 * max(abs(r["sales_gap_share"]) for r in rows) if rows else 0.0,
                1.0, unit="%"),
        verdict("behaviour compare, share_engine / mechanics (median)", statistics.median(ratios), 2.0,
                note=f"every scheme simulated: {statistics.median(ratios_plain):.2f}x"),
    ]
    write_result("share_engine", {"quick": quick, "rows": rows, "budgets": lines, "load": os.getloadavg()[0]})
    return {"budgets": lines}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=None, help="only scenario files whose name contains this")
    a = ap.parse_args()
    run(quick=a.quick, only=a.only)
