"""Not a budget figure: where the engine spends its time (``python -m bench profile``).

* cProfile of ``chatcentre.run`` alone (draws made beforehand) on the seed-000 shop (1 replication) and on the
  M/M/c special case (1 replication), sorted by own time, with the SimPy events scheduled per buyer message.
* cProfile of the whole CLI run of the default shop (behaviour off, 1 replication, as figure ``full_msg_vs_bare``
  of ``python -m bench floor``): the share of each stage (draws, engine, records, outcomes, KPI tables,
  schemes, run document, JSON) by cumulative time, then the top functions by own time.

Profiling inflates cheap calls; read the ranking, not the seconds. Writes ``bench/results/profile.json``.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from typing import Any

from bench.common import ERLANG, ROOT, TAOBAO, info, write_result

TOP = 15
#: Stages of the whole CLI run: (label, file suffix, function name) whose cumulative time is reported.
STAGES = (
    ("draws", "model/draws.py", "make_draws"),
    ("engine (SimPy)", "model/chatcentre.py", "run"),
    ("records (engine_frames)", "model/records.py", "engine_frames"),
    ("outcomes", "model/outcomes.py", "apply_outcomes"),
    ("KPI tables", "model/kpi.py", "kpi_table"),
    ("intervals", "model/kpi.py", "summarise"),
    ("schemes (compare_schemes)", "model/pipeline.py", "compare_schemes"),
    ("run document", "model/document.py", "run_document"),
    ("warnings", "model/checks.py", "run_warnings"),
    ("JSON writer", "model/cli.py", "_write_json"),
)


def _events(run, inp) -> int:
    """SimPy events scheduled by ``run(inp)``: the event ids its Environment handed out (every scheduled event
    takes one, also those the engine schedules itself, bypassing ``Environment.schedule``), less the stop event."""
    import simpy

    envs = []
    orig = simpy.Environment.__init__

    def keep(self, *a, **k):
        orig(self, *a, **k)
        envs.append(self)

    simpy.Environment.__init__ = keep
    try:
        run(inp)
    finally:
        simpy.Environment.__init__ = orig
    return sum(next(env._eid) - 1 for env in envs)


def _top(st: pstats.Stats) -> list[dict[str, Any]]:
    total = st.total_tt
    rows = []
    for (file, line, fn), (_cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append({"function": f"{file.split('site-packages/')[-1].replace(str(ROOT) + '/', '')}:"
                                 f"{line}({fn})", "calls": nc, "own_s": tt, "cum_s": ct, "own_share": tt / total})
    rows.sort(key=lambda r: -r["own_s"])
    return rows[:TOP]


def _profile_cli(sets: list[str]) -> dict[str, Any]:
    from bench.common import run_cli

    run_cli(TAOBAO, ["meta.days=1", *sets], reps=1)  # warm-up
    pr = cProfile.Profile()
    doc = pr.runcall(run_cli, TAOBAO, sets, reps=1)
    st = pstats.Stats(pr, stream=io.StringIO())
    total = st.total_tt
    stages = []
    for label, suffix, fn in STAGES:
        cum = sum(v[3] for (file, _line, name), v in st.stats.items() if name == fn and file.endswith(suffix))
        stages.append({"stage": label, "cum_s": cum, "share": cum / total})
    return {"messages": doc["counts"]["messages"], "total_s": total, "stages": stages, "top": _top(st)}


def _profile(path, sets: list[str]) -> dict[str, Any]:
    import numpy as np

    from model import chatcentre
    from model.draws import make_draws
    from model.effects import Effects
    from model.scenario import load_scenario
    from model.simulate import engine_input
    from model.team import agent_table

    s = load_scenario(path, sets)
    inp = engine_input(s, make_draws(s, 0), agent_table(s), Effects())
    events = _events(chatcentre.run, inp)
    pr = cProfile.Profile()
    rec = pr.runcall(chatcentre.run, inp)
    msgs = int(np.isfinite(rec.msg_sent_s).sum())
    return {"events": events, "messages": msgs, "top": _top(pstats.Stats(pr, stream=io.StringIO()))}


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Engine profile (cProfile, chatcentre.run only, sorted by own time) ==", flush=True)
    out = {}
    for name, path, sets in (("taobao_10_agents", TAOBAO, ["meta.days=10"] if quick else []),
                             ("erlang_mmc", ERLANG, ['customers.patience.dist="none"'])):
        res = _profile(path, sets)
        out[name] = res
        info(f"-- {name} (1 replication): {res['events']:,} SimPy events for {res['messages']:,} buyer messages = "
             f"{res['events'] / max(res['messages'], 1):.2f} events per message")
        for r in res["top"]:
            info(f"{100 * r['own_share']:5.1f}%  {r['calls']:>9,}  {r['function']}")
    print("== Whole CLI run profile (default shop, behaviour off, 1 replication; cumulative share per stage) ==",
          flush=True)
    sets = ["behaviour.model=none"] + (["meta.days=10"] if quick else [])
    cli = _profile_cli(sets)
    out["taobao_cli"] = cli
    info(f"{cli['messages']:,} buyer messages, {cli['total_s']:.2f} s under the profiler")
    for r in cli["stages"]:
        info(f"{100 * r['share']:5.1f}%  {r['stage']}")
    info("-- top functions by own time")
    for r in cli["top"]:
        info(f"{100 * r['own_share']:5.1f}%  {r['calls']:>9,}  {r['function']}")
    write_result("profile", {"top": out, "quick": quick})
    return {"budgets": []}


if __name__ == "__main__":
    run()
