"""``nlp-extract batch``: a whole corpus -> one dataset, in parallel, resumable after any interruption.

The core is :func:`extract_path`, a pure, picklable function (path -> dict) that never raises on a
bad file: the same function runs in-process (``--jobs 1``), in worker processes (``--jobs N``) and
under Dask (:mod:`nlp_extract.distributed`).

Output directory (schemas in ``docs/BATCH.md``):

* ``reports.jsonl`` one ``predict`` object a line, in input order; with ``done.jsonl`` (one line
  per report: input sha256, path, end offset in ``reports.jsonl``) it is an append-only commit log.
  A re-run skips inputs whose content sha256 is in the log; an interruption (even ``kill -9``)
  leaves at most an uncommitted tail, which the next run cuts off before it appends.
* ``stats.csv``, ``stats.parquet``, ``spans.csv``, ``checks.csv`` regenerated from the log at the end
  of every run (temp file + atomic rename), ``errors.csv`` and ``duplicates.csv`` for this run.

Exit codes: 0 every input is in the dataset; 3 at least one input failed (listed in ``errors.csv``);
2 the run could not start (output directory unusable, bad ``--model``); 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import itertools
import json
import os
import re
import sys
import tempfile
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    from .pipeline import Extractor

SUFFIXES = frozenset({".txt", ".htm", ".html", ".docx", ".doc", ".pdf"})
EXIT_OK = 0
EXIT_FAILED = 3

REPORTS = "reports.jsonl"
LEDGER = "done.jsonl"
LOCK = ".batch.lock"
STATS_CSV = "stats.csv"
STATS_PARQUET = "stats.parquet"
SPANS_CSV = "spans.csv"
CHECKS_CSV = "checks.csv"
ERRORS_CSV = "errors.csv"
DUPLICATES_CSV = "duplicates.csv"

EXPORTS = (STATS_CSV, STATS_PARQUET, SPANS_CSV, CHECKS_CSV, ERRORS_CSV, DUPLICATES_CSV)

META_COLUMNS = ("id", "path", "organization", "year", "published", "template")
SPAN_COLUMNS = ("report", "span", "label", "heading_path", "section", "text", "start", "end", "score")
CHECK_COLUMNS = ("report", "rule", "severity", "message", "keys", "offsets")
ERROR_COLUMNS = ("file", "error")
DUPLICATE_COLUMNS = ("file", "sha256", "same_as")

_GLOB_MAGIC = re.compile(r"[*?[]")
_MAX_ERROR = 500


# ---------------------------------------------------------------- the pure core


@functools.cache
def _extractor(model_dir: str | None) -> Extractor:
    """One extractor per process and model: loading costs far more than one report."""
    from .pipeline import Extractor

    return Extractor.load(model_dir)


def error_message(error: BaseException) -> str:
    """One line, bounded: a CSV cell, not a traceback."""
    text = str(error) if isinstance(error, InputError) else f"{type(error).__name__}: {error}"
    text = " ".join(text.split()) or type(error).__name__
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"


def extract_path(path: str, model_dir: str | None = None) -> dict[str, Any]:
    """A report file -> ``{"ok": True, "result": predict_dict}`` or ``{"ok": False, "path", "error"}``.

    Never raises on a bad file, so one bad report cannot stop a corpus run in any engine.
    """
    try:
        result = _extractor(model_dir).extract_file(path)
    except Exception as e:  # every failure becomes data; KeyboardInterrupt still stops the run
        return {"ok": False, "path": path, "error": error_message(e)}
    return {"ok": True, "result": result.to_dict()}


def report_line(result: Mapping[str, Any]) -> str:
    """The ``reports.jsonl`` line of a predict object (no newline): ``to_json`` without indentation.

    A file name that is not valid UTF-8 reaches Python as lone surrogates; they become ``\\udcXX``
    JSON escapes (as ``ensure_ascii`` would write them), so every line is valid UTF-8.
    """
    line = json.dumps(result, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")
    return line


def _work(paths: Sequence[str], model_dir: str | None) -> list[tuple[bool, str]]:
    """Worker task: serialise in the worker so the parent only writes bytes."""
    out = []
    for path in paths:
        r = extract_path(path, model_dir)
        out.append((True, report_line(r["result"])) if r["ok"] else (False, str(r["error"])))
    return out


def _init_worker(model_dir: str | None) -> None:
    """Load the model once per worker; an error here must not kill the pool (it would respawn forever)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and terminates the pool
    with contextlib.suppress(Exception):  # each task then reports the load error itself
        _extractor(model_dir)


