"""Gold annotations: loading and validation.

``annotations/*.jsonl`` holds one report a line: the raw text (``text``), headings
``{start, end, level}``, spans ``{start, end, label}`` and statistics, all offsets into
the raw text, following ``docs/ANNOTATION_GUIDE.md``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
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


def counts(reports: Iterable[Gold]) -> Iterator[tuple[str, str, int]]:
    """(template, label, count) rows for the annotations README."""
    table: dict[tuple[str, str], int] = {}
    for r in reports:
        tpl = str(r.meta.get("template"))
        for sp in r.spans:
            table[tpl, sp["label"]] = table.get((tpl, sp["label"]), 0) + 1
        table[tpl, "heading"] = table.get((tpl, "heading"), 0) + len(r.headings)
        table[tpl, "statistic"] = table.get((tpl, "statistic"), 0) + len(r.stats)
        table[tpl, "report"] = table.get((tpl, "report"), 0) + 1
    for (tpl, label), n in sorted(table.items()):
        yield tpl, label, n
