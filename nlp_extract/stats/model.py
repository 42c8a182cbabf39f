"""The stage's result types: one figure per key, the checks, and the template seen in the tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..schema import Check, Template

Source = Literal["table", "text"]


@dataclass(frozen=True, slots=True)
class Figure:
    """A statistic: canonical key, value, unit, approximate or not, where it came from.

    ``start``/``end`` are offsets into the analysis text covering exactly the number as
    written (``56``, ``8000``, ``1.1万``, ``三``).
    """

    key: str
    value: int | float
    unit: str | None
    approx: bool
    source: Source
    start: int
    end: int


@dataclass(frozen=True)
class StatsResult:
    figures: list[Figure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    template: Template | None = None


def warning(rule: str, message: str, figures: list[Figure] | None = None, keys: list[str] | None = None) -> Check:
    """A warning naming the keys, values (in the message) and offsets of the figures involved."""
    figs = figures or []
    names = keys if keys is not None else list(dict.fromkeys(f.key for f in figs))
    return Check(rule, "warning", message, names, [[f.start, f.end] for f in figs])
