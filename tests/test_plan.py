"""Planning (issue 15): forecast, hourly requirement, roster, the plan command and its refusals."""

from __future__ import annotations

import csv
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from conftest import ERLANG, ROOT, TAOBAO

from model.cli import main
from model.errors import ScenarioError
from model.plan.calendar import Event, day_kind, load_calendar, parse_calendar
from model.plan.forecast import BUCKETS, estimate_uplifts, forecast, label_of, month_dates
from model.plan.requirement import check_day, erlang_requirement
from model.plan.roster import RosterRules, roster
from model.scenario import load_scenario
from model.schema import scenario_from_dict
from model.team import duty_intervals

SAMPLE = ROOT / "samples" / "plan" / "history_90d_hourly.csv"
CAL = ROOT / "samples" / "plan" / "calendar_2026-11.toml"
WEEK = np.array([0.9, 0.95, 0.95, 1.0, 1.05, 1.2, 0.95])


def _series(days: int = 84, start: dt.date = dt.date(2026, 3, 2), events: dict | None = None, cv: float = 0.03,
            seed: int = 1) -> pd.Series:
    """Made-up daily inquiries: 1000 x weekday factor x event uplift x lognormal noise (dates without holidays)."""
    rng = np.random.default_rng(seed)
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    v = [1000 * WEEK[d.weekday()] * (events or {}).get(d, 1.0) * np.exp(rng.normal(0, cv)) for d in dates]
    return pd.Series(v, index=dates)


# ------------------------------------------------------------------------------------------- forecast
def test_forecast_recovers_the_weekly_season_and_a_past_promotion():
    past = [dt.date(2026, 3, 20), dt.date(2026, 4, 17)]  # no public holiday near either
    daily = _series(events={d: 2.5 for d in past})
    evs = [Event("直播", d, d) for d in past] + [Event("直播", dt.date(2026, 6, 10), dt.date(2026, 6, 10))]
    horizon = [dt.date(2026, 5, 25) + dt.timedelta(days=i) for i in range(21)]  # Mon 25 May .. 14 Jun
    f = forecast(daily, horizon, events=evs, hourly=None, trend=None)
    assert f.uplifts["直播"]["uplift"] == pytest.approx(2.5, rel=0.08)
    d = f.days[f.days["label"] == ""]
    by_wd = d.groupby(d["date"].map(lambda x: x.weekday()))["mean"].mean()
    assert np.allclose(by_wd.to_numpy() / by_wd.mean(), WEEK / WEEK.mean(), rtol=0.04)
    assert by_wd.mean() == pytest.approx(1000 * WEEK.mean(), rel=0.04)
    promo = f.days[f.days["label"] == "直播"].iloc[0]
    assert promo["factor"] == pytest.approx(f.uplifts["直播"]["uplift"]) and promo["factor_source"] == "history"
    assert (f.days["lo"] < f.days["mean"]).all() and (f.days["mean"] < f.days["hi"]).all()
    # the staffing quantile sits between the median and the interval's top
    assert (f.days["q"] > f.days["lo"]).all() and (f.days["q"] < f.days["hi"]).all()
    assert f.backtest is not None and f.backtest.wape < 0.06 and f.backtest.naive_wape > 0


def test_a_stated_uplift_wins_and_hours_follow_the_history_profile():
    daily = _series(days=35)
    prof = np.r_[np.zeros(8), np.ones(16)]
    prof[20:23] = 3
    hourly = pd.DataFrame([{"date": d, "hour": h, "chats": v * prof[h] / prof.sum()} for d, v in daily.items()
                           for h in range(24)])
    day = dt.date(2026, 4, 15)
    f = forecast(daily, [day], events=[Event("大促", day, day, uplift=3.0)], hourly=hourly, backtest_days=0)
    assert f.days["factor"].iloc[0] == 3.0 and f.days["factor_source"].iloc[0] == "calendar"
    assert np.allclose(f.days["profile"].iloc[0], prof / prof.sum())
    assert f.hourly("mean").sum() == pytest.approx(f.days["mean"].iloc[0])


def test_public_holidays_and_working_weekends_come_from_chinesecalendar():
    assert day_kind(dt.date(2026, 10, 1)) == "holiday"
    assert day_kind(dt.date(2026, 10, 10)) == "workday_weekend"  # 调休: a Saturday worked
    assert day_kind(dt.date(2026, 10, 14)) == "normal"
    assert label_of(dt.date(2026, 10, 2), []).startswith("holiday:")
    # a calendar event wins over the holiday label
    assert label_of(dt.date(2026, 10, 2), [Event("国庆大促", dt.date(2026, 10, 1), dt.date(2026, 10, 3))]) == "国庆大促"


