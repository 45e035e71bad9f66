"""Pins as public surfaces show them: rounded to about 100 m."""

from __future__ import annotations

PIN_DECIMALS = 3  # 0.001° is about 111 m of latitude (and of longitude near the equator)


def rounded(degrees: float | None) -> float | None:
    """A coordinate as public surfaces show it, so an anonim report's pin is not a house."""
    return None if degrees is None else round(degrees, PIN_DECIMALS)
