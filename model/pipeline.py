"""The one path from a scenario to the comparison's answer, the same for the app, the CLI and sweeps.

::

    scenario --effects_for(scheme)--> Effects --runner / cache (run_key)--> SimResult
             --price_result--> pay --scheme_document--> economics against the baseline scheme

* :func:`effects_for` is the single place where a scheme becomes effects (today the manager's
  ``assumed_effects``; the behaviour model plugs in there).
* :func:`run_key` names a run: the scenario without its schemes and economics (they never change a
  simulation) plus the effects' engine and outcome keys. Runs with equal keys are the same run.
* :func:`compare_schemes` prices every scheme on common random numbers. A run whose effects leave the engine
  unchanged re-uses the base run's engine records (only outcomes are recomputed); one that changes the engine
  re-runs it with the same seed. The caller chooses how runs are made and kept: ``runner`` (default
  :func:`model.simulate.simulate`), ``executor`` for the replications (a process pool, or a Dask client's
  ``get_executor()``) and ``cache`` (any MutableMapping keyed by :func:`run_key`; the app passes one that
  lives in ``st.cache_resource``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping
from concurrent.futures import Executor
from typing import Any

from model.behaviour.api import respond
from model.effects import Effects, assumed_effects, compose
from model.priced import Priced, price_result, scheme_document
from model.result import SimResult
from model.retime import retime, shares_engine
from model.schema import Scenario
from model.schemes.spec import Scheme
from model.simulate import simulate

#: ``runner(scenario, effects) -> SimResult``: how a run is made (simulate, or a cached wrapper around it).
Runner = Callable[[Scenario, Effects], SimResult]


def run_key(scenario: Scenario, effects: Effects) -> str:
    """A stable hash of what a run depends on: the scenario without ``schemes`` and ``economics``, and the
    effects' :meth:`~model.effects.Effects.engine_key` and :meth:`~model.effects.Effects.outcome_key`."""
    data = scenario.model_dump(mode="json", exclude={"schemes", "economics"})
    if effects.engine_key() == Effects().engine_key():  # how other speeds are run does not change this run
        data["meta"].pop("share_engine", None)
    payload = json.dumps({"scenario": data, "engine": effects.engine_key(), "outcome": effects.outcome_key()},
                         sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def effects_for(scheme: Scheme | None, scenario: Scenario, base: SimResult | None = None
                ) -> tuple[Effects, dict[str, Any] | None]:
    """THE single place where a scheme becomes effects on the engine and the outcomes.

    Args:
        scheme: the scheme (None = base pay only).
        scenario: the scenario it runs in.
        base: the scenario's run without effects, if already made (the behaviour model reads KPIs from it).

    Returns:
        ``(effects, report)``: the effects to simulate with, and the behaviour model's report (None while
        ``behaviour.model = "none"``).
    """
    effects = assumed_effects(scheme)
    if not scenario.behaviour.active or scheme is None:
        return effects, None
    # the agents' response (model/behaviour/), composed with the manager's assumption if there is one.
    # Nothing else turns a scheme into effects: app, CLI and sweeps all come through here.
    if base is None:
        raise ValueError("the behaviour model needs the scenario's run without effects (base)")
    response, report = respond(scenario, scheme, base)
    return compose(effects, response), report


class RunCache(MutableMapping[str, SimResult]):
    """A small thread-safe LRU mapping of runs by :func:`run_key` (for a long-lived cache such as the app's)."""

    def __init__(self, maxsize: int = 24) -> None:
        self.maxsize = maxsize
        self._d: OrderedDict[str, SimResult] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> SimResult:
        with self._lock:
            v = self._d[key]
            self._d.move_to_end(key)
            return v

    def __setitem__(self, key: str, value: SimResult) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.maxsize:
                self._d.popitem(last=False)

    def __delitem__(self, key: str) -> None:
        with self._lock:
            del self._d[key]

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._d))

    def __len__(self) -> int:
        return len(self._d)