# ---------------------------------------------------------------- inputs


def _supported(name: str) -> bool:
    return Path(name).suffix.lower() in SUFFIXES and not name.startswith((".", "~$"))


def _walk(directory: str) -> list[str]:
    """Supported files under a directory, recursively, sorted (hidden and Office lock files skipped)."""
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(root, f) for f in files if _supported(f))
    return sorted(found)


def expand_inputs(inputs: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Files, directories and globs -> (files in a deterministic order, [(input, why it gave nothing)]).

    Order: the arguments' order, each expanded sorted; a file reached twice is kept once.  An explicit
    file is taken whatever its suffix (the reader sniffs the format); directories and globs yield only
    supported suffixes.
    """
    files: list[str] = []
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(paths: Iterable[str]) -> None:
        for p in paths:
            key = os.path.realpath(p)
            if key not in seen:
                seen.add(key)
                files.append(p)

    for arg in inputs:
        if os.path.isdir(arg):
            add(_walk(arg))
        elif os.path.exists(arg):
            add([arg])
        elif _GLOB_MAGIC.search(arg):
            import glob

            matched = sorted(glob.glob(arg, recursive=True))
            hits = [
                f
                for m in matched
                for f in (_walk(m) if os.path.isdir(m) else [m] if _supported(os.path.basename(m)) else [])
            ]
            if hits:
                add(hits)
            else:
                problems.append((arg, "no supported file matches this pattern"))
        else:
            problems.append((arg, "no such file or directory"))
    return files, problems


def file_sha256(path: str) -> str:
    """Content hash of the input bytes: the resume key (the same report under another name is the same)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ---------------------------------------------------------------- the commit log


@dataclass(frozen=True)
class Entry:
    sha256: str
    path: str
    end: int  # offset just past this report's line in reports.jsonl


def _read_ledger(ledger: Path, reports_size: int) -> tuple[list[Entry], int]:
    """Complete, well-formed, increasing entries that point inside reports.jsonl; and their byte length."""
    entries: list[Entry] = []
    kept = 0
    if not ledger.exists():
        return entries, kept
    with ledger.open("rb") as f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            try:
                raw = json.loads(line)
                entry = Entry(str(raw["sha256"]), str(raw["path"]), int(raw["end"]))
            except (ValueError, KeyError, TypeError):
                break
            if entry.end > reports_size or entry.end <= (entries[-1].end if entries else 0):
                break
            entries.append(entry)
            kept += len(line)
    return entries, kept


def recover(outdir: Path) -> dict[str, str]:
    """Make reports.jsonl and done.jsonl agree again after an interruption; return done sha256 -> path.

    Whatever lies past the last committed line (a torn line, a report whose ledger entry was never
    written) is cut off, so a re-run appends after whole lines only and never duplicates a report.
    """
    reports, ledger = outdir / REPORTS, outdir / LEDGER
    size = reports.stat().st_size if reports.exists() else 0
    if size and not ledger.exists():
        raise InputError(f"{reports} exists without its ledger {LEDGER}: not a batch output directory (move it away)")
    entries, kept = _read_ledger(ledger, size)
    if entries:
        with reports.open("rb") as f:
            while entries:  # each committed line must end in a newline where the ledger says
                f.seek(entries[-1].end - 1)
                if f.read(1) == b"\n":
                    break
                entries.pop()
            kept = _ledger_bytes(ledger, len(entries))
    end = entries[-1].end if entries else 0
    if ledger.exists():
        os.truncate(ledger, kept)
    if size != end:
        os.truncate(reports, end)
    return {e.sha256: e.path for e in entries}


def _ledger_bytes(ledger: Path, n: int) -> int:
    with ledger.open("rb") as f:
        return sum(len(line) for line in itertools.islice(f, n))


def _append(fd: int, data: bytes) -> None:
    """One ``os.write`` on an O_APPEND descriptor: a line lands whole or is cut off by ``recover``."""
    written = os.write(fd, data)
    if written != len(data):
        raise OSError(f"short write ({written} of {len(data)} bytes): disk full?")


class Log:
    """The open commit log of a run: append a report, then its ledger entry."""

    def __init__(self, outdir: Path) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self.ledger_fd = os.open(outdir / LEDGER, flags, 0o644)  # the ledger exists before any report
        self.reports_fd = os.open(outdir / REPORTS, flags, 0o644)
        self.end = os.fstat(self.reports_fd).st_size

    def commit(self, sha256: str, path: str, line: str) -> None:
        data = line.encode("utf-8") + b"\n"
        _append(self.reports_fd, data)
        self.end += len(data)
        entry = json.dumps({"sha256": sha256, "path": path, "end": self.end})  # ASCII: any file name fits
        _append(self.ledger_fd, entry.encode("ascii") + b"\n")

    def close(self) -> None:
        for fd in (self.reports_fd, self.ledger_fd):
            os.fsync(fd)
            os.close(fd)


def committed(outdir: Path) -> Iterator[tuple[Entry, dict[str, Any]]]:
    """Stream (ledger entry, predict object) pairs of an output directory, in order; never the whole corpus."""
    with (outdir / LEDGER).open("rb") as ledger, (outdir / REPORTS).open("rb") as reports:
        for raw_entry, raw_report in zip(ledger, reports, strict=True):
            e = json.loads(raw_entry)
            yield Entry(e["sha256"], e["path"], e["end"]), json.loads(raw_report)


@contextlib.contextmanager
def _locked(outdir: Path) -> Iterator[None]:
    """One writer per output directory; the lock dies with its process, so kill -9 never leaves it stale."""
    import fcntl

    with (outdir / LOCK).open("w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"another batch run is writing to {outdir}") from None
        yield


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path beside ``path``, renamed over ``path`` only if the block completes: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # umask applies, unlike mkstemp's 0600
    try:
        yield tmp
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """A text file (UTF-8, csv-ready newlines) that appears at ``path`` only when complete.

    ``backslashreplace``: a file name that is not valid UTF-8 shows as ``\\udcXX`` instead of failing the run.
    """
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", errors="backslashreplace", newline="") as f:
        yield f


# ---------------------------------------------------------------- exports


def report_id(sha256: str) -> str:
    """Stable across runs and machines: the first 16 hex digits of the input's content hash."""
    return sha256[:16]


def stats_row(rid: str, report: Mapping[str, Any]) -> dict[str, Any]:
    """One ``stats.csv`` row: meta columns, then each indicator key -> value."""
    meta = report.get("meta") or {}
    row: dict[str, Any] = {
        "id": rid,
        "path": (report.get("source") or {}).get("path"),
        "organization": meta.get("organization"),
        "year": meta.get("year"),
        "published": meta.get("published"),
        "template": meta.get("template"),
    }
    for stat in report.get("stats") or []:
        row[str(stat["key"])] = stat["value"]
    return row


def span_rows(rid: str, report: Mapping[str, Any]) -> Iterator[list[Any]]:
    for s in report.get("spans") or []:
        path = json.dumps(s["heading_path"], ensure_ascii=False)
        yield [rid, s["id"], s["label"], path, s["section"], s["text"], s["start"], s["end"], s["score"]]


def check_rows(rid: str, report: Mapping[str, Any]) -> Iterator[list[Any]]:
    for c in report.get("checks") or []:
        keys, offsets = json.dumps(c.get("keys", []), ensure_ascii=False), json.dumps(c.get("offsets", []))
        yield [rid, c["rule"], c["severity"], c["message"], keys, offsets]


def write_exports(outdir: Path, *, parquet_batch: int = 1024) -> list[str]:
    """Regenerate the CSV/Parquet files from the commit log (streamed twice); return notes for the user.

    Pass 1 writes spans.csv and checks.csv and collects the indicator keys; pass 2 writes one stats row
    per report from a small temp file of the rows, so the corpus is never held in memory.
    """
    notes: list[str] = []
    keys: set[str] = set()
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=outdir) as rows_tmp,
        atomic_text(outdir / SPANS_CSV) as spans_f,
        atomic_text(outdir / CHECKS_CSV) as checks_f,
    ):
        spans_w, checks_w = csv.writer(spans_f), csv.writer(checks_f)
        spans_w.writerow(SPAN_COLUMNS)
        checks_w.writerow(CHECK_COLUMNS)
        if (outdir / LEDGER).exists():
            for entry, report in committed(outdir):
                rid = report_id(entry.sha256)
                spans_w.writerows(span_rows(rid, report))
                checks_w.writerows(check_rows(rid, report))
                row = stats_row(rid, report)
                keys.update(k for k in row if k not in META_COLUMNS)
                rows_tmp.write(json.dumps(row) + "\n")  # ASCII escapes round-trip any string exactly
        columns = [*META_COLUMNS, *sorted(keys)]
        rows_tmp.seek(0)
        with atomic_text(outdir / STATS_CSV) as stats_f:
            stats_w = csv.writer(stats_f)
            stats_w.writerow(columns)
            blank = dict.fromkeys(columns, "")  # key order = column order; a report gives a few dozen of them
            for line in rows_tmp:
                row = json.loads(line)
                stats_w.writerow({**blank, **{k: v for k, v in row.items() if v is not None}}.values())
        rows_tmp.seek(0)
        notes += _write_parquet(outdir / STATS_PARQUET, columns, rows_tmp, parquet_batch)
    return notes


