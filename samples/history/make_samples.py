"""Regenerate the sample KPI exports (made up, in the shapes of the platforms' back-end exports).

    .venv/bin/python samples/history/make_samples.py

Deterministic (fixed seed, fixed workbook timestamps): running it again rewrites the same files. One made-up
team of 10 agents for October 2026 (seed-000-like: ~100 inquiries per agent and day, ~40% conversion, ~100 yuan
order value), written four ways:

* ``qianniu_2026-10_gbk.csv``: 千牛-style, GBK, a title line above the header, dates 2026/10/1, rates "40.12%",
  money "￥1,234.50", durations "35秒", a 合计 row at the end.
* ``feige_2026-10.xlsx``: 飞鸽-style workbook with two sheets (汇总 = month totals per agent, 每日明细 = the daily
  table), Excel dates, rates as 0.4012, durations "0:35".
* ``kuaishou_2026-10_utf8.csv``: 快手-style UTF-8, dates 20261001, rates "40.1%", money "1.23万", durations "35s".
* ``hourly_2026-10_utf8bom.csv``: per agent, day and hour (UTF-8 with BOM), for the intraday profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261001
START = dt.date(2026, 10, 1)
DAYS = 31
NAMES = ["小美", "阿杰", "晓晓", "大伟", "婷婷", "小雨", "阿强", "思思", "乐乐", "新人小李"]
WEEKDAY = [0.95, 0.95, 0.95, 0.95, 1.0, 1.1, 1.1]  # Monday..Sunday
# 8:00-24:00 staffed, evening peak (like the ecommerce profile)
HOURLY = np.array([0] * 8 + [2.6, 4.6, 5.6, 5.4, 4.4, 5.0, 5.6, 5.6, 5.2, 4.8, 4.6, 5.4, 6.6, 7.2, 6.6, 3.8])


def hourly_table() -> list[dict]:
    """Rows per agent, day and staffed hour with counts and the per-hour inputs of the rates."""
    rng = np.random.default_rng(SEED)
    n = len(NAMES)
    conv = 0.40 * np.exp(rng.normal(0, 0.12, n) - 0.12**2 / 2)
    aov = 100.0 * np.exp(rng.normal(0, 0.08, n) - 0.08**2 / 2)
    resp = 30.0 * np.exp(rng.normal(0, 0.15, n))
    share = HOURLY / HOURLY.sum()
    rows = []
    for d in range(DAYS):
        day = START + dt.timedelta(days=d)
        wd = WEEKDAY[day.weekday()]
        for a, name in enumerate(NAMES):
            per_day = 100.0 * wd
            if name == "新人小李":  # joined on the 28th, part-time: a handful of inquiries
                if d < 27:
                    continue
                per_day = 6.0
            for h in range(24):
                if share[h] == 0:
                    continue
                inq = int(rng.poisson(per_day * share[h]))
                rec = inq + int(rng.poisson(0.15 * inq))
                paid = int(rng.binomial(inq, conv[a]))
                orders = paid + int(rng.binomial(inq - paid, 0.08))
                value = float(np.sum(aov[a] * np.exp(rng.normal(0, 0.5, paid) - 0.125))) if paid else 0.0
                rows.append({"date": day, "hour": h, "agent": name, "receptions": rec, "inquiries": inq,
                             "orders": orders, "paid": paid, "sales": round(value, 2),
                             "resp": resp[a] * float(np.exp(rng.normal(0, 0.1))),
                             "three": float(np.clip(rng.normal(0.96, 0.02), 0, 1)),
                             "good": float(np.clip(rng.normal(0.93, 0.03), 0, 1))})
    return rows


def daily_table(hourly: list[dict]) -> list[dict]:
    """Sum the hours of each agent-day; rates are weighted by receptions."""
    out: dict[tuple, dict] = {}
    for r in hourly:
        k = (r["date"], r["agent"])
        o = out.setdefault(k, {"date": r["date"], "agent": r["agent"], "receptions": 0, "inquiries": 0, "orders": 0,
                               "paid": 0, "sales": 0.0, "resp_w": 0.0, "three_w": 0.0, "good_w": 0.0})
        for c in ("receptions", "inquiries", "orders", "paid", "sales"):
            o[c] += r[c]
        o["resp_w"] += r["resp"] * r["receptions"]
        o["three_w"] += r["three"] * r["receptions"]
        o["good_w"] += r["good"] * r["receptions"]
    rows = []
    for o in out.values():
        w = max(o["receptions"], 1)
        rows.append(dict(o, sales=round(o["sales"], 2), conv=o["paid"] / o["inquiries"] if o["inquiries"] else None,
                         aov=o["sales"] / o["paid"] if o["paid"] else None, resp=o["resp_w"] / w,
                         first=o["resp_w"] / w * 0.98, three=o["three_w"] / w, good=o["good_w"] / w))
    rows.sort(key=lambda r: (r["date"], NAMES.index(r["agent"])))
    return rows


def _csv(rows: list[list], encoding: str, path: Path, title: str | None = None) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    if title:
        w.writerow([title])
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _pct(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def qianniu(daily: list[dict]) -> None:
    head = ["日期", "客服昵称", "接待人数", "询单人数", "下单人数", "最终付款人数", "询单转化率", "客单价", "客服销售额",
            "平均响应(秒)", "首次响应时间", "3分钟回复率", "好评率"]
    rows = [head]
    for r in daily:
        rows.append([f"{r['date'].year}/{r['date'].month}/{r['date'].day}", r["agent"], r["receptions"], r["inquiries"],
                     r["orders"], r["paid"], _pct(r["conv"]), "-" if r["aov"] is None else f"{r['aov']:.2f}",
                     f"￥{r['sales']:,.2f}", f"{r['resp']:.1f}", f"{r['first']:.0f}秒", _pct(r["three"]),
                     _pct(r["good"])])
    tot = {c: sum(r[c] for r in daily) for c in ("receptions", "inquiries", "orders", "paid", "sales")}
    rows.append(["合计", "", tot["receptions"], tot["inquiries"], tot["orders"], tot["paid"],
                 _pct(tot["paid"] / tot["inquiries"]), f"{tot['sales'] / tot['paid']:.2f}", f"￥{tot['sales']:,.2f}",
                 "", "", "", ""])
    _csv(rows, "gbk", HERE / "qianniu_2026-10_gbk.csv", title="客服绩效（旺旺）数据 2026-10-01 至 2026-10-31")


def feige(daily: list[dict]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(["客服", "询单人数", "最终付款人数", "询单转化率", "客服销售额"])
    for name in NAMES:
        rs = [r for r in daily if r["agent"] == name]
        inq, paid = sum(r["inquiries"] for r in rs), sum(r["paid"] for r in rs)
        summary.append([name, inq, paid, paid / inq if inq else None, round(sum(r["sales"] for r in rs), 2)])
    ws = wb.create_sheet("每日明细")
    ws.append(["日期", "客服", "接待人数", "询单人数", "下单人数", "询单转化率", "客单价", "客服销售额", "平均响应时长",
               "3分钟回复率", "满意率"])
    for r in daily:
        s = int(round(r["resp"]))
        ws.append([dt.datetime.combine(r["date"], dt.time()), r["agent"], r["receptions"], r["inquiries"], r["orders"],
                   None if r["conv"] is None else round(r["conv"], 4), None if r["aov"] is None else round(r["aov"], 2),
                   r["sales"], f"{s // 60}:{s % 60:02d}", round(r["three"], 4), round(r["good"], 4)])
        ws.cell(ws.max_row, 1).number_format = "yyyy-mm-dd"
    fixed = dt.datetime(2026, 11, 1, 9, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "make_samples.py"
    buf = io.BytesIO()
    wb.save(buf)
    _fixed_zip(buf.getvalue(), HERE / "feige_2026-10.xlsx")


def _fixed_zip(data: bytes, path: Path) -> None:
    """Rewrite a zip (an XLSX) with fixed entry timestamps so the bytes are the same on every run."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time into the properties
                body = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<", rb"<dcterms:modified\1>2026-11-01T09:00:00Z<", body)
            dst.writestr(fixed, body)
    path.write_bytes(out.getvalue())


