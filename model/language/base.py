"""The base of every table of the scenario language: unknown keys are errors, floats are finite."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A scenario table: unknown keys are errors and no float may be NaN or infinite."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, allow_inf_nan=False)
