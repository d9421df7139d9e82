"""An emulator of a sweep's answers over its swept target and amount, so a slider answers in milliseconds.

For one scheme, a radial-basis-function interpolant (:class:`scipy.interpolate.RBFInterpolator`, thin-plate
spline on inputs scaled to 0-1) of each output (net gain, payout, reach share, P(net loss)) over (target,
amount). It is validated against the engine on held-out sweep points: every k-th point is left out, the
emulator is fitted on the others and its error on the left-out points is reported (mean absolute error and
its ratio to the output's range over the sweep); the emulator used afterwards is fitted on every point.

Whatever the comparison path computed (pure mechanics or agents' behaviour) is what it emulates; between sweep
points it is an interpolation, not a simulation, and says so with its error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.interpolate import RBFInterpolator

OUTPUTS = ("net_gain_yuan", "payout_yuan", "reach_share", "p_net_loss")
MIN_POINTS = 6


@dataclass
class Emulator:
    """A fitted emulator of one scheme's sweep.

    Attributes:
        scheme: the scheme.
        inputs: the input columns ("target", and "amount_yuan" when the sweep varied it).
        lo, hi: the inputs' range over the sweep (predictions outside it are refused).
        error: per output, ``{"mae", "range", "relative"}`` on held-out points.
        held_out: how many points were held out.
    """

    scheme: str
    inputs: list[str]
    lo: np.ndarray
    hi: np.ndarray
    models: dict[str, RBFInterpolator] = field(repr=False)
    error: dict[str, dict[str, float]]
    held_out: int

    def predict(self, **x: float) -> dict[str, float]:
        """The emulated outputs at ``target=...`` (and ``amount_yuan=...``).

        Raises:
            ValueError: an input missing or outside the swept range (no extrapolation).
        """
        v = np.array([float(x[k]) for k in self.inputs])
        if np.any(v < self.lo - 1e-9) or np.any(v > self.hi + 1e-9):
            ranges = {k: (float(a), float(b)) for k, a, b in zip(self.inputs, self.lo, self.hi, strict=True)}
            raise ValueError(f"outside the swept range {ranges}")
        z = ((v - self.lo) / np.where(self.hi > self.lo, self.hi - self.lo, 1.0))[None, :]
        out = {k: float(m(z)[0]) for k, m in self.models.items()}
        for k in ("reach_share", "p_net_loss"):
            if k in out:
                out[k] = float(np.clip(out[k], 0.0, 1.0))
        out["payout_yuan"] = max(0.0, out.get("payout_yuan", 0.0))
        return out


def _fit(z: np.ndarray, y: np.ndarray) -> RBFInterpolator:
    return RBFInterpolator(z, y, kernel="thin_plate_spline", smoothing=1e-6, degree=1)


def fit_emulator(points: pd.DataFrame | list[dict[str, Any]], scheme: str, *, every: int = 3) -> Emulator:
    """Fit and validate an emulator of one scheme's sweep points (a tune document's ``points``).

    Args:
        points: the sweep's candidate points (columns target, amount_yuan and the outputs).
        scheme: the scheme to emulate.
        every: hold out every ``every``-th interior point (by target, amount order) for the validation.

    Raises:
        ValueError: fewer than MIN_POINTS points, or no varied input.
    """
    df = pd.DataFrame(points)
    df = df[(df["scheme"] == scheme)].dropna(subset=["target"]).copy()
    inputs = [c for c in ("target", "amount_yuan") if c in df and df[c].nunique() > 1]
    if not inputs:
        raise ValueError(f"the sweep of '{scheme}' varies neither the target nor the amount")
    df = df.dropna(subset=inputs).sort_values(inputs).reset_index(drop=True)
    if len(df) < MIN_POINTS:
        raise ValueError(f"an emulator needs at least {MIN_POINTS} points of '{scheme}' (got {len(df)})")
    x = df[inputs].to_numpy(dtype=float)
    lo, hi = x.min(axis=0), x.max(axis=0)
    z = (x - lo) / np.where(hi > lo, hi - lo, 1.0)
    # held out: every ``every``-th interior point (the edges stay in the training set: an interpolant must not
    # extrapolate in its own validation)
    interior = np.all((z > 0) & (z < 1), axis=1)
    idx = np.flatnonzero(interior)
    every = 2 if len(idx) < 9 else every  # a small sweep: every other interior point
    test = np.zeros(len(df), dtype=bool)
    test[idx[every // 2::every]] = True
    error: dict[str, dict[str, float]] = {}
    models: dict[str, RBFInterpolator] = {}
    for out in OUTPUTS:
        if out not in df:
            continue
        y = pd.to_numeric(df[out], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(y)
        if ok.sum() < MIN_POINTS:
            continue
        rng = float(np.nanmax(y) - np.nanmin(y))
        tr, te = ok & ~test, ok & test
        if te.sum() and tr.sum() >= MIN_POINTS:
            pred = _fit(z[tr], y[tr])(z[te])
            mae = float(np.mean(np.abs(pred - y[te])))
            error[out] = {"mae": mae, "range": rng, "relative": mae / rng if rng > 0 else 0.0}
        models[out] = _fit(z[ok], y[ok])
    return Emulator(scheme, inputs, lo, hi, models, error, int(test.sum()))
