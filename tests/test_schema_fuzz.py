"""Types that cannot lie (issue 21), tested from the JSON schema itself.

Every numeric and string key of ``python -m model schema`` that a shipped scenario reaches gets the values a
user might type by mistake (nan, inf, -1, 0, huge, true, text, empty) through ``--set``. The answer is always
either a valid scenario or a ScenarioError naming the key (CLI exit 2), never an internal error (exit 1).
A second, property-based test sends sampled (key, value) pairs through the CLI entry in-process with a tiny
run (1 day, 1 replication, small traffic) and pricing, so values that validate must also run.
"""

from __future__ import annotations

import contextlib
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cli import main
from model.errors import ScenarioError
from model.scenario import json_schema, load_scenario

ROOT = Path(__file__).resolve().parent.parent
#: The shipped scenarios, and a fixture with the component types they do not use (ranks with rules, behaviour
#: points, department bonus, profit pool, cap, threshold steps, a ratchet, promotion days).
SCENARIOS = [*sorted((ROOT / "scenarios").glob("*.toml")), ROOT / "tests" / "fixtures" / "fuzz_components.toml"]
#: What a user types by mistake: non-finite, negative, zero, huge (float and integer), a boolean, text, empty.
BAD = ["nan", "inf", "-inf", "-1", "0", "1e300", "99999999999999999999", "true", '"text"', '""', "[]"]
#: A tiny run: one day, one replication, a little traffic (later --set values win over these).
TINY = ["--set", "meta.days=1", "--set", "meta.replications=1", "--set", "meta.months=1",
        "--set", "traffic.inquiries_per_day=40", "--set", "traffic.aftersale_per_day=5",
        "--set", "behaviour.noise_samples=8", "--set", "behaviour.max_rounds=2"]


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _branches(node: dict[str, Any], defs: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    """The schema alternatives of ``node`` that can describe ``data`` (a union picks the component's type)."""
    node = _resolve(node, defs)
    alts = node.get("anyOf") or node.get("oneOf")
    if not alts:
        return [node]
    out = []
    for a in alts:
        a = _resolve(a, defs)
        if isinstance(data, dict) and "type" in data and "properties" in a:
            tag = a["properties"].get("type", {}).get("const")
            if tag is not None and tag != data["type"]:
                continue
        out.extend(_branches(a, defs, data))
    return out


def _scalar(node: dict[str, Any], defs: dict[str, Any]) -> bool:
    return any(b.get("type") in ("number", "integer", "string") or "enum" in b or "const" in b
               for b in _branches(node, defs, None))


def _walk(node: dict[str, Any], defs: dict[str, Any], data: Any, path: str, out: dict[str, str],
          owner: str) -> None:
    """Record one concrete dotted key per (schema model, property) that ``data`` reaches."""
    for b in _branches(node, defs, data):
        if isinstance(data, dict) and "properties" in b:
            name = b.get("title", owner)
            for k, sub in b["properties"].items():
                if k not in data:
                    continue
                key = f"{path}.{k}" if path else k
                if _scalar(sub, defs) and (data[k] is None or isinstance(data[k], int | float | str)):
                    out.setdefault(f"{name}.{k}", key)
                _walk(sub, defs, data[k], key, out, name)
            return
        if isinstance(data, list) and b.get("type") == "array" and "items" in b:
            for i, x in enumerate(data):
                _walk(b["items"], defs, x, f"{path}.{i}", out, owner)
            return


@cache
def schema_keys() -> dict[str, tuple[Path, str]]:
    """(schema model.property) -> (a shipped scenario, the dotted key there) for every scalar key reached."""
    schema = json_schema()
    defs = schema.get("$defs", {})
    found: dict[str, tuple[Path, str]] = {}
    for f in SCENARIOS:
        keys: dict[str, str] = {}
        _walk(schema, defs, load_scenario(f).model_dump(mode="json"), "", keys, "Scenario")
        for prop, key in keys.items():
            found.setdefault(prop, (f, key))
    return found


def test_the_walk_reaches_most_of_the_schema():
    schema = json_schema()
    scalar_props = {f"{_resolve(d, schema['$defs']).get('title', n)}.{k}"
                    for n, d in schema["$defs"].items() for k, sub in d.get("properties", {}).items()
                    if _scalar(sub, schema["$defs"])}
    reached = set(schema_keys())
    # the shipped scenarios and the fixture use most component types; tests/test_scheme_bad_input.py the rest
    assert len(reached & scalar_props) >= 0.85 * len(scalar_props), sorted(scalar_props - reached)
    assert {"Meta.days", "Outcomes.silent_orders_per_day", "Threshold.amount_yuan", "Behaviour.noise_samples",
            "Tuning.max_payout_share", "EconomicsConfig.gross_margin_share"} <= reached


def _named(err: ScenarioError, key: str) -> bool:
    """The message names the key, or (a consistency check) its table or the key's own name."""
    text = str(err)
    parts = key.split(".")
    return any(".".join(parts[:i]) in text for i in range(1, len(parts) + 1)) or parts[-1] in text


@pytest.mark.parametrize("value", BAD)
def test_every_schema_key_refuses_or_takes_each_bad_value(value):
    problems = []
    for prop, (f, key) in sorted(schema_keys().items()):
        try:
            s = load_scenario(f, [f"{key}={value}"], notices=[])
        except ScenarioError as e:
            if not _named(e, key):
                problems.append(f"{prop} ({f.name}: {key}={value}): message does not name the key: {e}")
            continue
        except Exception as e:  # noqa: BLE001 - the property: no other exception
            problems.append(f"{prop} ({f.name}: {key}={value}): {type(e).__name__}: {e}")
            continue
        # accepted: the value must be what the key allows (finite, typed, no true/false for a number)
        got: Any = s.model_dump(mode="python")
        for p in key.split("."):
            got = got[int(p)] if isinstance(got, list) else got[p]
        if value in ("nan", "inf", "-inf", "1e300"):
            problems.append(f"{prop} ({f.name}: {key}={value}) accepted as {got!r}")
        if value == "true" and not isinstance(got, bool):
            problems.append(f"{prop} ({f.name}: {key}=true) accepted as {got!r}")
    assert not problems, "\n".join(problems[:30])


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


#: Scenarios whose tiny comparison runs in well under a second in-process (they have schemes to price).
FAST = [f for f in SCENARIOS if f.name.startswith(("seed", "fuzz"))]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_bad_values_through_the_cli_exit_0_or_2_naming_the_key(data):
    keys = sorted((p, fk) for p, fk in schema_keys().items() if fk[0] in FAST)
    prop, (f, key) = data.draw(st.sampled_from(keys), label="key")
    value = data.draw(st.sampled_from(BAD + ["1", "0.5", "12", "1e11"]), label="value")
    if key.startswith(("meta.days", "meta.replications", "meta.months", "traffic.inquiries_per_day",
                       "traffic.aftersale_per_day", "agents.count")) and value in ("12", "1e11"):
        value = "1"  # a valid large run is slow, not bad input
    code, err = _run(["compare", str(f), *TINY, "--set", f"{key}={value}"])
    assert code in (0, 2), (prop, key, value, err[-1500:])
    assert "Traceback" not in err
    if code == 2:
        assert "错误 error:" in err
        assert any(".".join(key.split(".")[:i]) in err for i in range(1, key.count(".") + 2)) \
            or "schemes" in err, (key, value, err)


def test_schema_command_is_json():
    code, _ = _run(["schema"])
    assert code == 0
    assert json.dumps(json_schema())
