"""Model directories: what ``predict`` loads and ``train`` writes.

A model directory holds ``config.json`` (which labeller, its settings, the training data
fingerprint) and, for trained labellers, their parameters in plain arrays and JSON —
never pickles, so loading a model cannot run code.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from .classify import Prediction, RuleLabeller, UnitContext
from .errors import InputError


class Labeller(Protocol):
    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]: ...


def read_config(model_dir: Path) -> dict[str, object]:
    path = model_dir / "config.json"
    if not path.is_file():
        raise InputError(f"not a model directory (no config.json): {model_dir}")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"unreadable model config {path}: {e}") from None
    if not isinstance(config, dict):
        raise InputError(f"model config must be a JSON object: {path}")
    return config


def load_labeller(model_dir: Path) -> Labeller:
    """The labeller a model directory describes."""
    config = read_config(model_dir)
    kind = config.get("labeller", "rules")
    if kind == "rules":
        return RuleLabeller()
    if kind == "linear":
        from .train import LinearLabeller

        return LinearLabeller.from_disk(model_dir)
    raise InputError(f"unknown labeller {kind!r} in {model_dir / 'config.json'}")
