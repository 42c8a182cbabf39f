"""Gold annotations: loading and validation.

``annotations/*.jsonl`` holds one report a line: the raw text (``text``), headings
``{start, end, level}``, spans ``{start, end, label}`` and statistics, all offsets into
the raw text, following ``docs/ANNOTATION_GUIDE.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .schema import LABELS


@dataclass(frozen=True)
class Gold:
    id: str
    text: str
    headings: list[dict[str, Any]]
    spans: list[dict[str, Any]]
    stats: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    path: str | None = None


def iter_files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_dir():
        return sorted(p.glob("*.jsonl"))
    if p.is_file():
        return [p]
    raise InputError(f"no annotations at {p}")


def load(path: str | Path) -> list[Gold]:
    """All reports of a JSONL file or a directory of them, sorted by id (deterministic)."""
    reports = []
    for file in iter_files(path):
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                reports.append(
                    Gold(
                        id=r["id"],
                        text=r["text"],
                        headings=r.get("headings", []),
                        spans=r.get("spans", []),
                        stats=r.get("stats", []),
                        meta={k: r.get(k) for k in ("organization", "year", "published", "template")},
                        path=r.get("path"),
                    )
                )
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"{file}:{n}: not an annotation record ({e})") from None
    return sorted(reports, key=lambda g: g.id)


def validate(report: Gold) -> list[str]:
    """Problems with one report's annotations (empty list: valid)."""
    raw = report.text
    problems: list[str] = []

    def grounded(kind: str, items: Iterable[dict[str, Any]]) -> None:
        for item in items:
            s, e = item.get("start"), item.get("end")
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(raw)):
                problems.append(f"{report.id}: {kind} offsets out of range: {s}-{e}")
            elif "text" in item and raw[s:e] != item["text"]:
                problems.append(f"{report.id}: {kind} text differs from raw[{s}:{e}]")

    grounded("heading", report.headings)
    grounded("span", report.spans)
    grounded("stat", report.stats)
    if problems:
        return problems
    for sp in report.spans:
        piece = raw[sp["start"] : sp["end"]]
        if sp.get("label") not in LABELS:
            problems.append(f"{report.id}: unknown label {sp.get('label')!r} at {sp['start']}")
        if "\n" in piece:
            problems.append(f"{report.id}: span crosses a line break at {sp['start']}")
        if piece != piece.strip():
            problems.append(f"{report.id}: span has untrimmed whitespace at {sp['start']}")
    for h in report.headings:
        if not isinstance(h.get("level"), int) or h["level"] < 1:
            problems.append(f"{report.id}: heading level must be a positive int at {h['start']}")
    ranges = sorted(
        (x["start"], x["end"], kind) for kind, xs in (("span", report.spans), ("heading", report.headings)) for x in xs
    )
    for (a1, b1, k1), (a2, _, k2) in itertools.pairwise(ranges):
        if a2 < b1:
            problems.append(f"{report.id}: {k1} at {a1} overlaps {k2} at {a2}")
    return problems


def validate_all(reports: Iterable[Gold]) -> list[str]:
    return [p for r in reports for p in validate(r)]


COLUMNS = ("reports", "headings", "measure", "shortcoming", "plan", "statistics")


def counts(reports: Iterable[Gold]) -> dict[str, dict[str, int]]:
    """Per template: reports, headings, spans per label, statistics."""
    table: dict[str, dict[str, int]] = {}
    for r in reports:
        row = table.setdefault(str(r.meta.get("template")), dict.fromkeys(COLUMNS, 0))
        row["reports"] += 1
        row["headings"] += len(r.headings)
        row["statistics"] += len(r.stats)
        for sp in r.spans:
            row[sp["label"]] += 1
    return dict(sorted(table.items()))


def counts_markdown(reports: Sequence[Gold]) -> str:
    table = counts(reports)
    total = {c: sum(row[c] for row in table.values()) for c in COLUMNS}
    lines = ["| template | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, row in [*table.items(), ("**all**", total)]:
        lines.append(f"| {name} | " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def cmd_check(args: argparse.Namespace) -> int:
    reports = load(args.annotations)
    problems = validate_all(reports)
    for p in problems:
        print(p, file=sys.stderr)
    print(counts_markdown(reports), end="")
    return 1 if problems else 0


def register(sub: Any) -> None:
    p = sub.add_parser("annotations", help="validate annotation files and print counts per template and label")
    p.add_argument("annotations", help="JSONL file or directory of them")
    p.set_defaults(handler=cmd_check)
