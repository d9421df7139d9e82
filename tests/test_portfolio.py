"""The portfolio (issue 16): every shop's document equals the shop run alone with the same seed (local processes
and a Dask LocalCluster), a failing shop is reported by name while the others finish, a re-run resumes, the
roll-up's totals are the shops' numbers, bad lists are bad input (exit 2), exports open."""

from __future__ import annotations

import io
import json
import shutil
import sys
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, run_cli

from model.document import evaluate
from model.errors import ScenarioError
from model.portfolio import run as prun
from model.portfolio.export import export
from model.portfolio.rollup import rollup, shop_row
from model.portfolio.run import run_portfolio, shop_documents
from model.portfolio.shops import load_portfolio
from model.portfolio.store import PortfolioStore
from model.present.portfolio_tables import rollup_text
from model.scenario import load_scenario

SAMPLES = ROOT / "samples" / "portfolio"
SMALL = ["meta.days=1", "meta.replications=2"]


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """The sample portfolio (1 day x 2 replications) on 2 local worker processes, once for the module."""
    store = tmp_path_factory.mktemp("pf") / "p.duckdb"
    p = load_portfolio(SAMPLES, SMALL)
    with ProcessPoolExecutor(max_workers=2) as ex:
        doc = run_portfolio(p, store_path=store, executor=ex)
    return p, store, doc


def test_every_shop_equals_the_shop_run_alone_with_the_same_seed(ran):
    p, store, doc = ran
    docs = shop_documents(store, doc["portfolio"]["id"])
    assert set(docs) == {"淘宝家居", "天猫美妆", "抖音零食", "快手服饰"}
    for shop in p.shops:
        alone = evaluate(load_scenario(shop.file, SMALL))
        alone["scenario"]["file"] = shop.file
        assert docs[shop.name] == json.loads(json.dumps(alone, ensure_ascii=False)), shop.name
    assert {r["platform"] for r in doc["shops"]} == {"taobao", "tmall", "douyin", "kuaishou"}


def test_the_firm_totals_are_the_shops_numbers(ran):
    _, store, doc = ran
    f = doc["firm"]
    docs = shop_documents(store, doc["portfolio"]["id"])
    net = cost = 0.0
    for r in doc["shops"]:
        block = docs[r["shop"]]["schemes"][r["recommended"]]["economics"]
        assert r["net_gain_yuan"] == block["net_gain_yuan"]["mean"]
        assert r["bonus_cost_yuan"] == block["bonus_cost_yuan"]["mean"]
        net += r["net_gain_yuan"]
        cost += r["bonus_cost_yuan"]
    assert f["total_net_gain_yuan"] == pytest.approx(net, abs=1e-9)
    assert f["total_bonus_cost_yuan"] == pytest.approx(cost, abs=1e-9)
    assert f["finished"] == 4 and f["failed"] == 0
    # the firm named its commission for the Douyin shop: it is the recommendation there, whatever it earns
    dy = next(r for r in doc["shops"] if r["shop"] == "抖音零食")
    assert dy["recommended"] == "销售提成 5%" and dy["recommended_by"] == "firm"
    assert f["shops_losing_money"] == [r["shop"] for r in doc["shops"] if r["net_gain_yuan"] < 0]
    text = rollup_text(doc, "en")
    assert "Total net gain" in text and "快手服饰" in text