def test_uplifts_pool_holidays_and_ignore_plain_days():
    daily = _series(days=42)
    labels = [""] * 42
    labels[10] = "x"
    daily.iloc[10] *= 2
    up = estimate_uplifts(daily, labels)
    assert set(up) == {"x"} and up["x"]["uplift"] == pytest.approx(2.0, rel=0.1)


def test_month_dates():
    assert month_dates(dt.date(2026, 10, 31))[0] == dt.date(2026, 11, 1)
    assert len(month_dates(dt.date(2026, 10, 31))) == 30
    assert len(month_dates(dt.date(2026, 1, 5), "2028-02")) == 29
    with pytest.raises(ScenarioError, match="not a month"):
        month_dates(dt.date(2026, 1, 5), "Feb")


def test_short_or_empty_histories_are_refused():
    with pytest.raises(ScenarioError, match="at least 14 days"):
        forecast(_series(days=10), [dt.date(2026, 3, 20)])
    with pytest.raises(ScenarioError, match="quantile"):
        forecast(_series(), [dt.date(2026, 6, 1)], quantile=0.3)


def test_intervals_cover_at_their_level_on_made_up_history():
    # 20 made-up histories (70 days, weekly season, 5% lognormal noise), each forecast 14 days ahead: the 80%
    # interval must hold about 80% of the actual days. The model's own intervals held 72.5% (parameter error is
    # not in them); scaled by the rolling-origin back-tests, 79.6% (docs/plan.md).
    hit = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        dates = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(84)]
        v = np.array([1000 * WEEK[d.weekday()] * np.exp(rng.normal(0, 0.05)) for d in dates])
        f = forecast(pd.Series(v[:70], index=dates[:70]), dates[70:], trend=None, backtest_days=0)
        hit += list((v[70:] >= f.days["lo"]) & (v[70:] <= f.days["hi"]))
        assert f.scale >= 1
    assert abs(np.mean(hit) - 0.8) <= 0.06, np.mean(hit)


def test_intervals_widen_per_horizon_week_and_cover_each_week():
    """12 made-up histories (84 days, weekly season, 5% lognormal noise and a level drifting 1% a day), each
    forecast 28 days ahead: the widening is estimated per horizon week (week 1, 2, 3, 4+) and the 80% interval
    holds about 80% of the days in every week; the factors grow with the horizon (the drift the model's own
    variance underrates compounds). docs/plan.md has the 20-history figures against one factor for all."""
    hit = {lab: [] for *_, lab in BUCKETS}
    ks = []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        dates = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(112)]
        lvl = np.cumsum(rng.normal(0, 0.01, len(dates)))
        v = np.array([1000 * WEEK[d.weekday()] * np.exp(x + rng.normal(0, 0.05)) for d, x in zip(dates, lvl,
                                                                                                 strict=True)])
        f = forecast(pd.Series(v[:84], index=dates[:84]), dates[84:], trend=None, backtest_days=0)
        assert [r["label"] for r in f.scales] == [lab for *_, lab in BUCKETS]
        assert all(r["errors"] >= 14 and r["scale"] >= 1 for r in f.scales)
        assert f.scale == max(r["scale"] for r in f.scales)
        for b, (lo, hi, lab) in enumerate(BUCKETS):
            sel = slice(lo - 1, hi if hi is not None else None)
            assert (f.days["scale"].iloc[sel] == f.scales[b]["scale"]).all()
            hit[lab] += list(((v[84:] >= f.days["lo"]) & (v[84:] <= f.days["hi"])).iloc[sel])
        ks.append([r["scale"] for r in f.scales])
        assert "week 1 x" in f.notes[-1] and "week 4+ x" in f.notes[-1]
    for lab, h in hit.items():
        assert abs(np.mean(h) - 0.8) <= 0.1, (lab, np.mean(h))
    k = np.mean(ks, axis=0)
    assert k[-1] > k[0] + 0.1, k


