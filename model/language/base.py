"""The base of every table of the scenario language: unknown keys are errors, floats are finite, counts are
integers and never booleans, no text where a number belongs (:mod:`model.strict_values`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from model.strict_values import refuse_loose


class Strict(BaseModel):
    """A scenario table: unknown keys are errors and no float may be NaN or infinite."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_loose_values(cls, data: Any) -> Any:
        return refuse_loose(cls, data)  # no true/false or text for numbers, no huge floats (model.strict_values)
