"""Not a budget figure: where the engine spends its time (``python -m bench profile``).

cProfile of ``chatcentre.run`` alone (draws made beforehand) on the seed-000 shop (1 replication) and on the
M/M/c special case (1 replication), sorted by own time. Profiling inflates cheap calls; read the ranking,
not the seconds. Writes ``bench/results/profile.json`` with the top functions.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from typing import Any

from bench.common import ERLANG, ROOT, TAOBAO, info, write_result

TOP = 15


def _profile(path, sets: list[str]) -> list[dict[str, Any]]:
    from model import chatcentre
    from model.draws import make_draws
    from model.effects import Effects
    from model.scenario import load_scenario
    from model.simulate import engine_input
    from model.team import agent_table

    s = load_scenario(path, sets)
    inp = engine_input(s, make_draws(s, 0), agent_table(s), Effects())
    pr = cProfile.Profile()
    pr.runcall(chatcentre.run, inp)
    st = pstats.Stats(pr, stream=io.StringIO())
    total = st.total_tt
    rows = []
    for (file, line, fn), (_cc, nc, tt, ct, _callers) in st.stats.items():
        rows.append({"function": f"{file.split('site-packages/')[-1].replace(str(ROOT) + '/', '')}:"
                                 f"{line}({fn})", "calls": nc, "own_s": tt, "cum_s": ct, "own_share": tt / total})
    rows.sort(key=lambda r: -r["own_s"])
    return rows[:TOP]


def run(quick: bool = False, repeat: int = 3) -> dict[str, Any]:
    print("== Engine profile (cProfile, chatcentre.run only, sorted by own time) ==", flush=True)
    out = {}
    for name, path, sets in (("taobao_10_agents", TAOBAO, ["meta.days=10"] if quick else []),
                             ("erlang_mmc", ERLANG, ['customers.patience.dist="none"'])):
        rows = _profile(path, sets)
        out[name] = rows
        info(f"-- {name} (1 replication)")
        for r in rows:
            info(f"{100 * r['own_share']:5.1f}%  {r['calls']:>9,}  {r['function']}")
    write_result("profile", {"top": out, "quick": quick})
    return {"budgets": []}


if __name__ == "__main__":
    run()
