"""Bad scheme input through the real CLI: every case of issue 3's list is refused with exit code 2 and one
message that names the file, the key path and what is allowed, never a traceback and never a result."""

from __future__ import annotations

import pytest
from conftest import ROOT, SCENARIOS, run_cli

from model.cli import main

SEED000 = "scenarios/seed000_threshold_48.toml"
SEED002 = "scenarios/seed002_apparel_presale_scorecard.toml"
SEED003 = "scenarios/seed003_gated_tiered_commission.toml"

#: seed 000's scenario without its schemes; the cases below append their own
HEAD = (SCENARIOS / "seed000_threshold_48.toml").read_text("utf-8").split("[[schemes]]")[0]
HEAD = HEAD.replace('baseline_scheme = "仅底薪"', "")
FIRST = '[[schemes]]\nname = "仅底薪"\n\n'

THRESHOLD_48 = FIRST + """[[schemes]]
name = "达标奖"
[[schemes.components]]
type = "threshold"
kpi = "inquiry_conversion"
target = 48
amount_yuan = 1000
"""

UNORDERED_TIERS = FIRST + """[[schemes]]
name = "阶梯提成"
[[schemes.components]]
type = "tiered_commission"
task_yuan = 120000
tiers = [
  { min_attainment = 0.0, rate_permille = 5 },
  { min_attainment = 1.0, rate_permille = 9 },
  { min_attainment = 0.6, rate_permille = 8 },
]
"""

POOL_SHARE = FIRST + """[[schemes]]
name = "利润池"
[[schemes.components]]
type = "profit_pool"
share = 10
"""

# (id, file or TOML text, --set overrides, key path, what the message must say is allowed)
CASES = [
    ("weights_not_100pct", SEED002, ["schemes.1.components.0.items.0.weight=0.30"],
     "schemes.1.components.0.items", ["sum to 0.95 (95%)", "must sum to 1 (100%)"]),
    ("unknown_kpi", SEED000, ["schemes.1.components.0.kpi=conversion_rate"],
     "schemes.1.components.0.kpi", ["unknown KPI code 'conversion_rate'", "Allowed codes", "inquiry_conversion"]),
    ("threshold_48_in_file", THRESHOLD_48, [],
     "schemes.1.components.0.target", ["outside the range of inquiry_conversion", "0-1", "did you mean 0.48?"]),
    ("threshold_48_by_set", SEED000, ["schemes.2.components.0.target=48"],
     "schemes.2.components.0.target", ["0-1", "did you mean 0.48?"]),
    ("overlapping_tiers", SEED003, ["schemes.1.components.1.components.0.tiers.1.min_attainment=0.8"],
     "schemes.1.components.1.components.0.tiers", ["overlaps", "contiguous"]),
    ("unordered_tiers", UNORDERED_TIERS, [],
     "schemes.1.components.0.tiers", ["tiers.2.min_attainment 0.6 must be above tiers.1.min_attainment 1"]),
    ("gate_on_undefined_kpi", SEED003, ["schemes.1.components.1.conditions.0.kpi=dsr_score"],
     "schemes.1.components.1.conditions.0.kpi", ["unknown KPI code 'dsr_score'", "Did you mean 'dsr'?"]),
    ("pool_share_above_1", POOL_SHARE, [],
     "schemes.1.components.0.share", ["above 1", "share 0-1", "did you mean 0.1?"]),
    ("unknown_baseline", SEED000, ["economics.baseline_scheme=基线"],
     "economics.baseline_scheme", ["'基线' is not defined", "defined schemes: 仅底薪, 达标奖 48%"]),
    ("duplicate_names", SEED000, ['schemes.2.name="达标奖 48%"'],
     "schemes.2.name", ["already used by schemes.1.name", "must be unique"]),
]

class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def refuse(source, overrides, tmp_toml, capsys, monkeypatch):
    """Run the CLI's ``compare`` in this process (the same ``main`` as ``python -m model``) on a file or on TOML
    text written to a temporary file; return (file shown, exit code and streams)."""
    monkeypatch.chdir(ROOT)
    if source.endswith(".toml"):
        path = source
    else:
        path = str(tmp_toml(HEAD + source, "bad_scheme.toml"))
    args = ["compare", path, "--reps", "1", "--set", "meta.days=1"]
    for o in overrides:
        args += ["--set", o]
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr()
    return path, Result(code, out.out, out.err)


@pytest.mark.parametrize(("source", "overrides", "key", "allowed"),
                         [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_scheme_input_exits_2_with_one_clear_message(source, overrides, key, allowed, tmp_toml, capsys,
                                                         monkeypatch):
    path, r = refuse(source, overrides, tmp_toml, capsys, monkeypatch)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert r.stdout == ""  # nothing was simulated or printed as a result
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr  # one message
    msg = lines[0]
    assert msg.startswith("错误 error: ")
    assert path in msg
    assert key.rsplit(".", 1)[-1] in msg
    for text in allowed:
        assert text in msg, (text, msg)


@pytest.mark.parametrize(("source", "overrides", "key"), [
    pytest.param(*c[1:4], id=c[0]) for c in CASES])
def test_message_names_the_exact_key_path(source, overrides, key, tmp_toml, capsys, monkeypatch):
    _, r = refuse(source, overrides, tmp_toml, capsys, monkeypatch)
    assert r.returncode == 2
    assert f"key '{key}'" in r.stderr, r.stderr


@pytest.mark.parametrize("case", ["threshold_48_in_file", "duplicate_names"])
def test_real_entry_point_exits_2_without_traceback(case, tmp_toml):
    """The same refusals through ``python -m model`` in a subprocess (exit code and streams of the real process)."""
    _, source, overrides, key, allowed = next(c for c in CASES if c[0] == case)
    path = source if source.endswith(".toml") else str(tmp_toml(HEAD + source, "bad_scheme.toml"))
    args = ["compare", path, "--reps", "1"]
    for o in overrides:
        args += ["--set", o]
    r = run_cli(*args)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert path in r.stderr and all(text in r.stderr for text in allowed)
