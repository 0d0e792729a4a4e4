"""A multivariate time series for notebook 04: the Lorenz-96 model, a toy atmosphere."""

from __future__ import annotations

import numpy as np


def lorenz96(
    num_steps: int,
    *,
    num_vars: int = 10,
    forcing: float = 8.0,
    dt: float = 0.05,
    noise: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A ``[num_steps, num_vars]`` series from the Lorenz-96 model, a toy atmosphere.

    ``num_vars`` values sit on a circle (think: one weather variable at equally spaced
    places around a latitude) and evolve by
    ``dx_i/dt = (x_{i+1} - x_{i-2}) * x_{i-1} - x_i + forcing``: advection, damping,
    and a constant drive. With ``forcing=8`` the motion is chaotic. The model is
    integrated with 4th-order Runge-Kutta in sub-steps of 0.01, after a burn-in
    that forgets the starting point; ``noise`` adds Gaussian measurement noise.

    Example:
        >>> series = lorenz96(100)
        >>> series.shape, bool(np.isfinite(series).all())
        ((100, 10), True)
    """
    for name, value in (("num_steps", num_steps), ("num_vars", num_vars)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if num_steps <= 0:
        raise ValueError(f"num_steps must be positive, got {num_steps}")
    if num_vars < 4:
        raise ValueError(f"num_vars must be at least 4 for the model's neighbours, got {num_vars}")
    if dt <= 0 or noise < 0:
        raise ValueError(f"dt must be positive and noise not negative, got {dt} and {noise}")
    rng = np.random.default_rng(seed)
    i = np.arange(num_vars)
    after, before, two_before = (i + 1) % num_vars, (i - 1) % num_vars, (i - 2) % num_vars

    def slope(x: np.ndarray) -> np.ndarray:
        return (x[after] - x[two_before]) * x[before] - x + forcing

    substeps = max(1, round(dt / 0.01))
    h = dt / substeps
    x = forcing + rng.normal(0.0, 0.01, num_vars)
    out = np.empty((num_steps, num_vars))
    for step in range(-200, num_steps):  # the first 200 are burn-in
        for _ in range(substeps):
            k1 = slope(x)
            k2 = slope(x + h / 2 * k1)
            k3 = slope(x + h / 2 * k2)
            k4 = slope(x + h * k3)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if step >= 0:
            out[step] = x
    return out + rng.normal(0.0, noise, out.shape) if noise else out
