"""The shops of a portfolio: a folder of shop scenarios or a TOML list of them (docs/portfolio.md).

A folder: every ``*.toml`` in it is one shop (named by its file stem), unless the folder holds a
``portfolio.toml``, which is then read as the list. A list file::

    [portfolio]
    name = "某外包公司 · 4 店"
    set = ["meta.days=2"]          # optional, applied to every shop (then the shop's set, then the command line's)

    [[shops]]
    name = "taobao_home"           # unique; default: the file stem
    file = "taobao_home.toml"      # relative to the list file
    set = ["agents.count=6"]       # optional --set overrides of this shop
    scheme = "达标奖 45%"           # optional: the scheme the firm means to roll out there (else the rule's pick)

A shop whose scenario cannot be loaded is kept with its error (reported by name; the others run); a list file
that cannot be read at all is bad input (ScenarioError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.errors import ScenarioError
from model.scenario import load_scenario, read_toml
from model.schema import Scenario

LIST_FILE = "portfolio.toml"
_LIST_KEYS = {"portfolio", "shops"}
_PORTFOLIO_KEYS = {"name", "set", "description"}
_SHOP_KEYS = {"name", "file", "set", "scheme"}
#: More shops than this in one portfolio is refused (the issue's firms run 20-200).
MAX_SHOPS = 1000


@dataclass
class Shop:
    """One shop of a portfolio: its scenario, or why it could not be loaded."""

    name: str
    file: str
    overrides: list[str] = field(default_factory=list)
    scheme: str | None = None
    scenario: Scenario | None = None
    error: str | None = None


@dataclass
class Portfolio:
    """A portfolio: its name, where it came from and its shops (in the order given)."""

    name: str
    source: str
    shops: list[Shop]


def _strings(v: Any, file: str, key: str) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ScenarioError('必须是字符串列表 must be a list of "key=value" strings, e.g. ["meta.days=2"]',
                            file=file, key=key)
    return list(v)


def _load_shop(shop: Shop, extra: list[str], common: list[str] | None = None) -> Shop:
    """Load a shop's scenario with the list's common overrides, then its own, then the command line's."""
    try:
        shop.scenario = load_scenario(shop.file, [*(common or []), *shop.overrides, *extra])
    except ScenarioError as e:
        shop.error = str(e)
    if shop.scenario is not None and not shop.scenario.schemes:
        shop.error = (f"{shop.file}, key 'schemes': 没有可比较的方案 has no [[schemes]] to compare; add at least one "
                      "scheme (a shop in a portfolio is judged by its schemes)")
        shop.scenario = None
        return shop
    if shop.scenario is not None and shop.scheme is not None \
            and shop.scheme not in [sc.name for sc in shop.scenario.schemes]:
        names = ", ".join(sc.name for sc in shop.scenario.schemes) or "none"
        shop.error = (f"{shop.file}, key 'scheme': 店铺没有这个方案 the shop has no scheme '{shop.scheme}' "
                      f"(schemes: {names})")
        shop.scenario = None
    return shop


def read_list(path: Path, extra: list[str]) -> Portfolio:
    """A portfolio from a TOML list file (see the module docstring)."""
    file = str(path)
    data = read_toml(path)
    unknown = sorted(set(data) - _LIST_KEYS)
    if unknown:
        raise ScenarioError(f"未知的键 unknown key(s) {', '.join(unknown)}; a portfolio list has [portfolio] and "
                            "[[shops]] (a shop scenario goes in its own file, named by shops.N.file)", file=file,
                            key=unknown[0])
    head = data.get("portfolio") or {}
    if not isinstance(head, dict) or set(head) - _PORTFOLIO_KEYS:
        bad = sorted(set(head) - _PORTFOLIO_KEYS) if isinstance(head, dict) else ["portfolio"]
        raise ScenarioError(f"[portfolio] takes only {', '.join(sorted(_PORTFOLIO_KEYS))}", file=file,
                            key=f"portfolio.{bad[0]}" if isinstance(head, dict) else "portfolio")
    common = _strings(head.get("set"), file, "portfolio.set")
    rows = data.get("shops")
    if not isinstance(rows, list) or not rows:
        raise ScenarioError("需要至少一个 [[shops]] needs at least one [[shops]] table with file = \"shop.toml\"",
                            file=file, key="shops")
    if len(rows) > MAX_SHOPS:
        raise ScenarioError(f"has {len(rows)} shops; at most {MAX_SHOPS} in one portfolio", file=file, key="shops")
    shops: list[Shop] = []
    seen: set[str] = set()
    for i, r in enumerate(rows):
        key = f"shops.{i}"
        if not isinstance(r, dict):
            raise ScenarioError("must be a table with file = \"shop.toml\"", file=file, key=key)
        bad = sorted(set(r) - _SHOP_KEYS)
        if bad:
            raise ScenarioError(f"未知的键 unknown key; a shop takes {', '.join(sorted(_SHOP_KEYS))}", file=file,
                                key=f"{key}.{bad[0]}")
        if not isinstance(r.get("file"), str) or not r["file"].strip():
            raise ScenarioError('需要场景文件 needs file = "shop.toml" (relative to this list)', file=file,
                                key=f"{key}.file")
        f = (path.parent / r["file"]) if not Path(r["file"]).is_absolute() else Path(r["file"])
        name = r.get("name", Path(r["file"]).stem)
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError("must be a non-empty string", file=file, key=f"{key}.name")
        if name in seen:
            raise ScenarioError(f"店名重复 shop name '{name}' is used twice; names must be unique", file=file,
                                key=f"{key}.name")
        seen.add(name)
        scheme = r.get("scheme")
        if scheme is not None and not isinstance(scheme, str):
            raise ScenarioError("must be a scheme name (a string)", file=file, key=f"{key}.scheme")
        shops.append(Shop(name, str(f), _strings(r.get("set"), file, f"{key}.set"), scheme))
    for s in shops:
        _load_shop(s, extra, common)
    name = head.get("name", path.stem)
    return Portfolio(str(name), file, shops)


def load_portfolio(path: str | Path, overrides: list[str] | None = None) -> Portfolio:
    """The shops of ``path`` (a folder or a list file), each loaded with the list's ``set``, its own ``set`` and
    then ``overrides`` (the command line's ``--set``: the last word).

    Raises:
        ScenarioError: the path is missing, an empty folder, or a list file that cannot be used.
    """
    p = Path(path)
    extra = list(overrides or [])
    if not p.exists():
        raise ScenarioError("找不到 not found: give a folder of shop scenarios or a portfolio list TOML",
                            file=str(path))
    if p.is_file():
        return read_list(p, extra)
    if (p / LIST_FILE).is_file():
        return read_list(p / LIST_FILE, extra)
    files = sorted(x for x in p.glob("*.toml") if x.is_file())
    if not files:
        raise ScenarioError("文件夹里没有 .toml 场景 the folder holds no .toml shop scenarios", file=str(path))
    if len(files) > MAX_SHOPS:
        raise ScenarioError(f"holds {len(files)} scenarios; at most {MAX_SHOPS} in one portfolio", file=str(path))
    shops = [_load_shop(Shop(f.stem, str(f)), extra) for f in files]
    return Portfolio(p.name, str(p), shops)
