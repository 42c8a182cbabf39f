"""CI-sized fuzz run (issue 9): ``benchmarks/fuzz.py`` over a few hundred cases of one seed.

The full run (>= 10,000 cases, both cores) is ``python benchmarks/fuzz.py --cases 10000``; this
one takes the first cases of a fixed seed whose input is under ``MAX_INPUT`` (the large ones
exercise the limits, which ``test_hostile.py`` covers directly) so that it stays well under a minute.
A failure names each crashing case and how to replay it.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import benchmark_module

fuzz: Any = benchmark_module("fuzz")

SEED = 9
CASES = 300
MAX_INPUT = 120_000  # bytes or characters of one case


@pytest.fixture(scope="module")
def corpus() -> Any:
    return fuzz.load_corpus()


def test_cases_are_reproducible(corpus: Any) -> None:
    for index in (0, 7, 123):
        a, b = fuzz.make_case(SEED, index, corpus), fuzz.make_case(SEED, index, corpus)
        assert (a.carrier, a.mutations, a.data, a.suffix) == (b.carrier, b.mutations, b.data, b.suffix)
    assert fuzz.make_case(SEED, 1, corpus).data != fuzz.make_case(SEED + 1, 1, corpus).data


def test_ci_fuzz_run_has_no_crash(extractor: Any, corpus: Any) -> None:
    import jsonschema

    from nlp_extract.output import output_schema

    validate = jsonschema.Draft202012Validator(output_schema()).validate
    outcomes = []
    for index in range(CASES * 3):
        case = fuzz.make_case(SEED, index, corpus)
        if len(case.data) > MAX_INPUT:
            continue
        outcomes.append(fuzz.run_case(extractor, case, validate, timeout=60.0))
        if len(outcomes) == CASES:
            break
    assert len(outcomes) == CASES
    carriers = {o.carrier for o in outcomes}
    assert carriers == set(fuzz.CARRIERS)  # every way in was exercised
    assert sum(o.status == "ok" for o in outcomes) > CASES // 3  # damaged reports still give results
    crashes = [
        f"case {o.index} ({o.carrier}, {o.mutations}): {o.message}\n{o.trace}" for o in outcomes if o.status == "crash"
    ]
    replay = f"replay: python benchmarks/fuzz.py --seed {SEED} --case N --save DIR"
    assert not crashes, "\n".join([*crashes, replay])