def _write_parquet(target: Path, columns: Sequence[str], rows: IO[str], batch: int) -> list[str]:
    """stats.parquet via pyarrow when it is installed (indicators as float64, year as int64)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()  # a stale file would disagree with stats.csv
        return [f"{STATS_PARQUET} not written: pyarrow is not installed (pip install pyarrow)"]
    types = {"year": pa.int64()}
    schema = pa.schema([(c, types.get(c, pa.string() if c in META_COLUMNS else pa.float64())) for c in columns])

    index = {c: j for j, c in enumerate(columns)}

    def table(chunk: list[str]) -> Any:
        cells: list[list[Any]] = [[None] * len(chunk) for _ in columns]
        for i, line in enumerate(chunk):  # rows are sparse: fill only the cells a report has
            for key, value in json.loads(line).items():
                cells[index[key]][i] = value
        arrays = [_arrow_column(c, f.type) for c, f in zip(cells, schema, strict=True)]
        return pa.Table.from_arrays(arrays, schema=schema)

    with atomic_path(target) as tmp, pq.ParquetWriter(str(tmp), schema) as writer:
        while chunk := list(itertools.islice(rows, batch)):
            writer.write_table(table(chunk))
    return []


def _arrow_column(values: Sequence[Any], kind: Any) -> Any:
    """A pyarrow array (string, float64 or int64; None is null) built from its buffers.

    ``pa.array`` and ``Table.from_pylist`` import pandas whenever it is installed, to check for
    pandas objects: about a second of every run, more than the rows of a few hundred reports cost.
    Strings keep a non-UTF-8 file name's lone surrogates as ``\\udcXX``, as the CSV does.
    """
    import numpy as np
    import pyarrow as pa

    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    nulls = len(values) - int(valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    if pa.types.is_string(kind):
        data = [v.encode("utf-8", "backslashreplace") if v is not None else b"" for v in values]
        offsets = np.zeros(len(data) + 1, dtype=np.int32)
        np.cumsum([len(d) for d in data], out=offsets[1:])
        buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
    elif pa.types.is_integer(kind):
        buffers = [bitmap, pa.py_buffer(np.array([0 if v is None else v for v in values], dtype=np.int64))]
    else:  # numpy reads None as NaN; those slots are masked by the bitmap
        buffers = [bitmap, pa.py_buffer(np.array(values, dtype=np.float64))]
    return pa.Array.from_buffers(kind, len(values), buffers, null_count=nulls)


# ---------------------------------------------------------------- the run


@dataclass(frozen=True)
class Item:
    """One input as planned by the parent: what to do with it, decided before any worker sees it."""

    path: str
    sha256: str | None = None
    error: str | None = None  # unreadable before extraction (missing, permission ...)
    same_as: str | None = None  # content already in the dataset (this run or an earlier one)
    done_before: bool = False

    @property
    def todo(self) -> bool:
        return self.error is None and self.same_as is None and not self.done_before


def plan(paths: Iterable[str], done: Mapping[str, str]) -> Iterator[Item]:
    """Hash each input lazily and decide: extract, skip (done in an earlier run), duplicate, or error."""
    seen: dict[str, str] = {}
    for path in paths:
        try:
            sha = file_sha256(path)
        except OSError as e:
            yield Item(path, error=error_message(InputError(f"{path}: {e.strerror or e}")))
            continue
        if sha in done:
            yield Item(path, sha, done_before=True)
        elif sha in seen:
            yield Item(path, sha, same_as=seen[sha])
        else:
            seen[sha] = path
            yield Item(path, sha)


Outcome = tuple[bool, str] | None


Outcomes = Generator[tuple[Item, Outcome], None, None]


def run_serial(items: Iterable[Item], model_dir: str | None) -> Outcomes:
    """``--jobs 1``: the same task function as the workers, so both write the same bytes."""
    for item in items:
        yield item, (_work([item.path], model_dir)[0] if item.todo else None)


def run_parallel(
    items: Iterable[Item], model_dir: str | None, jobs: int, chunksize: int = 4, window: int = 4
) -> Outcomes:
    """Worker processes (spawn: no state inherited by fork), results in input order, bounded memory.

    ``Pool.imap`` would drain the whole input into its task queue and buffer unboundedly many
    out-of-order results behind one slow file; here at most ``jobs * window`` chunks are in flight.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model_dir,)) as pool:
        pending: deque[tuple[list[Item], AsyncResult[list[tuple[bool, str]]] | None]] = deque()
        it = iter(items)
        while chunk := list(itertools.islice(it, chunksize)):
            todo = [item.path for item in chunk if item.todo]
            pending.append((chunk, pool.apply_async(_work, (todo, model_dir)) if todo else None))
            if len(pending) >= jobs * window:
                yield from _settle(*pending.popleft())
        while pending:
            yield from _settle(*pending.popleft())


