"""Shared fixtures: the shipped sample reports, the gold annotations, one extractor per session."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from nlp_extract import Extractor
from nlp_extract.annotations import Gold, load

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))


def benchmark_module(name: str) -> Any:
    """``benchmarks/<name>.py`` as a module, loaded once (the benchmarks are scripts, not a package)."""
    key = f"nlp_extract_bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "benchmarks" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # before exec: dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor.load()


@pytest.fixture(scope="session")
def gold() -> dict[str, Gold]:
    return {g.id: g for g in load(ROOT / "annotations")}


@pytest.fixture(scope="session")
def seed_gold(gold: dict[str, Gold]) -> dict[str, Gold]:
    """Gold of the five sample reports, keyed by file name."""
    by_path = {Path(g.path or "").name: g for g in gold.values() if g.id.startswith("seed-")}
    return {p.name: by_path[p.name] for p in EXAMPLES}


@pytest.fixture(scope="session")
def validate_output() -> Any:
    import jsonschema

    from nlp_extract.output import output_schema

    validator = jsonschema.Draft202012Validator(output_schema())

    def check(obj: dict[str, Any]) -> dict[str, Any]:
        validator.validate(json.loads(json.dumps(obj)))
        return obj

    return check


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing may reach the network at run time: any connection beyond loopback fails the test."""
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")):
            return real_connect(self, address)
        raise AssertionError(f"network access attempted: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
