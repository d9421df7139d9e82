"""Robustness as a property (issue 8): generated scenario files (valid and invalid TOML, wrong types, extreme
values) and ``--set`` values through the CLI entry function end in exit 0 or 2 with a message, never exit 1 or
a traceback. Examples stay small (at most 2 days, 2 replications, a few agents) so the property runs in seconds.
"""

from __future__ import annotations

import contextlib
import io
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cli import main

#: A small valid scenario with a scheme (1 day, 1 replication, 2 agents, 30 chats a day).
BASE = """
[meta]
name = "fuzz"
days = 1
replications = 1
seed = 3

[traffic]
inquiries_per_day = 30
aftersale_per_day = 5

[agents]
count = 2

[[schemes]]
name = "base"

[[schemes]]
name = "t"
[[schemes.components]]
type = "threshold"
kpi = "inquiry_conversion"
target = 0.4
amount_yuan = 1000
"""

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

# values of every kind: in range, out of range, wrong type, non-finite, TOML fragments and junk
VALUES = st.one_of(
    st.integers(-3, 3).map(str),
    st.sampled_from(["0", "1", "2", "-1", "1e12", "1e308", "nan", "inf", "-inf", "0.5", "1.5", "48", "true",
                     "\"x\"", "[]", "[1, 2]", "{}", "{a = 1}", "\"\"", "[[", "=", "'unterminated", "\u4e2d\u6587",
                     "\"week\"", "\"day\"", "\"year\"", "\"calendar\"", "[8, 24]", "[24, 8]",
                     "[{start_h = 9, end_h = 17, agents = 2}]", "[{start_h = 9, end_h = 17, agents = 1}]"]),
    st.text(max_size=12),
)
# keys: real keys whose valid values stay small, array positions in and out of range, unknown keys
KEYS = st.one_of(
    st.sampled_from([
        "meta.days", "meta.replications", "meta.seed", "meta.start_weekday", "agents.count",
        "agents.max_concurrent_chats", "agents.shifts", "traffic.inquiries_per_day", "traffic.aftersale_per_day",
        "traffic.open_hours", "traffic.intraday_profile", "customers.patience.mean_s", "customers.patience.dist",
        "customers.messages_per_chat", "outcomes.base_inquiry_conversion", "outcomes.refund_share",
        "kpi.three_min_s", "kpi.three_min_basis", "economics.baseline_scheme", "economics.gross_margin_share",
        "schemes.1.components.0.target", "schemes.1.components.0.amount_yuan", "schemes.1.components.0.period",
        "schemes.1.components.0.kpi", "schemes.5.name", "schemes.0.components.0.target", "shop.platform",
        "agents.count.x", "nosuch.key", "meta", "schemes", "", ".", "meta..days",
    ]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz._0123456789", max_size=20),
)
# small valid values for keys whose large valid values would make a long run
_SMALL = {"meta.days": 2, "meta.replications": 2, "agents.count": 6, "traffic.inquiries_per_day": 500,
          "traffic.aftersale_per_day": 500, "customers.messages_per_chat": 8}


def _too_big(key: str, value: str) -> bool:
    """A valid but slow run (e.g. 300 days): kept out, the property is about bad input, not run time."""
    if key not in _SMALL:
        return False
    try:
        v = float(value)
    except ValueError:
        return False
    return math.isfinite(v) and _SMALL[key] < v < 1e7  # 1e7 and above is refused by the size guard


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str) -> None:
    assert code in (0, 2), (code, err[-2000:])
    assert "Traceback" not in err and "Traceback" not in out
    if code == 2:
        assert err.strip(), "exit 2 without a message"
        assert "错误 error:" in err


@SETTINGS
@given(sets=st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=3), cmd=st.sampled_from(["run", "compare"]))
def test_set_values_end_in_0_or_2(sets, cmd):
    sets = [(k, v) for k, v in sets if not _too_big(k, v)]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "base.toml"
        p.write_text(BASE, encoding="utf-8")
        argv = [cmd, str(p), "--reps", "1"]
        for k, v in sets:
            argv += ["--set", f"{k}={v}"]
        code, out, err = run(argv)
        check(code, out, err)
        if code == 0:
            assert out.strip()


# whole files: the base file with a line replaced or appended, random TOML-ish text, and raw bytes
LINES = st.one_of(
    st.tuples(st.sampled_from(["days", "count", "inquiries_per_day", "target", "amount_yuan", "type", "kpi",
                               "name", "replications", "seed", "colour"]), VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.sampled_from(["[meta]", "[[schemes]]", "[agents", "[[schemes.components]]", "[traffic]", "= 3", "[meta]\n[meta]"]),
    st.text(max_size=30),
)


@SETTINGS
@given(edits=st.lists(st.tuples(st.integers(0, 40), LINES), max_size=4), junk=st.binary(max_size=40),
       mode=st.sampled_from(["edit", "text", "bytes"]))
def test_generated_files_end_in_0_or_2(edits, junk, mode):
    lines = BASE.splitlines()
    for i, line in edits:
        if any(_too_big(k, line.split("=", 1)[-1].strip()) for k in ("meta.days", "meta.replications",
                                                                      "agents.count", "traffic.inquiries_per_day")
               if line.startswith(k.split(".")[-1] + " ")):
            continue
        if i < len(lines):
            lines[i] = line
        else:
            lines.append(line)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "gen.toml"
        if mode == "bytes":
            p.write_bytes(junk)
        elif mode == "text":
            p.write_text("\n".join(line for _, line in edits), encoding="utf-8")
        else:
            p.write_text("\n".join(lines), encoding="utf-8")
        check(*run(["run", str(p), "--reps", "1", "--quiet"]))
