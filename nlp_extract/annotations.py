"""Gold annotations: loading and validation.

``annotations/*.jsonl`` holds one report a line: the raw text (``text``), headings
``{start, end, level}``, spans ``{start, end, label}`` and statistics, all offsets into
the raw text, following ``docs/ANNOTATION_GUIDE.md``.  Where the guide allows more than one
answer, the gold names one and lists the others: ``alt_keys`` on a statistic, and
``organization_alt`` (other allowed forms of the issuing body) on a report.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .schema import LABELS
from .stats.keys import all_keys, key_unit


@dataclass(frozen=True)
class Gold:
    id: str
    text: str
    headings: list[dict[str, Any]]
    spans: list[dict[str, Any]]
    stats: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    @property
    def organizations(self) -> frozenset[str]:
        """Every form of the issuing body the guide allows (empty: the text names none)."""
        forms = [self.meta.get("organization"), *(self.meta.get("organization_alt") or [])]
        return frozenset(f for f in forms if isinstance(f, str) and f)


#: Report-level fields of a record, and the optional ones (kept in ``meta`` only when present,
#: so that records without them read back unchanged).
META_KEYS = ("organization", "year", "published", "template")
OPTIONAL_META_KEYS = ("organization_alt",)


def record_meta(record: dict[str, Any]) -> dict[str, Any]:
    """The report-level fields of a record (or of a ``Gold.meta``), optional ones only where set."""
    meta = {k: record.get(k) for k in META_KEYS}
    meta.update({k: record[k] for k in OPTIONAL_META_KEYS if k in record})
    return meta


def accepted_keys(stat: Mapping[str, Any]) -> frozenset[str]:
    """The keys a figure may carry: its key and its ``alt_keys`` (guide, section 3)."""
    return frozenset([stat["key"], *(stat.get("alt_keys") or [])])


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
                        meta=record_meta(r),
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
    problems += _stat_problems(report)
    problems += _organization_problems(report)
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


#: The money unit of docs/INDICATORS.md, in either script (the gold keeps the report's script).
_MONEY_UNITS = frozenset({"万元", "萬元"})


def _stat_problems(report: Gold) -> list[str]:
    """Keys known, alternative keys known and distinct, money in its key's unit."""
    known = all_keys()
    problems = []
    for st in report.stats:
        key, alts = st.get("key"), st.get("alt_keys", [])
        if key not in known:
            problems.append(f"{report.id}: unknown statistic key {key!r} at {st['start']}")
        if not isinstance(alts, list) or not all(isinstance(a, str) for a in alts):
            problems.append(f"{report.id}: alt_keys must be a list of keys at {st['start']}")
            continue
        for a in alts:
            if a not in known or a == key or alts.count(a) > 1:
                problems.append(f"{report.id}: alt key {a!r} unknown, repeated or the key itself at {st['start']}")
        if isinstance(key, str) and key_unit(key) == "万元" and st.get("unit") not in _MONEY_UNITS:
            problems.append(f"{report.id}: {key} is in 万元, not {st.get('unit')!r}, at {st['start']}")
    return problems


def _organization_problems(report: Gold) -> list[str]:
    """Alternative forms of the issuing body: non-empty strings, distinct, beside a main form."""
    alts = report.meta.get("organization_alt", [])
    if not isinstance(alts, list) or not all(isinstance(a, str) and a.strip() == a and a for a in alts):
        return [f"{report.id}: organization_alt must be a list of non-empty, trimmed strings"]
    if alts and not report.meta.get("organization"):
        return [f"{report.id}: organization_alt without an organization"]
    if len(set(alts)) < len(alts) or report.meta.get("organization") in alts:
        return [f"{report.id}: organization_alt repeats a form"]
    return []


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