def test_a_short_history_widens_with_one_factor_and_says_so():
    f = forecast(_series(days=49), [dt.date(2026, 4, 20) + dt.timedelta(days=i) for i in range(30)], trend=None,
                 backtest_days=0)
    assert len(f.scales) == 1 and f.scales[0]["label"] == "all horizons" and f.scales[0]["to_step"] is None
    assert (f.days["scale"] == f.scale).all()
    assert "for every horizon" in f.notes[-1] and "too short for a factor per horizon week" in f.notes[-1]
    assert f.to_json()["scales"] == f.scales


def test_an_event_day_interval_holds_the_uplift_uncertainty():
    past = [dt.date(2026, 3, 20), dt.date(2026, 4, 17)]
    daily = _series(events={past[0]: 2.2, past[1]: 2.8})  # the two occurrences differ
    fut = [dt.date(2026, 5, 27), dt.date(2026, 5, 28), dt.date(2026, 5, 29)]
    evs = [Event("直播", d, d) for d in past] + [Event("直播", fut[0], fut[0]), Event("大促", fut[1], fut[1], 2.0),
                                                Event("新品", fut[2], fut[2], 2.0, uplift_cv=0.0)]
    f = forecast(daily, [dt.date(2026, 5, 25) + dt.timedelta(days=i) for i in range(7)], events=evs, trend=None)
    d = f.days.set_index("date")
    plain = d[d["label"] == ""]["sd_log"].max()
    # estimated from two days that differ by ~24%: far wider than an ordinary day
    assert d.loc[fut[0], "uplift_sd_log"] > 0.1 and d.loc[fut[0], "sd_log"] > 1.5 * plain
    # a stated uplift: +/-15% by default; uplift_cv = 0 takes it as known (the ordinary day's width)
    assert d.loc[fut[1], "uplift_sd_log"] == pytest.approx(np.sqrt(np.log1p(0.15**2)))
    assert d.loc[fut[2], "uplift_sd_log"] == 0 and d.loc[fut[2], "sd_log"] <= plain + 1e-9
    # the mean stays the uplift x the ordinary forecast; the interval holds it
    assert (d["lo"] < d["mean"]).all() and (d["mean"] < d["hi"]).all()


# ------------------------------------------------------------------------------------------- calendar
@pytest.mark.parametrize(("row", "key", "msg"), [
    ('start = "2026-13-01"', "calendar.events.1.start", "not a date"),
    ("start = 2026-11-11\nuplift = -2", "calendar.events.1.uplift", "uplift must be"),
    ('start = 2026-11-11\nuplift = "x3"', "calendar.events.1.uplift", "uplift must be"),
    ("start = 2026-11-11\nend = 2026-11-01", "calendar.events.1.end", "before start"),
    ("start = 2026-11-11\nfactor = 2", "calendar.events.1", "unknown key 'factor'"),
    ('name = "x"', "calendar.events.1.start", "needs a start"),
    ('start = 2026-11-11\nintraday_profile = "night"', "calendar.events.1.intraday_profile", "unknown profile"),
    ("start = 2026-11-11\nuplift = 2\nuplift_cv = -0.1", "calendar.events.1.uplift_cv", "uplift_cv must be"),
    ("start = 2026-11-11\nuplift_cv = 0.1", "calendar.events.1.uplift_cv", "give the uplift too"),
])
def test_bad_calendars_name_the_file_and_the_row(tmp_path, row, key, msg):
    p = tmp_path / "cal.toml"
    p.write_text(f"[[calendar.events]]\nname = \"ok\"\nstart = 2026-11-01\n\n[[calendar.events]]\n{row}\n",
                 encoding="utf-8")
    with pytest.raises(ScenarioError, match=msg) as e:
        load_calendar(p)
    assert e.value.key == key and e.value.file == str(p)


def test_the_sample_calendar_loads():
    evs = load_calendar(CAL)
    assert [e.name for e in evs].count("直播大促") == 3
    d11 = next(e for e in evs if e.name == "双十一")
    assert d11.uplift == 3.0 and d11.intraday_profile == "double11"
    with pytest.raises(ScenarioError, match=r"\[calendar\]"):
        parse_calendar({"events": []}, file="x.toml")