def run_for(scenario: Scenario, effects: Effects, *, base: SimResult | None = None, runner: Runner | None = None,
            cache: MutableMapping[str, SimResult] | None = None, executor: Executor | None = None) -> SimResult:
    """The run of ``scenario`` with ``effects`` on the base run's random numbers (common random numbers).

    Looked up in ``cache`` by :func:`run_key` first. Effects that leave the engine as in ``base`` re-use its
    engine records (outcomes only, no SimPy); others are simulated by ``runner``, or, with
    ``meta.share_engine`` (:func:`model.retime.shares_engine`), re-timed from ``base`` (:func:`model.retime.retime`)
    when its queue allows.

    Args:
        scenario: the scenario (its schemes and economics do not matter).
        effects: the effects to run with.
        base: a run of ``scenario`` (normally without effects); made by ``runner`` when needed and missing.
        runner: ``(scenario, effects) -> SimResult``; default :func:`model.simulate.simulate` with ``executor``.
        cache: where runs are kept by :func:`run_key` (default: not kept).
        executor: runs the replications of the default runner (None = in this process).
    """
    cache = {} if cache is None else cache
    run = runner or (lambda sc, eff: simulate(sc, effects=eff, executor=executor))
    key = run_key(scenario, effects)
    hit = cache.get(key)
    if hit is not None:
        return hit
    plain = Effects()
    if base is None and effects.engine_key() == plain.engine_key() and effects.outcome_key() != plain.outcome_key():
        base = run_for(scenario, plain, runner=run, cache=cache)
    if base is not None and effects.engine_key() == base.effects.engine_key():
        res = base if effects.outcome_key() == base.effects.outcome_key() else base.with_effects(effects)
    else:  # other reply speeds: re-time the base run's chats when the queue does not matter, else simulate
        res = retime(base, effects) if base is not None and shares_engine(scenario) else None
        if res is None:
            res = run(scenario, effects)
    cache[key] = res
    return res


def compare_schemes(
    scenario: Scenario,
    *,
    base: SimResult | None = None,
    runner: Runner | None = None,
    cache: MutableMapping[str, SimResult] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Every scheme of the scenario against the baseline scheme, on the same random numbers.

    Args:
        scenario: the scenario with its schemes and economics.
        base: the scenario's run without effects, if already made (e.g. for the run document).
        runner: ``(scenario, effects) -> SimResult``; default :func:`model.simulate.simulate` with ``executor``.
        cache: runs by :func:`run_key` (any MutableMapping); default: kept for this call only.
        executor: a ``concurrent.futures.Executor`` for the replications of the default runner.
        progress: called as ``progress(done, total)`` after each scheme.

    Returns:
        ``{"baseline_scheme": name or None, "schemes": {name: block}}`` (block: see
        :func:`model.priced.scheme_document`).
    """
    s = scenario
    cache = {} if cache is None else cache
    if base is not None:
        cache.setdefault(run_key(s, base.effects), base)
    behaviour = s.behaviour.active
    if behaviour and base is None:  # agents respond to a scheme from today's record: the run without effects
        base = run_for(s, Effects(), runner=runner, cache=cache, executor=executor)
    reports: dict[str | None, dict[str, Any] | None] = {}

    def run_of(sc: Scheme | None) -> SimResult:
        eff, report = effects_for(sc, s, base)
        reports[sc.name if sc is not None else None] = report
        return run_for(s, eff, base=base, runner=runner, cache=cache, executor=executor)

    def view(sc: Scheme, eff: Effects, baseline: SimResult, baseline_priced: Priced | None) -> dict[str, Any]:
        r = run_for(s, eff, base=base, runner=runner, cache=cache, executor=executor)
        block = scheme_document(price_result(sc, r, baseline, scenario=s), baseline_priced, baseline, scenario=s)
        return {k: block[k] for k in ("team", "economics", "reach_share")}

    by_name = {sc.name: sc for sc in s.schemes}
    base_name = s.economics.baseline_scheme
    baseline_scheme = by_name.get(base_name) if base_name else None
    baseline_res = run_of(baseline_scheme)
    base_priced = price_result(baseline_scheme, baseline_res, baseline_res, scenario=s) if baseline_scheme else None
    if behaviour:  # the pure-mechanics world: nobody responds, the same random numbers
        plain = run_for(s, Effects(), base=base, runner=runner, cache=cache, executor=executor)
        plain_base = price_result(baseline_scheme, plain, plain, scenario=s) if baseline_scheme else None
    out: dict[str, Any] = {}
    for i, sc in enumerate(s.schemes):
        r = run_of(sc)
        p = base_priced if (base_priced is not None and sc.name == base_name) \
            else price_result(sc, r, baseline_res, scenario=s)
        block = scheme_document(p, base_priced, baseline_res, scenario=s)
        report = reports.get(sc.name)
        assumed = assumed_effects(sc)
        block["basis"] = "forecast" if report is not None else ("assumption" if not assumed.is_identity()
                                                                   else "mechanics")
        if r.retimed:  # said only when it happened (meta.share_engine): the engine's records were re-timed
            block["run"] = "re-timed"
        if behaviour:
            block["behaviour"] = report
            block["views"] = {"mechanics": view(sc, Effects(), plain, plain_base)}
            if not assumed.is_identity():
                block["views"]["assumption"] = view(sc, assumed, plain, plain_base)
        out[sc.name] = block
        if progress:
            progress(i + 1, len(s.schemes))
    return {"baseline_scheme": base_name, "behaviour_model": s.behaviour.model, "schemes": out}
