"""Every command in README's code blocks works as written (issue 8): ``make`` lines name real Makefile targets,
CLI lines parse as written and run (with a short horizon added, output redirected to a temporary folder), and
the files README cites exist in the repository."""

from __future__ import annotations

import json
import re
import shlex

import pytest
from conftest import ROOT

from model.cli import build_parser, main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    """Non-empty, non-comment lines of every fenced code block in README.md."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", README, flags=re.M | re.S)
    return [ln.strip() for b in blocks for ln in b.splitlines() if ln.strip() and not ln.strip().startswith("#")]


CLI = [c for c in commands() if c.startswith(".venv/bin/python -m model")]
MAKE = [c for c in commands() if c.startswith("make ")]


def test_readme_has_commands_and_nothing_else():
    assert CLI and MAKE
    assert sorted(CLI + MAKE) == sorted(commands()), "a README command that no test runs"


@pytest.mark.parametrize("line", MAKE)
def test_make_targets_exist(line):
    target = line.split()[1]
    assert re.search(rf"^{re.escape(target)}:", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)


@pytest.mark.parametrize("line", CLI)
def test_cli_line_runs_as_written(line, tmp_path, monkeypatch, capsys):
    argv = shlex.split(line)[3:]  # after ".venv/bin/python -m model"
    build_parser().parse_args(argv)  # the line as written parses (no unknown option)
    for a in argv[1:2]:
        if a.endswith(".toml"):
            assert (ROOT / a).is_file(), a
    short = list(argv)
    if "--json" in short:  # write into a temporary folder, not the repository
        i = short.index("--json") + 1
        short[i] = str(tmp_path / short[i])
    if argv[0] in ("run", "compare"):
        short += ["--set", "meta.days=1", "--reps", "2"]
    monkeypatch.chdir(ROOT)
    assert main(short) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert out.strip()
    if "--json" in short:
        doc = json.loads((tmp_path / argv[argv.index("--json") + 1]).read_text(encoding="utf-8"))
        for o in (a.split("=", 1) for a in argv if "=" in a and not a.startswith("-")):
            if o[0] == "agents.count":
                assert len(doc["agents"]) == int(o[1])
    if "schemes.1.components.0.target=0.46" in argv:
        assert "达标奖 46%" in out  # the override reached the scheme (its live name shows the new target)


def test_readme_cites_only_files_in_the_repository():
    cited = set(re.findall(r"`((?:[\w.-]+/)+[\w.-]+\.(?:toml|md|py|json|ipynb))`", README))
    assert cited
    missing = [c for c in cited if not (ROOT / c).exists() and not c.startswith("out/")]
    assert not missing, missing
    assert "../" not in README


def test_app_cites_only_files_in_the_repository():
    from model.present.i18n import CATALOGUES

    for lang in CATALOGUES.values():
        for text in lang.values():
            for ref in re.findall(r"[\w./-]+\.(?:md|toml|py)\b", text):
                assert (ROOT / ref).exists(), (ref, text)