# ------------------------------------------------------------------------------------------- staffing
def test_erlang_and_simulation_agree_on_the_mmc_case_and_the_simulation_meets_the_line():
    # M/M/c+M: one message per chat, one chat per agent; 240 chats an hour x 30 s mean reply = 2 Erlangs.
    # (With a reply time near 3 minutes Erlang's "wait <= 180 s - mean reply" is optimistic: docs/plan.md.)
    s = load_scenario(ERLANG, ["agents.reply_time.mean_s=30", "meta.replications=1"])
    chats = np.r_[np.zeros(8), np.full(16, 240.0)]
    need = erlang_requirement(s, chats[None, :], "three_min_reply_rate", 0.8)[0]
    assert need[:8].sum() == 0 and len(set(need[8:])) == 1
    table, _ = check_day(s, chats, "three_min_reply_rate", 0.8, reps=3, rounds=3)
    busy = table[table["chats"] > 0]
    assert (busy["erlang_a"].astype(int) == need[8:]).all()
    # the simulated line at the Erlang plan holds over the day and the simulated need is within one agent
    ok3 = busy["sim_value_at_erlang_a"].to_numpy(float)
    assert np.nanmean(ok3) >= 0.8
    sim = busy["sim"].dropna().astype(int).to_numpy()
    assert len(sim) >= 12 and np.median(np.abs(sim - need[8:][:len(sim)])) <= 1


def test_more_volume_needs_more_agents_hour_by_hour():
    s = load_scenario(TAOBAO)
    lo = erlang_requirement(s, np.full((1, 24), 50.0), "three_min_reply_rate", 0.8)
    hi = erlang_requirement(s, np.full((1, 24), 150.0), "three_min_reply_rate", 0.8)
    assert (hi >= lo).all() and hi.sum() > lo.sum()


# --------------------------------------------------------------------------------------------- roster
def _need(days: int = 14) -> np.ndarray:
    prof = np.r_[np.zeros(8), [2, 3, 4, 4, 3, 3, 4, 4, 3, 3, 3, 4, 5, 6, 5, 3]]
    return np.vstack([prof * (1.3 if d % 7 in (5, 6) else 1.0) for d in range(days)]).round()


def test_the_roster_covers_the_requirement_with_rest_days():
    need = _need()
    r = roster(need, 0, RosterRules(lengths_h=(8,), break_h=0))
    assert len(r.unmet) == 0 and (r.cover >= need).all()
    assert r.optimal
    for _, sh in r.shifts.iterrows():
        assert len(sh["weekdays"]) == 5  # two rest days a week
        assert sh["weekdays"] in [[w for w in range(7) if w not in (a, (a + 1) % 7)] for a in range(7)]
    # paid hours are at least the need (no cover from nothing) and the roster becomes valid scenario shifts
    assert r.agent_hours >= need.sum()
    sc = scenario_from_dict({"meta": {"days": 14}, "agents": {"count": r.headcount, "shifts": r.scenario_shifts()}})
    assert sum(len(iv) for iv in duty_intervals(sc)) == sum(
        sh["agents"] * 10 for sh in r.scenario_shifts())  # 5 of 7 days, 2 weeks


def test_an_impossible_roster_reports_exactly_the_unmet_hours():
    # 3 agents needed 9:00-17:00 every day; one 8-hour shift at 9:00, no rest days, at most 2 agents in all
    need = np.zeros((7, 24))
    need[:, 9:17] = 3
    r = roster(need, 0, RosterRules(lengths_h=(8,), starts_h=(9,), break_h=0, rest_days=0, max_total=2))
    assert r.headcount == 2
    assert len(r.unmet) == 7 * 8 and (r.unmet["short"] == 1.0).all()
    # with two rest days, one agent leaves two days a week uncovered
    need1 = np.zeros((7, 24))
    need1[:, 9:17] = 1
    r1 = roster(need1, 0, RosterRules(lengths_h=(8,), starts_h=(9,), break_h=0, max_total=1))
    assert r1.headcount == 1 and len(r1.unmet) == 2 * 8 and r1.unmet["day"].nunique() == 2


def test_breaks_leave_an_hour_uncovered_and_day_shifts_cover_promotions():
    need = np.zeros((7, 24))
    need[:, 9:17] = 1
    need[3, 9:17] = 4  # a promotion on day 3
    r = roster(need, 0, RosterRules(lengths_h=(9,), break_offsets_h=(4,), rest_days=0), special_days=[3])
    assert len(r.unmet) == 0 and (r.cover >= need).all()
    day = r.shifts[r.shifts["days"].notna()]
    assert day["agents"].sum() >= 3 and all(d == [3] for d in day["days"])
    assert any("days" in sh for sh in r.scenario_shifts())


