"""Values that cannot lie: one before-validator shared by every configuration model of the scenario language.

Pydantic's lax mode turns ``true`` into 1 for a count, ``"3"`` into 3 and a 1e308 amount into a number that
overflows later. Every configuration model (the scenario schema, the scheme language, ``[behaviour]``,
``[tuning]``) therefore runs :func:`refuse_loose` on each field before pydantic's own checks:

* a true/false value where the key takes a number (and no true/false) is refused;
* text where the key takes a number (and no text) is refused, even text that looks like a number;
* a number above :data:`MAX_MAGNITUDE` in size where the key takes a float is refused (NaN and infinity are
  refused by ``allow_inf_nan=False`` on the same models, and here too for keys that take a number or text);
  a count (a key that takes whole numbers only) refuses a number with a decimal point, even 3.0.

The checks descend into lists, tuples and tables of numbers (profiles, weekday factors, prize lists, grids).
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

#: The largest size of a float in a scenario (yuan, seconds, rates, multipliers): a trillion. Larger values
#: overflow sums of pay over agents and replications; no shop has an amount near it.
MAX_MAGNITUDE = 1e12

_NUM = {"int", "float"}


def _kinds(ann: Any) -> set[str]:
    """The scalar kinds an annotation admits: int, float, bool, str, none, model, container, any."""
    origin = get_origin(ann)
    if ann is Any or ann is object:
        return {"any"}
    if origin is typing.Annotated:
        return _kinds(get_args(ann)[0])
    if origin in (Union, types.UnionType):
        out: set[str] = set()
        for a in get_args(ann):
            out |= _kinds(a)
        return out
    if origin is Literal:
        out = set()
        for a in get_args(ann):
            out.add("bool" if isinstance(a, bool) else "str" if isinstance(a, str) else
                    "int" if isinstance(a, int) else "float" if isinstance(a, float) else "other")
        return out
    if origin in (list, tuple, dict, set, frozenset):
        return {"container"}
    if ann is bool:
        return {"bool"}
    if ann is int:
        return {"int"}
    if ann is float:
        return {"float"}
    if ann is str:
        return {"str"}
    if ann is type(None):
        return {"none"}
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return {"model"}
    return {"other"}


def _members(ann: Any) -> list[Any]:
    origin = get_origin(ann)
    if origin is typing.Annotated:
        return _members(get_args(ann)[0])
    if origin in (Union, types.UnionType):
        return [m for a in get_args(ann) for m in _members(a)]
    return [ann]


def _shown(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


class Refused:
    """A value refused by :func:`check_value`, put where it stood so pydantic reports it at its key.

    Pydantic then fails that key's type check; :func:`model.errors.format_validation_error` shows
    ``reason`` and the original ``value`` instead of pydantic's message.
    """

    __slots__ = ("reason", "value")

    def __init__(self, reason: str, value: Any) -> None:
        self.reason = reason
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def _problem(value: Any, kinds: set[str]) -> str | None:
    numeric = bool(kinds & _NUM)
    if isinstance(value, bool):
        if numeric and "bool" not in kinds:
            return "expects a number, not a true/false value"
        return None
    if isinstance(value, str):
        if numeric and not kinds & {"str", "model", "container", "other"}:
            return "expects a number, not text; write the number without quotes"
        return None
    if isinstance(value, float) and not math.isfinite(value) and kinds & _NUM:
        return "must be a finite number (not nan or inf)"
    if isinstance(value, float) and "int" in kinds and not kinds & {"float", "str", "other"}:
        return "expects a whole number (a count), without a decimal point"
    if isinstance(value, int | float) and "float" in kinds and "int" not in kinds and abs(value) > MAX_MAGNITUDE:
        return f"is too large: numbers in a scenario are at most {MAX_MAGNITUDE:g} in size"
    return None


def check_value(value: Any, ann: Any) -> Any:
    """``value`` with every loose stand-in for what ``ann`` allows replaced by a :class:`Refused` marker."""
    kinds = _kinds(ann)
    if "any" in kinds:
        return value
    if isinstance(value, bool | str | int | float):
        why = _problem(value, kinds)
        return value if why is None else Refused(why, value)
    if isinstance(value, list | tuple):
        for m in _members(ann):
            origin = get_origin(m)
            if origin in (list, set, frozenset):
                (elem,) = get_args(m) or (Any,)
                return [check_value(x, elem) for x in value]
            if origin is tuple:
                args = get_args(m)
                if len(args) == 2 and args[1] is Ellipsis:
                    args = (args[0],) * len(value)
                if len(args) == len(value):
                    return [check_value(x, a) for x, a in zip(value, args, strict=True)]
        return value
    if isinstance(value, dict):
        for m in _members(ann):
            if get_origin(m) is dict:
                _, elem = get_args(m) or (Any, Any)
                return {k: check_value(x, elem) for k, x in value.items()}
    return value


def refuse_loose(cls: type[BaseModel], data: Any) -> Any:
    """A ``model_validator(mode="before")`` body: mark the loose values of raw ``data`` for the model's fields."""
    if not isinstance(data, dict):
        return data
    fields = cls.model_fields
    out = dict(data)
    for k, v in data.items():
        f = fields.get(k)
        if f is not None:
            out[k] = check_value(v, f.annotation)
    return out
