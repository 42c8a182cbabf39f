"""Run-time guarantees: no network, determinism across runs, grounded output under damaged input."""

from __future__ import annotations

import random
import socket

import pytest

from nlp_extract.errors import InputError
from nlp_extract.output import to_json

from .conftest import EXAMPLES


def test_network_is_blocked_in_tests():
    with pytest.raises(AssertionError, match="network access attempted"):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)


def test_extraction_needs_no_network(extractor):
    # the fixture turns any outside connection into a failure: a full run proves none is made
    result = extractor.extract_file(EXAMPLES[0])
    assert result.spans


def _mutations(raw: str, rng: random.Random) -> str:
    """Damage of the kind scraped files show: cuts, inserted bytes-as-text, shuffled lines, noise."""
    lines = raw.split("\n")
    kind = rng.randrange(5)
    if kind == 0:
        return raw[: rng.randrange(len(raw))]
    if kind == 1:
        pos = rng.randrange(len(raw))
        return raw[:pos] + "".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(1, 40))) + raw[pos:]
    if kind == 2:
        rng.shuffle(lines)
        return "\n".join(lines)
    if kind == 3:
        return "".join(c + ("(qū)" if rng.random() < 0.05 else "") + ("?" if rng.random() < 0.02 else "") for c in raw)
    return raw.encode("utf-8").decode("latin-1")  # mojibake


@pytest.mark.parametrize("seed", range(60))
def test_damaged_reports_never_crash_and_stay_grounded(extractor, seed, validate_output):
    rng = random.Random(seed)
    raw = _mutations(EXAMPLES[seed % len(EXAMPLES)].read_text(encoding="utf-8"), rng)
    try:
        result = extractor.extract_text(raw)
    except InputError:
        return
    validate_output(result.to_dict())
    for item in [*result.spans, *result.stats]:
        assert raw[item.start : item.end] == item.text
    headings = [(s.heading_start, s.heading_end) for s in result.sections]
    assert all(sp.end <= a or sp.start >= b for sp in result.spans for a, b in headings)


def test_same_report_twice_gives_identical_bytes(extractor):
    for path in EXAMPLES:
        assert to_json(extractor.extract_file(path)) == to_json(extractor.extract_file(path))