@pytest.mark.parametrize(("rules", "key"), [
    (RosterRules(lengths_h=(30,)), "roster.lengths_h"),
    (RosterRules(rest_days=7), "roster.rest_days"),
    (RosterRules(min_agents=5, max_agents=2), "roster.max_agents"),
    (RosterRules(break_h=1, break_offsets_h=(9,)), "roster.break_offsets_h"),
])
def test_impossible_roster_rules_are_refused(rules, key):
    with pytest.raises(ScenarioError) as e:
        roster(_need(), 0, rules)
    assert e.value.key == key


# ------------------------------------------------------------------------------------------ the engine
def test_shifts_by_weekday_and_by_day_in_the_engine():
    sc = scenario_from_dict({"meta": {"days": 14, "start_weekday": 0}, "agents": {"count": 3, "shifts": [
        {"start_h": 9, "end_h": 17, "agents": 1, "weekdays": [0, 1, 2, 3, 4]},
        {"start_h": 9, "end_h": 17, "agents": 1, "weekdays": [5, 6]},
        {"start_h": 20, "end_h": 2, "agents": 1, "days": [3]}]}})
    iv = duty_intervals(sc)
    assert [int(on // 86400) for on, _ in iv[0]] == [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
    assert [int(on // 86400) for on, _ in iv[1]] == [5, 6, 12, 13]
    assert iv[2] == [(3 * 86400 + 20 * 3600, 4 * 86400 + 2 * 3600)]
    # a shorter run of the same file: the day shift falls outside it, and the agent is never on duty
    short = scenario_from_dict({"meta": {"days": 3}, "agents": sc.model_dump(mode="json")["agents"]})
    assert duty_intervals(short)[2] == []
    for bad, msg in (({"weekdays": [7]}, "weekdays must be"), ({"days": [-1]}, "days must be"),
                     ({"weekdays": []}, "weekdays must be"), ({"days": [2, 2]}, "days must be")):
        with pytest.raises(ScenarioError, match=msg):
            scenario_from_dict({"meta": {"days": 14}, "agents": {"count": 1, "shifts": [
                {"start_h": 9, "end_h": 17, "agents": 1, **bad}]}})


def test_an_agent_resting_takes_no_chats():
    from model.simulate import simulate

    sc = load_scenario(ERLANG, ["meta.days=2", "meta.replications=1", "agents.count=2", "customers.patience.dist=none",
                                "traffic.inquiries_per_day=200"])
    sc = scenario_from_dict({**sc.model_dump(mode="json"), "agents": {
        **sc.model_dump(mode="json")["agents"], "count": 2,
        "shifts": [{"start_h": 0, "end_h": 24, "agents": 1}, {"start_h": 0, "end_h": 24, "agents": 1, "days": [1]}]}})
    res = simulate(sc)
    chats = res.chats
    taken = chats.loc[chats["agent"] == 1]
    assert len(taken) > 0 and (taken["arrival_s"] + taken["queue_wait_s"] >= 86_400 - 1e-6).all()
    assert ((chats["agent"] == 0) & (chats["day"] == 0)).sum() > 0


# ------------------------------------------------------------------------------------------- the command
def _small_history(path, days: int = 49) -> None:
    """A small daily export (2 agents, ~120 inquiries a day, weekends busier) that plans and compares fast."""
    rng = np.random.default_rng(3)
    start = dt.date(2026, 3, 2)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["日期", "客服", "接待人数", "询单人数", "最终付款人数", "销售额", "平均响应(秒)"])
        for i in range(days):
            d = start + dt.timedelta(days=i)
            for a in ("小美", "阿杰"):
                inq = int(rng.poisson(60 * WEEK[d.weekday()]))
                paid = int(rng.binomial(inq, 0.4))
                w.writerow([d.isoformat(), a, inq + 5, inq, paid, f"{paid * 100.0:.2f}", "30"])


def test_plan_writes_a_scenario_that_loads_and_compares(tmp_path, capsys):
    hist = tmp_path / "h.csv"
    _small_history(hist)
    cal = tmp_path / "cal.toml"
    cal.write_text('[[calendar.events]]\nname = "上新"\nstart = 2026-05-15\nuplift = 2.0\n', encoding="utf-8")
    out, js = tmp_path / "next.toml", tmp_path / "plan.json"
    rc = main(["plan", str(hist), "--out", str(out), "--calendar", str(cal), "--template", str(TAOBAO),
               "--no-sim", "--json", str(js), "--quantile", "0.9"])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "MAPE" in text and "roster" in text
    s = load_scenario(out)
    assert s.meta.days == 31 and s.meta.start_weekday == dt.date(2026, 5, 1).weekday()
    assert s.agents.count == sum(sh.agents for sh in s.agents.shifts) > 0
    assert any(sh.weekdays for sh in s.agents.shifts)
    promo = {p.day: p for p in s.traffic.promo_days}
    assert promo[14].multiplier == pytest.approx(2.0, rel=0.03) and promo[14].name == "上新"
    assert s.schemes  # the template's schemes, to compare on the planned month
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["month"] == "2026-05" and doc["forecast"]["quantile"] == 0.9
    assert doc["roster"]["unmet"] == [] and doc["requirement"]["peak_agents"] >= 1
    assert main(["compare", str(out), "--reps", "1", "--set", "behaviour.model=none"]) == 0


def test_plan_refuses_bad_input_with_exit_2(tmp_path, capsys):
    hist = tmp_path / "h.csv"
    _small_history(hist, days=20)
    bad = tmp_path / "cal.toml"
    bad.write_text('[[calendar.events]]\nname = "x"\nstart = "2026-04-31"\n', encoding="utf-8")
    out = str(tmp_path / "n.toml")
    assert main(["plan", str(hist), "--out", out, "--calendar", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "cal.toml" in err and "calendar.events.0.start" in err
    for args, key in ((["--rest-days", "7"], "roster.rest_days"), (["--shift-lengths", "8,x"], "--shift-lengths"),
                      (["--min-per-shift", "5", "--max-per-shift", "2"], "roster.max_agents"),
                      (["--quantile", "1.5"], "--quantile"), (["--line", "three_min_reply_rate=80"], "--line"),
                      (["--month", "2026-01", "--no-sim"], "--month"), (["--month", "May", "--no-sim"], "--month")):
        assert main(["plan", str(hist), "--out", out, *args]) == 2, args
        assert key in capsys.readouterr().err
    assert main(["plan", str(tmp_path / "missing.csv"), "--out", out]) == 2


# ----------------------------------------------------------------------------------------- rule packs
def test_rule_packs_judge_a_date_by_the_rules_in_force_then():
    from model.platform_rules import RULES, Rule, rule_for, rules_in_force

    before, after = rules_in_force("kuaishou", dt.date(2021, 8, 31)), rules_in_force("kuaishou", dt.date(2021, 9, 1))
    assert Rule("five_min_reply_rate", 0.80) in before.rules and not any(
        r.kpi == "three_min_reply_rate" for r in before.rules)
    assert Rule("three_min_reply_rate", 0.70) in after.rules and after.since == dt.date(2021, 9, 1)
    assert not any(r.kpi == "five_min_reply_rate" for r in after.rules)
    jd = rules_in_force("jd", dt.date(2024, 2, 10))
    assert set(jd.exempted) == {"three_min_reply_rate", "avg_response_s"} and "Spring Festival" in jd.notes[0]
    assert rules_in_force("jd", dt.date(2024, 2, 18)).exempted == ()
    assert rules_in_force("douyin", dt.date(2026, 11, 11)).notes == ()
    assert "单独考核" in rules_in_force("douyin", dt.date(2026, 11, 11), promotion=True).notes[0]
    assert rules_in_force("other", dt.date(2026, 1, 1)).rules == ()
    # today's API, derived from the packs, is what the checks, the deck and the app always drew
    assert RULES["kuaishou"] == (Rule("three_min_reply_rate", 0.70), Rule("good_rating_rate", 0.80),
                                 Rule("bad_attitude_share", 0.06, "max"))
    assert RULES["douyin"] == (Rule("three_min_reply_rate", 0.50),)
    assert rule_for("taobao", "three_min_reply_rate") == Rule("three_min_reply_rate", 0.40)
    assert rule_for("tmall", "three_min_reply_rate").value == 0.40 and rule_for("jd", "three_min_reply_rate") is None


@pytest.mark.parametrize(("data", "key"), [
    ({"rules": []}, "platform"),
    ({"platform": "x", "rules": [{"kpi": "a"}]}, "rules.0"),
    ({"platform": "x", "rules": [{"kpi": "a", "value": 1, "side": "up"}]}, "rules.0.side"),
    ({"platform": "x", "rules": [{"kpi": "a", "value": 1, "since": "2021"}]}, "rules.0.since"),
    ({"platform": "x", "exemptions": [{"start": dt.date(2024, 2, 4), "end": dt.date(2024, 2, 1)}]}, "exemptions.0"),
])
def test_bad_rule_packs_name_the_key(data, key):
    from model.platform_rules import parse_pack

    with pytest.raises(ScenarioError) as e:
        parse_pack(data, file="x.toml")
    assert e.value.key == key and e.value.file == "x.toml"


def test_plan_keeps_fitted_behaviour_and_the_deck_shows_next_month(tmp_path, capsys):
    import tomllib

    import tomli_w
    from pptx import Presentation

    hist = tmp_path / "h.csv"
    _small_history(hist)
    tpl = tomllib.loads(TAOBAO.read_text(encoding="utf-8"))
    tpl.setdefault("behaviour", {})["estimated"] = {
        "months": ["2026-02", "2026-03"], "intervals": {"selling_cost_yuan": [300.0, 900.0]},
        "not_identified": ["speed_cost_yuan"]}
    tp = tmp_path / "fitted.toml"
    tp.write_text(tomli_w.dumps(tpl), encoding="utf-8")
    out = tmp_path / "next.toml"
    assert main(["plan", str(hist), "--out", str(out), "--template", str(tp), "--no-sim"]) == 0, \
        capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "# 行为 Behaviour: fitted behaviour from months 2026-02, 2026-03" in text
    s = load_scenario(out)
    est = s.behaviour.estimated
    assert est is not None and est.months == ["2026-02", "2026-03"] and est.not_identified == ["speed_cost_yuan"]
    assert est.intervals["selling_cost_yuan"] == (300.0, 900.0)
    # the plan's facts travel in the scenario
    p = s.meta.plan
    assert p is not None and p.month == "2026-05" and p.agents == s.agents.count
    assert p.behaviour_from == ["2026-02", "2026-03"] and p.line_kpi == "three_min_reply_rate"
    assert p.inquiries_lo < p.inquiries < p.inquiries_hi and p.paid_agent_hours >= p.need_agent_hours > 0
    # report --pptx on it has the next-month slide, in words
    deck = tmp_path / "deck.pptx"
    assert main(["report", str(out), "--pptx", str(deck), "--reps", "1", "--lang", "en", "--set", "meta.days=3",
                 "--set", "behaviour.model=none"]) == 0
    slides = [sl for sl in Presentation(str(deck)).slides
              if any(sh.has_text_frame and sh.text_frame.text.startswith("Next month (2026-05)") for sh in sl.shapes)]
    assert len(slides) == 1
    body = "\n".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert f"Roster: {p.agents} agents, {p.paid_agent_hours:,.0f} paid agent-hours" in body
    assert "fitted behaviour from months 2026-02, 2026-03" in body and "bonus cost about" in body
    assert "3-minute reply rate ≥" in body and "three_min_reply_rate" not in body
    # meta.days was set on the command line: the slide says what the plan was
    assert f"Inquiries forecast: {p.inquiries:,.0f}" in body


# ------------------------------------------------------------------------------------------ staggered breaks
def _one_shift(agents: int, stagger: float, days: int = 2):
    return scenario_from_dict({"meta": {"days": days, "replications": 1},
                               "traffic": {"inquiries_per_day": 600, "open_hours": [9, 18]},
                               "agents": {"count": agents, "shifts": [
                                   {"start_h": 9, "end_h": 18, "agents": agents, "break_start_h": 13, "break_h": 1,
                                    "break_stagger_h": stagger}]}})


def _on_duty_per_quarter(s) -> np.ndarray:
    """Agents on duty in each quarter hour of day 0, from the engine's duty intervals."""
    t = (np.arange(96) + 0.5) * 900.0
    return np.array([sum(any(on <= x < off for on, off in iv) for iv in duty_intervals(s)) for x in t])


def test_staggered_breaks_never_leave_a_one_shift_day_without_an_agent():
    """One shift of 4 agents, breaks in 3 turns from 13:00 (break_stagger_h = 2): agents 0 and 3 at 13, 1 at 14,
    2 at 15; the shift never has everyone on break, and the unstaffed-hours warning agrees. Without the stagger
    (the goldens' case) everyone breaks at 13 and the hour is unstaffed."""
    from model.checks import run_warnings, unstaffed_hours
    from model.tuning.staffing import on_duty

    together, turns = _one_shift(4, 0.0), _one_shift(4, 2.0)
    assert together.agents.shifts[0].break_turns() == 1 and turns.agents.shifts[0].break_turns() == 3
    q0, q1 = _on_duty_per_quarter(together), _on_duty_per_quarter(turns)
    hours = slice(9 * 4, 18 * 4)
    assert q0[13 * 4:14 * 4].max() == 0 and q0[hours].min() == 0
    assert q1[hours].min() == 2  # never all on break: at most 2 of 4 at once
    assert list(q1[13 * 4:16 * 4:4]) == [2, 3, 3]
    assert q1.sum() == q0.sum()  # the same duty hours, only spread
    assert unstaffed_hours(together) == [(13.0, 14.0)]
    assert unstaffed_hours(turns) == []
    assert not any(w["code"] == "unstaffed_hours" for w in run_warnings(turns, {}))
    assert list(on_duty(turns)[12:17]) == [4, 2, 3, 3, 4]
    # one agent cannot cover its own break, staggered or not
    assert unstaffed_hours(_one_shift(1, 2.0)) == [(13.0, 14.0)]


def test_staggered_breaks_in_the_engine():
    """No chat starts on an agent in its own turn of the break, and chats keep starting during 13-16."""
    from model.chatcentre import run
    from model.draws import make_draws
    from model.effects import Effects
    from model.simulate import engine_input
    from model.team import agent_table

    s = _one_shift(3, 2.0)
    rec = run(engine_input(s, make_draws(s, 0), agent_table(s), Effects()))
    taken = np.isfinite(rec.chat_assign_s) & (rec.chat_agent >= 0)
    t, a = rec.chat_assign_s[taken] % 86400, rec.chat_agent[taken]
    for j in range(3):
        b0 = (13 + j) * 3600.0
        assert not ((a == j) & (t > b0) & (t < b0 + 3600)).any(), j
    assert ((t > 13 * 3600) & (t < 14 * 3600)).sum() > 5  # someone took chats in every turn
    assert ((t > 15 * 3600) & (t < 16 * 3600)).sum() > 5


@pytest.mark.parametrize(("shift", "match"), [
    ({"start_h": 9, "end_h": 18, "agents": 2, "break_stagger_h": 1}, "needs a break"),
    ({"start_h": 9, "end_h": 18, "agents": 2, "break_start_h": 15, "break_h": 1, "break_stagger_h": 2},
     "last turn"),
])
def test_a_stagger_that_does_not_fit_is_refused(shift, match):
    with pytest.raises(ScenarioError, match=match):
        scenario_from_dict({"agents": {"count": 2, "shifts": [shift]}})


def test_the_roster_staggers_breaks_and_the_engine_runs_its_cover():
    """3 agents needed 9-18 every day from 9:00 shifts with a break 4 hours in: together, the break hour is
    short (the shift's whole staff leaves at 13); in 3 turns (break_stagger_h = 2) the program buys 5 agents
    (2 + 2 + 1 on break at 13, 14, 15) and covers every hour, and the written shifts give the engine exactly the
    roster's cover."""
    need = np.zeros((7, 24))
    need[:, 9:18] = 3
    base = dict(lengths_h=(10,), starts_h=(9,), break_offsets_h=(4,), rest_days=0)
    r0 = roster(need, 0, RosterRules(**base))
    assert set(r0.unmet["hour"]) == {13}
    r = roster(need, 0, RosterRules(**base, break_stagger_h=2))
    assert len(r.unmet) == 0 and (r.cover >= need).all()
    assert r.headcount == 5 and list(r.cover[0, 12:17]) == [5, 3, 3, 4, 5]
    sh = r.scenario_shifts()
    assert sh[0]["break_stagger_h"] == 2.0 and sh[0]["break_start_h"] == 13.0
    sc = scenario_from_dict({"meta": {"days": 7}, "agents": {"count": r.headcount, "shifts": sh}})
    iv = duty_intervals(sc)
    cover = np.array([[sum(any(on <= d * 86400 + (h + 0.5) * 3600 < off for on, off in a) for a in iv)
                       for h in range(24)] for d in range(7)])
    assert np.array_equal(cover, r.cover)
    assert r.break_stagger_h == 2 and "break_stagger_h" in r.to_json()["shifts"][0]


def test_a_stagger_the_shortest_shift_cannot_hold_is_refused():
    with pytest.raises(ScenarioError) as e:
        roster(_need(), 0, RosterRules(lengths_h=(8,), break_offsets_h=(4,), break_stagger_h=3))
    assert e.value.key == "roster.break_stagger_h"