def test_the_rule_and_the_flags_on_a_hand_made_document():
    line = {"three_min_reply_rate": {"mean": 0.40}}  # Douyin's line is 50%
    doc = {"scenario": {"platform": "douyin", "days": 3}, "baseline_scheme": "base", "schemes": {
        "base": {"team": line, "economics": {"net_gain_yuan": {"mean": 0.0}, "bonus_cost_yuan": {"mean": 0.0}}},
        "a": {"team": {"three_min_reply_rate": {"mean": 0.60}},
              "economics": {"net_gain_yuan": {"mean": -50.0, "lo": -80.0, "hi": -20.0},
                            "bonus_cost_yuan": {"mean": 90.0}, "p_net_loss": {"mean": 0.9}}},
        "b": {"team": line, "economics": {"net_gain_yuan": {"mean": 100.0, "lo": 40.0, "hi": 160.0},
                                          "bonus_cost_yuan": {"mean": 30.0}, "p_net_loss": {"mean": 0.0}}}}}
    r = shop_row("s", "s.toml", doc)  # b gains most but breaches the line; a loses money: keep the baseline
    assert (r["recommended"], r["keeps_baseline"], r["breaches"]) == ("base", True, ["three_min_reply_rate"])
    assert r["breaches_today"] == ["three_min_reply_rate"] and not r["loses_money"]
    r = shop_row("s", "s.toml", doc, proposed="a")
    assert (r["recommended"], r["loses_money"], r["breaches"], r["net_gain_yuan"]) == ("a", True, [], -50.0)
    up = rollup("x", [{"shop": "s", "file": "s.toml", "scheme": "a", "document": doc},
                      {"shop": "t", "file": "t.toml", "scheme": "b", "document": doc},
                      {"shop": "u", "file": "u.toml", "error": "boom"}])
    f = up["firm"]
    assert (f["total_net_gain_yuan"], f["total_bonus_cost_yuan"]) == (50.0, 120.0)
    assert f["total_net_gain_lo"] == pytest.approx(50.0 - (30.0 ** 2 + 60.0 ** 2) ** 0.5)
    assert (f["shops_losing_money"], f["shops_breaching"], f["failed"]) == (["s"], ["t"], 1)
    assert up["failed"] == [{"shop": "u", "file": "u.toml", "error": "boom"}]


def _folder(tmp_path: Path) -> Path:
    d = tmp_path / "shops"
    d.mkdir()
    for f in ("taobao_home.toml", "kuaishou_apparel.toml"):
        shutil.copy(SAMPLES / f, d / f)
    (d / "broken.toml").write_text((SAMPLES / "tmall_beauty.toml").read_text(encoding="utf-8")
                                   .replace("count = 6", "count = -6"), encoding="utf-8")
    return d


def test_a_failing_shop_is_reported_by_name_while_the_others_finish(tmp_path, monkeypatch):
    d = _folder(tmp_path)
    real = prun.run_shop

    def flaky(s, **kw):  # a shop that breaks while it runs (not while it loads)
        if s.shop.platform == "kuaishou":
            raise RuntimeError("worker lost")
        return real(s, **kw)

    monkeypatch.setattr(prun, "run_shop", flaky)
    seen = []
    doc = run_portfolio(load_portfolio(d, SMALL), store_path=tmp_path / "s.duckdb",
                        progress=lambda done, total, shop, ok: seen.append((shop, ok)))
    assert [r["shop"] for r in doc["shops"]] == ["taobao_home"]
    failed = {x["shop"]: x["error"] for x in doc["failed"]}
    assert set(failed) == {"broken", "kuaishou_apparel"}
    assert "agents.count" in failed["broken"] and "worker lost" in failed["kuaishou_apparel"]
    assert sorted(seen) == [("broken", False), ("kuaishou_apparel", False), ("taobao_home", True)]
    # the CLI: the roll-up of the others, the failed shops by name, exit 2
    out = run_cli("portfolio", str(d), "--store", str(tmp_path / "c.duckdb"), "--set", "meta.days=1",
                  "--set", "meta.replications=2", "--lang", "en", timeout=300)
    assert out.returncode == 2, out.stderr
    assert "broken" in out.stderr and "Traceback" not in out.stderr
    assert "taobao_home" in out.stdout and "kuaishou_apparel" in out.stdout and "agents.count" in out.stdout


def test_a_rerun_resumes_and_an_interrupted_run_keeps_its_finished_shops(tmp_path):
    d = _folder(tmp_path)
    (d / "broken.toml").unlink()
    p = load_portfolio(d, SMALL)
    store = tmp_path / "r.duckdb"

    def stop(done, total, shop, ok):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_portfolio(p, store_path=store, progress=stop)
    with PortfolioStore(store) as st:
        assert st.portfolios()["status"].tolist() == ["interrupted"]
        assert len(st.done_keys([prun.shop_key(s.scenario, False) for s in p.shops])) == 1
    doc = run_portfolio(p, store_path=store)
    assert (doc["computed"], doc["reused"]) == (1, 1)
    again = run_portfolio(load_portfolio(d, SMALL), store_path=store)
    assert (again["computed"], again["reused"]) == (0, 2)
    assert again["shops"] == doc["shops"]
    assert prun.reopen(store, doc["portfolio"]["id"])["shops"] == doc["shops"]