def _settle(chunk: list[Item], result: AsyncResult[list[tuple[bool, str]]] | None) -> Iterator[tuple[Item, Outcome]]:
    outcomes = iter(result.get() if result is not None else [])
    for item in chunk:
        yield item, (next(outcomes) if item.todo else None)


@dataclass
class Summary:
    """What a run did, for the summary line and the exit code."""

    inputs: int = 0
    extracted: int = 0
    done_before: int = 0
    duplicates: int = 0
    failed: int = 0
    notes: tuple[str, ...] = ()

    def line(self, outdir: Path) -> str:
        text = (
            f"{self.inputs} inputs: {self.extracted} extracted, {self.done_before} already done, "
            f"{self.duplicates} duplicate content, {self.failed} failed"
        )
        return text + (f" (see {outdir / ERRORS_CSV})" if self.failed else "")


def _progress(total: int) -> Any:
    """tqdm on a terminal (count, rate, ETA); nothing otherwise, so logs stay clean."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True, smoothing=0.05)


def run_batch(
    inputs: Sequence[str], outdir: str | Path, *, jobs: int = 1, model_dir: str | None = None, chunksize: int = 4
) -> Summary:
    """Extract every input into ``outdir`` (resuming what is there) and regenerate the exports."""
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create output directory {out}: {e.strerror or e}") from None
    if model_dir is not None:
        from .model import read_config

        read_config(Path(model_dir))  # a bad --model is one error, not one per file
    files, problems = expand_inputs(inputs)
    summary = Summary(inputs=len(files) + len(problems))
    with _locked(out):
        for stale in out.glob(".*.tmp"):  # temp files of a killed run's exports
            if any(stale.name.startswith(f".{name}.") for name in EXPORTS):
                stale.unlink(missing_ok=True)
        done = recover(out)
        items = plan(files, done)
        if jobs <= 1:
            _extractor(model_dir)  # fail once, early, if the model cannot load
            outcomes = run_serial(items, model_dir)
        else:
            outcomes = run_parallel(items, model_dir, jobs, chunksize)
        bar = _progress(summary.inputs)
        log = Log(out)
        try:
            with atomic_text(out / ERRORS_CSV) as ef, atomic_text(out / DUPLICATES_CSV) as df:
                errors, dups = csv.writer(ef), csv.writer(df)
                errors.writerow(ERROR_COLUMNS)
                dups.writerow(DUPLICATE_COLUMNS)
                for arg, why in problems:
                    errors.writerow([arg, why])
                    summary.failed += 1
                    if bar:
                        bar.update(1)
                for item, outcome in outcomes:
                    _record(item, outcome, log, errors, dups, summary)
                    if bar:
                        bar.update(1)
                        bar.set_postfix(failed=summary.failed, refresh=False)
        finally:
            outcomes.close()  # on an interruption: terminate the pool now, not at garbage collection
            log.close()
            if bar:
                bar.close()
        summary.notes = tuple(write_exports(out))
    return summary


def _record(item: Item, outcome: Outcome, log: Log, errors: Any, dups: Any, summary: Summary) -> None:
    """Book one input's outcome: commit a report, or list it in errors.csv / duplicates.csv."""
    if item.error is not None:
        errors.writerow([item.path, item.error])
        summary.failed += 1
    elif item.done_before:
        summary.done_before += 1
    elif item.same_as is not None:
        dups.writerow([item.path, item.sha256, item.same_as])
        summary.duplicates += 1
    elif outcome is not None and item.sha256 is not None:
        ok, payload = outcome
        if ok:
            log.commit(item.sha256, item.path, payload)
            summary.extracted += 1
        else:
            errors.writerow([item.path, payload])
            summary.failed += 1


