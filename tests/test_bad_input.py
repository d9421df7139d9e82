"""The bad-input battery (issue 2): every case exits with code 2, prints one message naming the file and the
key, and never a traceback. Most cases run in-process through ``model.cli.main`` (fast); a few go through a
real ``python -m model`` subprocess to check the process exit code and streams end to end."""

from __future__ import annotations

import time

import pytest
from conftest import ERLANG, TAOBAO, run_cli

from model.cli import main
from model.errors import ScenarioError
from model.scenario import load_scenario

GOOD = ERLANG.read_text(encoding="utf-8")


def _bad(capsys, argv: list[str], *needles: str) -> str:
    code = main(argv + ["--quiet"] if argv and argv[0] == "run" else argv)
    err = capsys.readouterr().err
    assert code == 2, f"exit {code} for {argv}: {err}"
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.strip().count("\n") <= 3, f"expected one short message, got:\n{err}"
    for n in needles:
        assert n in err, f"{n!r} not in message: {err}"
    return err


# ---------------------------------------------------------------------------------------------- files
def test_missing_file(capsys, tmp_path):
    p = tmp_path / "nope.toml"
    _bad(capsys, ["run", str(p)], str(p), "not found")


def test_folder_instead_of_file(capsys, tmp_path):
    _bad(capsys, ["run", str(tmp_path)], str(tmp_path), "folder")


def test_toml_syntax_error(capsys, tmp_toml):
    p = tmp_toml("[meta]\ndays = = 3\n")
    _bad(capsys, ["run", str(p)], str(p), "TOML syntax error", "line 2")


def test_not_utf8(capsys, tmp_toml):
    p = tmp_toml('[meta]\nname = "\xb5\xea\xc6\xcc"\n'.encode("latin-1"))  # GBK-ish bytes
    _bad(capsys, ["run", str(p)], str(p), "UTF-8")


def test_binary_file(capsys, tmp_toml):
    p = tmp_toml(bytes(range(256)) * 4, name="image.toml")
    _bad(capsys, ["run", str(p)], str(p))


# ------------------------------------------------------------------------------------- values in a file
FILE_CASES = [
    ("wrong type", "[agents]\ncount = \"ten\"\n", "agents.count"),
    ("negative count", "[agents]\ncount = -3\n", "agents.count"),
    ("zero count", "[agents]\ncount = 0\n", "agents.count"),
    ("negative traffic", "[traffic]\ninquiries_per_day = -5\n", "traffic.inquiries_per_day"),
    ("probability > 1", "[outcomes]\nbase_inquiry_conversion = 1.4\n", "outcomes.base_inquiry_conversion"),
    ("probability < 0", "[customers.patience]\nsilent_share = -0.1\n", "customers.patience.silent_share"),
    ("profile wrong length", "[traffic]\nintraday_profile = [1, 2, 3]\n", "traffic.intraday_profile"),
    ("unknown profile", "[traffic]\nintraday_profile = \"midnight\"\n", "traffic.intraday_profile"),
    ("unknown reply distribution", "[agents.reply_time]\ndist = \"weibull\"\nmean_s = 10\n",
     "agents.reply_time.dist"),
    ("unknown patience distribution", "[customers.patience]\ndist = \"pareto\"\n", "customers.patience.dist"),
    ("concurrency 0", "[agents]\nmax_concurrent_chats = 0\n", "agents.max_concurrent_chats"),
    ("days 0", "[meta]\ndays = 0\n", "meta.days"),
    ("unknown key", "[agents]\ncount = 2\nspeed = 3\n", "agents.speed"),
    ("unknown table", "[agentz]\ncount = 2\n", "agentz"),
    ("weekday factors wrong length", "[traffic]\nweekday_factors = [1, 1]\n", "traffic.weekday_factors"),
    ("infinite value", "[traffic]\ninquiries_per_day = inf\n", "traffic.inquiries_per_day"),
    ("nan value", "[agents.reply_time]\nmean_s = nan\n", "agents.reply_time.mean_s"),
    ("replications 0", "[meta]\nreplications = 0\n", "meta.replications"),
    ("behaviour model unknown", "[behaviour]\nmodel = \"greedy\"\n", "behaviour.model"),
]


