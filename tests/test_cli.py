"""The command line: run / schema contract, exit codes and the summary table."""

from __future__ import annotations

import json

import pytest
from conftest import ERLANG, TAOBAO, run_cli

from model.cli import main
from model.kpicodes import CONTRACT_CODES


def test_run_writes_the_contract_json(tmp_path):
    out = tmp_path / "sub" / "run.json"
    p = run_cli("run", str(TAOBAO), "--set", "meta.days=1", "--reps", "2", "--seed", "11", "--json", str(out))
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    for code in CONTRACT_CODES:
        assert set(doc["team"][code]) >= {"mean", "lo", "hi"}, code
    assert doc["team"]["inquiries"]["lo"] is not None  # two replications give an interval
    assert len(doc["agents"]) == 10 and all("agent" in a for a in doc["agents"])
    c = doc["counts"]
    assert all(isinstance(c[k], int) for k in ("arrived", "answered", "abandoned", "in_progress_at_end", "messages"))
    assert c["arrived"] == c["answered"] + c["abandoned"] + c["in_progress_at_end"]
    assert doc["scenario"]["seed"] == 11 and doc["scenario"]["replications"] == 2
    # the readable summary names KPIs in Chinese and English
    assert "询单转化率" in p.stdout and "Inquiry conversion" in p.stdout


def test_seed_changes_results_and_same_seed_repeats(tmp_path):
    docs = []
    for seed, name in ((1, "a"), (1, "b"), (2, "c")):
        out = tmp_path / f"{name}.json"
        assert main(["run", str(ERLANG), "--set", "meta.days=1", "--reps", "1", "--seed", str(seed),
                     "--json", str(out), "--quiet"]) == 0
        d = json.loads(out.read_text(encoding="utf-8"))
        d["scenario"].pop("file", None)
        docs.append(d)
    assert docs[0] == docs[1]
    assert docs[0]["counts"] != docs[2]["counts"]


def test_set_overrides_reach_the_model(tmp_path):
    out = tmp_path / "o.json"
    assert main(["run", str(ERLANG), "--set", "meta.days=1", "--set", "meta.replications=1",
                 "--set", "agents.count=3", "--json", str(out), "--quiet"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [a["agent"] for a in doc["agents"]] == [0, 1, 2]


def test_schema_prints_valid_json():
    p = run_cli("schema")
    assert p.returncode == 0
    sch = json.loads(p.stdout)
    assert "properties" in sch and "agents" in sch["properties"]


def test_compare_without_schemes_is_bad_input(capsys):
    assert main(["compare", str(ERLANG), "--set", "meta.days=1"]) == 2
    err = capsys.readouterr().err
    assert "schemes" in err and str(ERLANG) in err and "Traceback" not in err


def test_unknown_command_and_missing_argument_are_bad_input(capsys):
    assert main(["frobnicate"]) == 2
    assert main(["run"]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["tune", "scenarios/taobao_10_agents.toml", "--quick"],
                                  ["run", "scenarios/taobao_10_agents.toml", "--bogus", "1"]])
def test_an_unknown_flag_names_the_command_it_was_given_to(argv, capsys):
    """Found by hand (issue 21): an unknown flag after a command pointed to `python -m model model --help`."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"unrecognized arguments: {' '.join(argv[2:])}" in err
    assert f"python -m model {argv[0]} --help" in err and "model model" not in err
