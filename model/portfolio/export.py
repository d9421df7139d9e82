"""Export a portfolio: XLSX (sheets 汇总 firm / 店铺 shops / 方案 schemes / 失败 failed), Parquet or CSV (the
shop x scheme rows with a shop column), PPTX (the roll-up slides)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from model.errors import ScenarioError
from model.present.portfolio_deck import build_portfolio_deck
from model.present.portfolio_tables import firm_lines

SUFFIXES = (".xlsx", ".parquet", ".csv", ".pptx")


def shops_frame(doc: dict[str, Any]) -> pd.DataFrame:
    """One row per finished shop (lists joined by commas, the tuned recommendation flattened)."""
    rows = []
    for r in doc.get("shops") or []:
        row = {k: v for k, v in r.items() if k != "tuned"}
        row["breaches"] = ",".join(r["breaches"])
        row["breaches_today"] = ",".join(r["breaches_today"])
        for k, v in (r.get("tuned") or {}).items():
            row[f"tuned_{k}"] = v
        rows.append(row)
    return pd.DataFrame(rows)


def xlsx_bytes(doc: dict[str, Any], schemes: pd.DataFrame, lang: str = "zh") -> bytes:
    """The workbook's bytes."""
    import io

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        pd.DataFrame(firm_lines(doc, lang), columns=["item", "value"]).to_excel(xw, sheet_name="firm", index=False)
        shops_frame(doc).to_excel(xw, sheet_name="shops", index=False)
        schemes.to_excel(xw, sheet_name="schemes", index=False)
        pd.DataFrame(doc.get("failed") or [], columns=["shop", "file", "error"]).to_excel(
            xw, sheet_name="failed", index=False)
    return buf.getvalue()


def export(doc: dict[str, Any], schemes: pd.DataFrame, path: str | Path, lang: str = "zh") -> Path:
    """Write the portfolio to ``path`` (format by suffix: .xlsx, .parquet, .csv, .pptx)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise ScenarioError(f"导出格式 export to one of {', '.join(SUFFIXES)} (got '{p.suffix or p.name}')",
                            file=str(path), key="--export")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".xlsx":
            p.write_bytes(xlsx_bytes(doc, schemes, lang))
        elif suffix == ".parquet":
            schemes.to_parquet(p, index=False)
        elif suffix == ".csv":
            schemes.to_csv(p, index=False, encoding="utf-8-sig")
        else:
            p.write_bytes(build_portfolio_deck(doc, lang=lang))
    except OSError as e:
        raise ScenarioError(f"无法写入 cannot write the export: {e.strerror or e}", file=str(path),
                            key="--export") from None
    return p