@pytest.mark.parametrize(("label", "text", "key"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_values_in_a_file(capsys, tmp_toml, label, text, key):
    p = tmp_toml(text)
    _bad(capsys, ["run", str(p)], str(p), key)
    # the loader raises the same readable error in-process
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    assert key in str(e.value)


# ---------------------------------------------------------------------------------------------- --set
SET_CASES = [
    ("no equals sign", "agents.count", "dotted.key=value"),
    ("empty key", "=3", "empty key"),
    ("empty key part", "agents..count=3", "empty key"),
    ("unknown key", "agents.cuont=3", "agents.cuont"),
    ("unknown table", "agentz.count=3", "agentz"),
    ("index out of range", "agents.shifts.5.agents=3", "agents.shifts.5.agents"),
    ("index into a number", "agents.count.0=3", "agents.count.0"),
    ("wrong type", "agents.count=ten", "agents.count"),
    ("negative", "agents.count=-2", "agents.count"),
    ("probability", "outcomes.payment_rate=1.5", "outcomes.payment_rate"),
    ("profile length", "traffic.intraday_profile=[1,2]", "traffic.intraday_profile"),
    ("concurrency 0", "agents.max_concurrent_chats=0", "agents.max_concurrent_chats"),
    ("days 0", "meta.days=0", "meta.days"),
]


@pytest.mark.parametrize(("label", "item", "needle"), SET_CASES, ids=[c[0] for c in SET_CASES])
def test_bad_set(capsys, label, item, needle):
    _bad(capsys, ["run", str(TAOBAO), "--set", item], str(TAOBAO), needle)


def test_set_index_into_an_array_absent_from_the_file(capsys):
    # erlang.toml has no shifts: addressing one by position is explained, not a KeyError
    _bad(capsys, ["run", str(ERLANG), "--set", "agents.shifts.0.agents=3"], "agents.shifts", "not in the file")


# ------------------------------------------------------------------------------------ arguments & sizes
@pytest.mark.parametrize("reps", ["-1", "0", "10000000"])
def test_bad_reps(capsys, reps):
    _bad(capsys, ["run", str(ERLANG), "--reps", reps], "reps" if reps != "10000000" else "meta.replications")


def test_negative_seed(capsys):
    _bad(capsys, ["run", str(ERLANG), "--seed", "-5", "--set", "meta.days=1"], "seed")


def test_non_integer_reps(capsys):
    _bad(capsys, ["run", str(ERLANG), "--reps", "two"], "--reps")


ABSURD = [
    ["--set", "traffic.inquiries_per_day=1e12"],
    ["--set", "agents.count=100000000"],
    ["--set", "meta.days=100000"],
    ["--set", "traffic.inquiries_per_day=150000", "--set", "customers.messages_per_chat=50"],
    ["--set", "meta.replications=1000", "--set", "meta.days=366"],
    ["--reps", "1000", "--set", "meta.days=366"],
    ["--set", "customers.messages_per_chat=1e9"],
]


@pytest.mark.parametrize("args", ABSURD, ids=[" ".join(a) for a in ABSURD])
def test_absurd_sizes_refused_fast(capsys, args):
    t = time.perf_counter()
    err = _bad(capsys, ["run", str(ERLANG), *args], str(ERLANG) if args[0] == "--set" else "meta.replications")
    assert time.perf_counter() - t < 5.0, "refused only after simulating"
    assert any(k in err for k in ("meta.", "traffic", "agents.", "customers.")), err


# ------------------------------------------------------------------------------- real process end to end
@pytest.mark.parametrize("args", [
    ["run", "does/not/exist.toml"],
    ["run", str(ERLANG), "--set", "agents.count"],
    ["run", str(ERLANG), "--set", "nope.key=1"],
    ["run", str(ERLANG), "--reps", "-3"],
    ["run", str(ERLANG), "--set", "traffic.inquiries_per_day=1e12"],
])
def test_process_exit_code_2_without_traceback(args):
    p = run_cli(*args)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr and p.stderr.strip()
    assert p.stdout == ""


def test_not_utf8_through_the_process(tmp_toml):
    p = tmp_toml(b"[meta]\nname = \"\xc4\xe3\xba\xc3\"\n", name="gbk.toml")  # 你好 in GBK
    r = run_cli("run", str(p))
    assert r.returncode == 2 and "UTF-8" in r.stderr and "gbk.toml" in r.stderr and "Traceback" not in r.stderr


def test_good_file_still_runs(capsys, tmp_toml):
    # the battery's base file is valid: errors above come from the single bad value
    p = tmp_toml(GOOD)
    assert main(["run", str(p), "--set", "meta.days=1", "--reps", "1", "--quiet"]) == 0
