"""A panel across reports: one row per body (``organization_key``) and year, from a batch dataset.

Researchers compare the same body across years; ``nlp-extract batch`` gives one row per report.
The panel keys each report by ``meta.organization_key`` (computed from ``meta.organization`` for
datasets written before the key existed), keeps one report per body and year, and puts each
indicator beside its change on the body's previous report (docs/METADATA.md).

Duplicates of one body and year (the same report saved twice, a partial copy beside the full
one) are resolved by one rule, in order: more indicator values (a complete report gives the
table a partial copy lacks), then more labelled spans, then the later publication date (none
counts as earliest), then the later line of ``reports.jsonl``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch import LEDGER, REPORTS, atomic_path, atomic_text, committed, report_id
from .errors import InputError
from .metadata import organization_key

ROW_COLUMNS = (
    "organization_key",
    "year",
    "organization",
    "region",
    "level",
    "report",
    "path",
    "published",
    "duplicates",
    "previous_year",
)
CHANGE = ".change"  # suffix of the column holding an indicator's change on the previous report


@dataclass(frozen=True)
class Report:
    """One report as the panel sees it."""

    key: str
    year: int
    organization: str | None
    region: str | None
    level: str | None
    report: str  # batch report id
    path: str | None
    published: str | None
    spans: int
    order: int  # line of reports.jsonl
    values: Mapping[str, float] = field(default_factory=dict)

    def rank(self) -> tuple[int, int, str, int]:
        """Higher is preferred: the duplicate rule of the module docstring."""
        return len(self.values), self.spans, self.published or "", self.order


@dataclass(frozen=True)
class Panel:
    rows: list[dict[str, Any]]
    indicators: list[str]
    skipped: int  # reports without a body or a year

    @property
    def columns(self) -> list[str]:
        return [*ROW_COLUMNS, *(c for k in self.indicators for c in (k, k + CHANGE))]


def report_of(order: int, rid: str, predict: Mapping[str, Any]) -> Report | None:
    """The panel's view of one ``predict`` object; None when it names no body or no year."""
    meta = predict.get("meta") or {}
    key = meta.get("organization_key") or organization_key(meta.get("organization"))
    year = meta.get("year")
    if not key or not isinstance(year, int):
        return None
    return Report(
        key=key,
        year=year,
        organization=meta.get("organization"),
        region=meta.get("region"),
        level=meta.get("level"),
        report=rid,
        path=(predict.get("source") or {}).get("path"),
        published=meta.get("published"),
        spans=len(predict.get("spans") or []),
        order=order,
        values={str(s["key"]): s["value"] for s in predict.get("stats") or []},
    )


def build(reports: Iterable[Report | None]) -> Panel:
    """Rows sorted by key and year: one report per body and year, each indicator with its change."""
    chosen: dict[tuple[str, int], Report] = {}
    counts: dict[tuple[str, int], int] = {}
    skipped = 0
    for r in reports:
        if r is None:
            skipped += 1
            continue
        cell = (r.key, r.year)
        counts[cell] = counts.get(cell, 0) + 1
        if cell not in chosen or r.rank() > chosen[cell].rank():
            chosen[cell] = r
    indicators = sorted({k for r in chosen.values() for k in r.values})
    rows: list[dict[str, Any]] = []
    previous: Report | None = None
    for cell in sorted(chosen):
        r = chosen[cell]
        before = previous if previous is not None and previous.key == r.key else None
        row: dict[str, Any] = {
            "organization_key": r.key,
            "year": r.year,
            "organization": r.organization,
            "region": r.region,
            "level": r.level,
            "report": r.report,
            "path": r.path,
            "published": r.published,
            "duplicates": counts[cell] - 1,
            "previous_year": before.year if before else None,
        }
        for k in indicators:
            value = r.values.get(k)
            row[k] = value
            old = before.values.get(k) if before else None
            row[k + CHANGE] = value - old if value is not None and old is not None else None
        rows.append(row)
        previous = r
    return Panel(rows, indicators, skipped)


def read_dataset(outdir: Path) -> Iterator[Report | None]:
    """The reports of a batch dataset, streamed from its commit log."""
    if not (outdir / REPORTS).is_file() or not (outdir / LEDGER).is_file():
        raise InputError(f"{outdir} is not a batch dataset (no {REPORTS} and {LEDGER}; see nlp-extract batch)")
    for order, (entry, predict) in enumerate(committed(outdir)):
        yield report_of(order, report_id(entry.sha256), predict)


def write(panel: Panel, target: Path) -> None:
    """CSV (RFC 4180, UTF-8) or Parquet by the suffix of ``target``; written whole or not at all."""
    suffix = target.suffix.lower()
    if suffix == ".csv":
        with atomic_text(target) as f:
            w = csv.writer(f)
            w.writerow(panel.columns)
            w.writerows([("" if row.get(c) is None else row.get(c)) for c in panel.columns] for row in panel.rows)
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"year": pa.int64(), "duplicates": pa.int64(), "previous_year": pa.int64()}
        schema = pa.schema(
            [(c, types.get(c, pa.string() if c in ROW_COLUMNS else pa.float64())) for c in panel.columns]
        )
        table = pa.Table.from_pylist([_typed(row, panel.columns) for row in panel.rows], schema)
        with atomic_path(target) as tmp:
            pq.write_table(table, str(tmp))
    else:
        raise InputError(f"panel output must end in .csv or .parquet: {target}")


def _typed(row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    return {c: float(row[c]) if c not in ROW_COLUMNS and row.get(c) is not None else row.get(c) for c in columns}


def cmd_panel(args: argparse.Namespace) -> int:
    """Handler of ``nlp-extract panel``."""
    target = Path(args.output)
    if target.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"panel output must end in .csv or .parquet: {target}")
    panel = build(read_dataset(Path(args.dataset)))
    write(panel, target)
    if not args.quiet:
        bodies = len({r["organization_key"] for r in panel.rows})
        note = f", {panel.skipped} reports without a body or year left out" if panel.skipped else ""
        print(f"nlp-extract panel: {len(panel.rows)} rows, {bodies} bodies{note} -> {target}", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add ``panel`` to the ``nlp-extract`` subcommands."""
    p = sub.add_parser(
        "panel",
        help="one row per body and year from a batch dataset, each indicator with its change",
        description="Read DATASET_DIR (written by nlp-extract batch) and write one row per organization_key "
        "and year: the indicator values and, for each, the change on the body's previous report "
        "(docs/METADATA.md). Output format by suffix: .csv or .parquet.",
    )
    p.add_argument("dataset", metavar="DATASET_DIR", help="output directory of nlp-extract batch")
    p.add_argument("-o", "--output", required=True, metavar="PANEL", help="panel.csv or panel.parquet")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    p.set_defaults(handler=cmd_panel)
