"""The full layout zoo (issue 13): every form in every layout, many random fillings, scored.

    python benchmarks/zoo.py                                  # 40 examples per layout x form, seed 0
    python benchmarks/zoo.py --examples 200 --seed 3 --jobs 2
    python benchmarks/zoo.py --layouts tabs,layout --forms 2021.三 --show 10   # a few failures in words
    python benchmarks/zoo.py --whole                          # all tables of a template in one report

The forms, fillings, renderers and the check are ``tests/zoo.py`` (the same code the test
command runs a few examples of).  Each layout x form is a hypothesis run with the given seed,
so a run is reproducible.  Printed: values recovered over values the cells hold (recall),
correct table statistics over all table statistics of the form's keys (precision; a value from
a blank cell or under a wrong key counts against it), statistics with ``raw[start:end] ==
text`` (grounded); and no section or narrative span may come from a table's cells (a *stray*:
the sections are the report's own headings, the spans lie in its prose).  Exit code 1 unless
every layout x form that ran is at 100% on all three and has no stray.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout: nlp_extract and tests.zoo

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from tests import zoo  # noqa: E402

_EXTRACTOR: Any = None


def _extractor() -> Any:
    global _EXTRACTOR  # one per worker process, loaded on first use
    if _EXTRACTOR is None:
        from nlp_extract import Extractor

        _EXTRACTOR = Extractor.load()
    return _EXTRACTOR


def run_cell(layout_name: str, form_names: Sequence[str], examples: int, seed: int) -> dict[str, zoo.Score]:
    """``examples`` random reports holding ``form_names`` rendered in one layout, scored per form."""
    layout = zoo.LAYOUTS[layout_name]
    forms = [zoo.FORMS[n] for n in form_names]
    total = {f.name: zoo.Score() for f in forms}
    ex = _extractor()
    with tempfile.TemporaryDirectory(prefix="zoo_") as tmp:

        @hypothesis_seed(seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(zoo.reports(*forms))
        def go(report: zoo.Report) -> None:
            for name, sc in zoo.run(ex, report, layout, Path(tmp)).items():
                total[name].add(sc)

        go()
    return total


def _job(args: tuple[str, tuple[str, ...], int, int]) -> tuple[str, dict[str, zoo.Score]]:
    return args[0], run_cell(*args)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=40, help="reports per layout x form (default 40)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layouts", default=",".join(zoo.LAYOUTS), help="comma-separated (default: all)")
    ap.add_argument("--forms", default=",".join(zoo.FORMS), help="comma-separated (default: all)")
    ap.add_argument("--whole", action="store_true", help="one report per template holding all its tables")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--show", type=int, default=3, help="failures shown per kind and layout x form")
    ap.add_argument("--json", type=Path, help="write the matrix as JSON")
    a = ap.parse_args(argv)
    layouts = [x for x in a.layouts.split(",") if x]
    forms = [x for x in a.forms.split(",") if x]
    unknown = [x for x in layouts if x not in zoo.LAYOUTS] + [x for x in forms if x not in zoo.FORMS]
    if unknown:
        print(f"unknown layouts/forms: {unknown}; known: {list(zoo.LAYOUTS)} {list(zoo.FORMS)}", file=sys.stderr)
        return 2
    groups: list[tuple[str, ...]]
    if a.whole:
        by_template: dict[str, list[str]] = {}
        for f in forms:
            by_template.setdefault(zoo.FORMS[f].template, []).append(f)
        groups = [tuple(v) for v in by_template.values()]
    else:
        groups = [(f,) for f in forms]
    jobs = []
    for name in layouts:
        why = zoo.LAYOUTS[name].available()
        if why:
            print(f"skipped layout {name}: {why}")
            continue
        jobs += [(name, g, a.examples, a.seed) for g in groups]
    started = time.perf_counter()
    matrix: dict[tuple[str, str], zoo.Score] = {}
    if a.jobs > 1:
        with ProcessPoolExecutor(a.jobs) as pool:
            done = list(pool.map(_job, jobs))
    else:
        done = [_job(j) for j in jobs]
    for name, scores in done:
        for form, sc in scores.items():
            matrix[(name, form)] = sc
    elapsed = time.perf_counter() - started
    print(report(matrix, a.show))
    print(f"{len(matrix)} layout x form cells, {a.examples} examples each, seed {a.seed}, {elapsed:.0f} s")
    if a.json:
        a.json.write_text(json.dumps(to_json(matrix), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(sc.perfect for sc in matrix.values()) else 1


def report(matrix: dict[tuple[str, str], zoo.Score], show: int) -> str:
    forms = list(dict.fromkeys(f for _, f in matrix))
    layouts = list(dict.fromkeys(lay for lay, _ in matrix))
    lines = ["recall (values back under their key from the table) per layout x form:", ""]
    head = f"{'layout':<16}" + "".join(f"{f:>9}" for f in forms)
    lines += [head, "-" * len(head)]
    for lay in layouts:
        row = f"{lay:<16}"
        for f in forms:
            sc = matrix.get((lay, f))
            row += f"{'':>9}" if sc is None else f"{sc.recall:>9.1%}"
        lines.append(row)
    lines += ["", "precision / grounded / examples where not 100%:"]
    for (lay, f), sc in matrix.items():
        if sc.perfect:
            continue
        lines.append(
            f"  {lay:<16}{f:<9} recall {sc.recall:6.1%} ({sc.recovered}/{sc.expected})"
            f"  precision {sc.precision:6.1%} ({sc.correct}/{sc.table_stats})"
            f"  grounded {sc.grounding:6.1%} ({sc.grounded}/{sc.stats})  examples {sc.examples}"
        )
        for kind in zoo.KINDS:
            if sc.counts.get(kind):
                lines.append(f"    {kind}: {sc.counts[kind]}")
                lines += [f"      {x}" for x in sc.examples_of[kind][:show]]
    perfect = sum(sc.perfect for sc in matrix.values())
    lines += ["", f"perfect: {perfect}/{len(matrix)} layout x form cells"]
    return "\n".join(lines)


def to_json(matrix: dict[tuple[str, str], zoo.Score]) -> list[dict[str, Any]]:
    return [
        {
            "layout": lay,
            "form": f,
            "examples": sc.examples,
            "recall": sc.recall,
            "precision": sc.precision,
            "grounded": sc.grounding,
            "expected": sc.expected,
            "recovered": sc.recovered,
            "table_stats": sc.table_stats,
            "correct": sc.correct,
            "failures": sc.counts,
            "examples_of": sc.examples_of,
        }
        for (lay, f), sc in matrix.items()
    ]


if __name__ == "__main__":
    sys.exit(main())