def _wan(x: float) -> str:
    return f"{x / 10000:.2f}万" if x >= 10000 else f"{x:.2f}"


def kuaishou(daily: list[dict]) -> None:
    rows = [["日期", "客服名称", "咨询人数", "询单人数", "付款人数", "询单转化率", "客单价", "销售额", "平均响应时长",
             "3分钟回复率", "好评率"]]
    for r in daily:
        rows.append([r["date"].strftime("%Y%m%d"), r["agent"], r["receptions"], r["inquiries"], r["paid"],
                     _pct(r["conv"], 1), "-" if r["aov"] is None else f"{r['aov']:.1f}", _wan(r["sales"]),
                     f"{r['resp']:.0f}s", _pct(r["three"], 1), _pct(r["good"], 1)])
    _csv(rows, "utf-8", HERE / "kuaishou_2026-10_utf8.csv")


def hourly_file(hourly: list[dict]) -> None:
    rows = [["日期", "小时", "客服", "接待人数", "询单人数", "最终付款人数", "销售额", "平均响应(秒)"]]
    for r in hourly:
        rows.append([r["date"].isoformat(), f"{r['hour']}:00", r["agent"], r["receptions"], r["inquiries"], r["paid"],
                     f"{r['sales']:.2f}", f"{r['resp']:.1f}"])
    _csv(rows, "utf-8-sig", HERE / "hourly_2026-10_utf8bom.csv")


def main() -> None:
    """Write every sample file."""
    hourly = hourly_table()
    daily = daily_table(hourly)
    qianniu(daily)
    feige(daily)
    kuaishou(daily)
    hourly_file(hourly)


if __name__ == "__main__":
    main()
