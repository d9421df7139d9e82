"""History import speed: ``load_history`` on an export near the 20 MB upload limit, against ``pandas.read_csv``
of the same bytes (the reference: reading the table with no validation at all).

No budget in DESIGN.md; the figure is informational (the issue's "never freeze the app"): the ratio and the
absolute seconds for the largest file the app accepts. The export: hourly rows (16 staffed hours) for 31 days
and enough agents to come near the limit, 千牛 formats (rates "41.58%", money "￥1,234.50", durations "30秒").

``python -m bench history [--quick]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import numpy as np

from bench.common import info, interleaved, paired_ratio, write_result


def make_export(agents: int, days: int = 31, seed: int = 1) -> bytes:
    """A made-up hourly export as UTF-8 CSV bytes."""
    rng = np.random.default_rng(seed)
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["日期", "小时", "客服昵称", "接待人数", "询单人数", "最终付款人数", "询单转化率", "客服销售额",
                "平均响应(秒)"])
    for d in range(days):
        day = (dt.date(2026, 10, 1) + dt.timedelta(days=d)).isoformat()
        inq = rng.poisson(6, size=(agents, 16))
        paid = rng.binomial(inq, 0.4)
        resp = rng.normal(30, 5, size=(agents, 16))
        for a in range(agents):
            for h in range(16):
                q, p = int(inq[a, h]), int(paid[a, h])
                w.writerow([day, f"{8 + h}:00", f"客服{a:04d}", q + 1, q, p,
                            f"{100 * p / q:.2f}%" if q else "-", f"￥{p * 101.5:,.2f}", f"{resp[a, h]:.0f}秒"])
    return buf.getvalue().encode("utf-8")


def run(quick: bool = False, repeat: int | None = None) -> dict[str, Any]:
    """Time the import against pandas.read_csv; print and store the figure."""
    import pandas as pd

    from model.history.read import MAX_BYTES
    from model.history.validate import load_history

    agents = 60 if quick else 600
    data = make_export(agents)
    print(f"== History import: {len(data) / 1e6:.1f} MB CSV ({agents} agents x 31 days x 16 hours), "
          f"limit {MAX_BYTES / 2**20:.0f} MB ==", flush=True)
    t = interleaved({"pandas": lambda: pd.read_csv(io.BytesIO(data)),
                     "import": lambda: load_history(data, "bench.csv")}, repeat=repeat or 3)
    ratio = paired_ratio(t, "import", "pandas")
    h = t["import"]["value"]
    info(f"load_history {t['import']['median_s']:.2f} s, pandas.read_csv {t['pandas']['median_s']:.3f} s: "
         f"{ratio:.0f}x the bare read (parsing every cell, the row report, the KPI sums' inputs)")
    info(f"{len(h.data):,} rows, {len(h.agents)} agents, {h.days} days; {len(data) / 1e6 / t['import']['median_s']:.1f} MB/s")
    write_result("history_import", {"quick": quick, "mb": len(data) / 1e6, "rows": len(h.data),
                                    "import_s": t["import"]["median_s"], "pandas_s": t["pandas"]["median_s"],
                                    "ratio": ratio})
    return {"budgets": []}


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    run(quick=ap.parse_args().quick)