# ---------------------------------------------------------------- command line


def cmd_batch(args: argparse.Namespace) -> int:
    """Handler of ``nlp-extract batch``: 0 when every input is in the dataset, 3 when any failed."""
    jobs = args.jobs if args.jobs > 0 else os.cpu_count() or 1
    summary = run_batch(args.inputs, args.output, jobs=jobs, model_dir=args.model, chunksize=args.chunksize)
    if not args.quiet:
        for note in summary.notes:
            print(f"nlp-extract batch: note: {note}", file=sys.stderr)
        print(f"nlp-extract batch: {summary.line(Path(args.output))}", file=sys.stderr)
    return EXIT_FAILED if summary.failed else EXIT_OK


def register(sub: Any) -> None:
    """Add ``batch`` to the ``nlp-extract`` subcommands (``sub`` is argparse's subparsers action)."""
    p = sub.add_parser(
        "batch",
        help="extract a whole corpus into a dataset directory (parallel, resumable)",
        description="Extract files, directories (recursive) and globs into OUTDIR: reports.jsonl, stats.csv, "
        "stats.parquet, spans.csv, checks.csv, errors.csv (docs/BATCH.md). Re-running resumes. "
        "Exit code 0: all inputs extracted; 3: some failed (errors.csv); 2: could not start.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="report file, directory or glob (quote it)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="dataset directory (created; resumed)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (0: one per CPU; default 1)")
    p.add_argument("--model", help="model directory (default: the shipped models/default)")
    p.add_argument("--chunksize", type=int, default=4, help=argparse.SUPPRESS)
    p.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    p.set_defaults(handler=cmd_batch)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nlp_extract.batch INPUT... -o OUTDIR``: the subcommand on its own, errors as in the CLI."""
    parser = argparse.ArgumentParser(prog="nlp-extract")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["batch", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.handler(args))
    except InputError as e:
        print(f"nlp-extract: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nlp-extract: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # run the imported module, so workers unpickle nlp_extract.batch, not __main__
    from nlp_extract.batch import main as _main

    sys.exit(_main())