@pytest.mark.parametrize(("text", "key"), [
    ('[[shops]]\nfile = "taobao_home.toml"\ncolour = 1\n', "shops.0.colour"),
    ('[[shops]]\nfile = "taobao_home.toml"\n[[shops]]\nfile = "taobao_home.toml"\n', "shops.1.name"),
    ('[portfolio]\nname = "x"\n', "shops"),
    ('[[shops]]\nname = "a"\n', "shops.0.file"),
    ('[[shops]]\nfile = "taobao_home.toml"\nset = "meta.days=1"\n', "shops.0.set"),
    ('shop = 1\n', "shop"),
])
def test_a_bad_list_names_the_file_and_the_key(tmp_path, text, key):
    shutil.copy(SAMPLES / "taobao_home.toml", tmp_path / "taobao_home.toml")
    (tmp_path / "portfolio.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_portfolio(tmp_path)
    assert e.value.key == key and e.value.file.endswith("portfolio.toml")


def test_bad_input_on_the_command_line_is_exit_2_without_a_traceback(tmp_path):
    for args in (["portfolio", str(tmp_path / "nowhere")], ["portfolio", str(tmp_path)],
                 ["portfolio", str(SAMPLES), "--export", str(tmp_path / "x.doc"), "--store",
                  str(tmp_path / "e.duckdb"), "--set", "meta.days=1", "--set", "meta.replications=2"]):
        out = run_cli(*args, timeout=300)
        assert out.returncode == 2, (args, out.stderr)
        assert "Traceback" not in out.stderr and "error" in out.stderr
    (tmp_path / "l.toml").write_text('[[shops]]\nfile = "a.toml"\nscheme = "nope"\n', encoding="utf-8")
    shutil.copy(SAMPLES / "taobao_home.toml", tmp_path / "a.toml")
    p = load_portfolio(tmp_path / "l.toml")
    assert "nope" in p.shops[0].error and p.shops[0].scenario is None


def test_exports_open_with_the_shop_column(ran, tmp_path):
    _, store, doc = ran
    with PortfolioStore(store, read_only=True) as st:
        schemes = st.scheme_rows(doc["portfolio"]["id"])
    assert set(schemes["shop"]) == {"淘宝家居", "天猫美妆", "抖音零食", "快手服饰"}
    assert len(schemes) == sum(r["schemes"] for r in doc["shops"])
    pq = export(doc, schemes, tmp_path / "p.parquet")
    back = pd.read_parquet(pq)
    assert back["net_gain_yuan"].tolist() == schemes["net_gain_yuan"].tolist()
    xl = pd.read_excel(export(doc, schemes, tmp_path / "p.xlsx", lang="en"), sheet_name=None)
    assert set(xl) == {"firm", "shops", "schemes", "failed"}
    assert xl["shops"]["net_gain_yuan"].sum() == pytest.approx(doc["firm"]["total_net_gain_yuan"])
    from pptx import Presentation

    prs = Presentation(io.BytesIO(export(doc, schemes, tmp_path / "p.pptx").read_bytes()))
    assert len(prs.slides) == 2
    names = {sh.name for s in prs.slides for sh in s.shapes}
    assert {"Shops chart", "Shops table", "Totals"} <= names


@pytest.fixture()
def plain_main(monkeypatch):
    """Dask's spawned workers re-run ``__main__``; give them a plain one (as tests/test_tuning_dask.py does)."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


def test_a_dask_cluster_gives_the_same_documents(ran, tmp_path, plain_main):
    distributed = pytest.importorskip("distributed")
    from model.tuning.run import make_executor

    p, store, doc = ran
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            make_executor(scheduler=cluster.scheduler_address) as (ex, n):
        assert n == 2
        dd = run_portfolio(load_portfolio(SAMPLES, SMALL), store_path=tmp_path / "d.duckdb", executor=ex)
    assert dd["computed"] == 4
    assert shop_documents(tmp_path / "d.duckdb", dd["portfolio"]["id"]) == shop_documents(store, doc["portfolio"]["id"])
