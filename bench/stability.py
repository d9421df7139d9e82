"""Issue 20 item 3: how stable the agents' forecast is from one noise seed to the next.

On the default shop (``scenarios/taobao_10_agents.toml``, behaviour on, one base run of 30 days x 2
replications) the 1,000-yuan conversion threshold ("达标奖 45%") is swept over targets 40..50% in 1-point steps
(``--quick``: 2-point steps) and its equilibrium solved for several noise seeds (``solver.solve(seed=...)``, the
seed ``meta.seed`` sets in a run). Only the agents' forecast is read (``Equilibrium.forecast``: sales uplift,
variable pay, net = uplift x gross margin - pay); no engine run per point. Printed per setting:

* ``spread``: the sd across seeds as a share of the mean, per target, of the uplift and of the net gain (and the
  mean over targets);
* ``roughness``: per seed, mean |second difference| of the net-gain curve over its mean level (a smooth curve is
  near 0; seed noise shows as zig-zag), averaged over seeds;
* ``argmax``: the best target (net gain) of each seed;
* CPU seconds a solve, and the ratio to the first setting.

Settings: ``before`` = the forecast before issue 20 (independent normal draws, ``kpimodel.stratified_draws(False)``,
and each candidate's raw mean pay, ``solver.smoothing(False)``) at the scenario's ``noise_samples``; ``Latin
hypercube only``; ``after`` = as shipped (symmetric Latin hypercube draws and the smoothed expected pay of
``solver.smoothed_pay``); and as shipped at twice the months for reference.

``python -m bench stability [--quick]``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from bench.common import TAOBAO, info, write_result

#: Noise seeds per setting (``--quick``: the first four).
SEEDS = [11, 12, 13, 14, 15]


def _world(quick: bool):
    from model.behaviour.kpimodel import base_record
    from model.scenario import load_scenario
    from model.simulate import simulate

    s = load_scenario(TAOBAO, ["meta.replications=1" if quick else "meta.replications=2"])
    base = simulate(s)
    return s, base, base_record(base)


def curve(s, base, rec, targets: list[float], seed: int, samples: int | None = None) -> dict[str, np.ndarray]:
    """The forecast's uplift, pay and net gain per target for one noise seed (the scenario's threshold scheme)."""
    from model.behaviour.solver import solve
    from model.schemes.targets import first_threshold, with_target

    scheme = s.schemes[1]
    label = first_threshold(scheme).label
    cfg = s.behaviour if samples is None else s.behaviour.model_copy(update={"noise_samples": samples})
    margin = s.economics.gross_margin_share
    up, pay = [], []
    for t in targets:
        eq = solve(cfg, with_target(scheme, label, float(t)), rec, s.outcomes, base.agents, seed=seed,
                   gross_margin_share=margin, days=float(s.meta.days))
        up.append(eq.forecast["sales_uplift_yuan"])
        pay.append(eq.forecast["variable_pay_yuan"])
    up_a, pay_a = np.array(up), np.array(pay)
    return {"uplift": up_a, "pay": pay_a, "net": up_a * margin - pay_a}


def measures(curves: list[dict[str, np.ndarray]], targets: list[float]) -> dict[str, Any]:
    """Spread across seeds per target, roughness of each seed's net curve, each seed's best target."""
    up = np.array([c["uplift"] for c in curves])
    net = np.array([c["net"] for c in curves])
    sd_up = up.std(axis=0, ddof=1) / np.abs(up.mean(axis=0))
    sd_net = net.std(axis=0, ddof=1) / np.abs(net.mean(axis=0))
    rough = np.abs(np.diff(net, 2, axis=1)).mean(axis=1) / np.abs(net.mean(axis=1))
    best = [float(targets[int(np.argmax(n))]) for n in net]
    return {"uplift_mean": up.mean(axis=0).tolist(), "net_mean": net.mean(axis=0).tolist(),
            "uplift_spread": sd_up.tolist(), "net_spread": sd_net.tolist(),
            "uplift_spread_mean": float(sd_up.mean()), "net_spread_mean": float(sd_net.mean()),
            "roughness": float(rough.mean()), "argmax": best, "argmax_range_pp": 100 * (max(best) - min(best))}


def run(quick: bool = False, repeat: int = 1) -> dict[str, Any]:
    """Sweep the threshold's target for several seeds under each setting; print spread, roughness and argmax."""
    from model.behaviour.kpimodel import stratified_draws
    from model.behaviour.solver import smoothing

    step = 0.02 if quick else 0.01
    targets = [round(0.40 + step * i, 2) for i in range(int(round(0.10 / step)) + 1)]
    seeds = SEEDS[:4] if quick else SEEDS
    print(f"== Forecast stability: {TAOBAO.name}, threshold 1,000 yuan at {100 * targets[0]:.0f}..{100 * targets[-1]:.0f}% "
          f"({len(targets)} targets) x {len(seeds)} noise seeds ==", flush=True)
    s, base, rec = _world(quick)
    m = s.behaviour.noise_samples
    settings = [("before", False, False, None), ("Latin hypercube only", True, False, None),
                ("after", True, True, None)]
    if not quick:
        settings.append((f"after, {2 * m} months", True, True, 2 * m))
    res: dict[str, Any] = {"quick": quick, "targets": targets, "seeds": seeds, "settings": {}}
    ref_cpu = None
    for name, stratified, smooth, samples in settings:
        c0 = time.process_time()
        with stratified_draws(stratified), smoothing(smooth):
            curves = [curve(s, base, rec, targets, seed, samples) for seed in seeds]
        cpu = (time.process_time() - c0) / (len(seeds) * len(targets))
        ref_cpu = ref_cpu or cpu
        out = measures(curves, targets)
        out.update({"samples": samples or m, "stratified": stratified, "smoothed": smooth, "cpu_per_solve_s": cpu,
                    "cpu_ratio": cpu / ref_cpu, "curves": [{k: v.tolist() for k, v in c.items()} for c in curves]})
        res["settings"][name] = out
        info(f"{name} ({samples or m} months, {'Latin hypercube' if stratified else 'independent'} draws, "
             f"{'smoothed' if smooth else 'raw'} expected pay): "
             f"{cpu:.2f} s CPU a solve ({cpu / ref_cpu:.2f}x before)")
        info("  target    " + " ".join(f"{100 * t:6.0f}%" for t in targets))
        info("  uplift k  " + " ".join(f"{u / 1e3:7.1f}" for u in out["uplift_mean"]))
        info("  sd/mean % " + " ".join(f"{100 * x:7.1f}" for x in out["uplift_spread"]))
        info("  net k     " + " ".join(f"{u / 1e3:7.1f}" for u in out["net_mean"]))
        info("  sd/mean % " + " ".join(f"{100 * x:7.1f}" for x in out["net_spread"]))
        info(f"  spread (mean over targets): uplift {100 * out['uplift_spread_mean']:.1f}%, net "
             f"{100 * out['net_spread_mean']:.1f}%; roughness {out['roughness']:.3f}; argmax per seed "
             f"{', '.join(f'{100 * a:.0f}%' for a in out['argmax'])} (range {out['argmax_range_pp']:.0f} points)")
    b, a = res["settings"]["before"], res["settings"]["after"]
    info(f"after / before: uplift spread {a['uplift_spread_mean'] / b['uplift_spread_mean']:.2f}x, net spread "
         f"{a['net_spread_mean'] / b['net_spread_mean']:.2f}x, roughness {a['roughness'] / b['roughness']:.2f}x, "
         f"argmax range {b['argmax_range_pp']:.0f} -> {a['argmax_range_pp']:.0f} points, solve CPU "
         f"{a['cpu_ratio']:.2f}x")
    p = write_result("stability", res)
    info(f"results in {p.relative_to(p.parent.parent.parent)}")
    return res


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    run(quick=ap.parse_args().quick)
