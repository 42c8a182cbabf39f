"""``nlp-extract batch``: outputs and their schemas, --jobs determinism, resume after a torn write or
``kill -9``, bad files, and the Dask path giving the same dicts as the core function."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from nlp_extract import batch
from nlp_extract.batch import expand_inputs, extract_path, recover, run_batch

from .conftest import EXAMPLES

BATCH = [sys.executable, "-m", "nlp_extract.batch"]
BAD = {"bad.bin.txt": bytes(range(256)) * 40, "empty.txt": b""}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BATCH, *args], capture_output=True, text=True, timeout=120)


def lines(path: Path) -> list[bytes]:
    """Split on b"\\n" only (report text may hold U+2028, which str.splitlines would cut)."""
    data = path.read_bytes()
    assert data.endswith(b"\n"), "last line is torn"
    return data.split(b"\n")[:-1]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five samples, a binary file and an empty file, in a nested directory."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "sub").mkdir()
    for i, p in enumerate(EXAMPLES):
        shutil.copy(p, (root / "sub" if i % 2 else root) / p.name)
    for name, data in BAD.items():
        (root / name).write_bytes(data)
    (root / "notes.md").write_text("not a report", encoding="utf-8")  # unsupported suffix: not picked up
    return root


@pytest.fixture(scope="module")
def runs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, Any]]:
    """One run with --jobs 1 and one with --jobs 2 over the same corpus, shared by several tests."""
    out = {}
    for jobs in (1, 2):
        target = tmp_path_factory.mktemp(f"out{jobs}")
        out[jobs] = (target, run(str(corpus), "-o", str(target), "--jobs", str(jobs)))
    return out


def test_outputs_exist_parse_and_list_the_bad_files(runs, corpus, validate_output):
    out, r = runs[1]
    assert r.returncode == batch.EXIT_FAILED, r.stderr
    assert "Traceback" not in r.stderr and "\r" not in r.stderr  # no progress bar when stderr is not a TTY
    assert "5 extracted" in r.stderr and "2 failed" in r.stderr

    reports = [validate_output(json.loads(line)) for line in lines(out / "reports.jsonl")]
    top, sub = sorted(p.name for p in EXAMPLES[::2]), sorted(p.name for p in EXAMPLES[1::2])
    assert [Path(rep["source"]["path"]).name for rep in reports] == top + sub  # the directory walked sorted
    ledger = [json.loads(line) for line in lines(out / "done.jsonl")]
    assert [e["path"] for e in ledger] == [rep["source"]["path"] for rep in reports]

    errors = read_csv(out / "errors.csv")
    assert sorted(Path(e["file"]).name for e in errors) == sorted(BAD)
    assert all(e["error"] and "\n" not in e["error"] for e in errors)

    stats = read_csv(out / "stats.csv")
    assert len(stats) == 5 and list(stats[0])[:6] == list(batch.META_COLUMNS)
    ids = [row["id"] for row in stats]
    assert len(set(ids)) == 5 and ids == [e["sha256"][:16] for e in ledger]
    assert {row["year"] for row in stats} >= {"2018"}

    raw = {rid: Path(rep["source"]["path"]).read_text(encoding="utf-8") for rid, rep in zip(ids, reports, strict=True)}
    spans = read_csv(out / "spans.csv")
    assert len(spans) == sum(len(rep["spans"]) for rep in reports) > 0
    for row in spans:
        assert raw[row["report"]][int(row["start"]) : int(row["end"])] == row["text"]
        assert isinstance(json.loads(row["heading_path"]), list)
    checks = read_csv(out / "checks.csv")
    assert len(checks) == sum(len(rep["checks"]) for rep in reports)
    assert read_csv(out / "duplicates.csv") == []


def test_parquet_has_one_row_per_report(runs):
    pq = pytest.importorskip("pyarrow.parquet")
    out, _ = runs[1]
    table = pq.read_table(out / "stats.parquet")
    assert table.num_rows == 5
    assert table.column_names == next(csv.reader((out / "stats.csv").open(encoding="utf-8")))


def test_jobs_2_writes_the_same_bytes_as_jobs_1(runs):
    (one, r1), (two, r2) = runs[1], runs[2]
    assert r2.returncode == r1.returncode == batch.EXIT_FAILED, r2.stderr
    for name in ("reports.jsonl", "done.jsonl", "stats.csv", "spans.csv", "checks.csv", "errors.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_resume_cuts_a_torn_line_and_redoes_only_that_report(runs, corpus, tmp_path):
    complete = runs[1][0]
    out = tmp_path / "out"
    shutil.copytree(complete, out)
    data = (complete / "reports.jsonl").read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    (out / "reports.jsonl").write_bytes(data[: last_start + 100])  # torn mid-line, ledger still complete
    r = run(str(corpus), "-o", str(out))
    assert r.returncode == batch.EXIT_FAILED
    assert "1 extracted, 4 already done" in r.stderr
    assert (out / "reports.jsonl").read_bytes() == data
    assert (out / "done.jsonl").read_bytes() == (complete / "done.jsonl").read_bytes()
    assert (out / "stats.csv").read_bytes() == (complete / "stats.csv").read_bytes()


def _make_reports(directory: Path, n: int) -> list[Path]:
    """``n`` distinct reports (each sample with its own whitespace tail), so none is a duplicate."""
    directory.mkdir()
    paths = []
    for i in range(n):
        src = EXAMPLES[i % len(EXAMPLES)]
        p = directory / f"r{i:03d}.txt"
        p.write_bytes(src.read_bytes() + b"\n" + b" " * (i + 1))
        paths.append(p)
    return paths


def test_resume_after_kill_9_leaves_no_torn_or_duplicate_line(tmp_path):
    paths = _make_reports(tmp_path / "in", 12)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*BATCH, str(tmp_path / "in"), "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ledger = out / "done.jsonl"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if ledger.exists() and ledger.stat().st_size > 0:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed_before = len(ledger.read_bytes().split(b"\n")) - 1 if ledger.exists() else 0
    assert committed_before < 12, "the run finished before it could be killed"

    r = run(str(tmp_path / "in"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    reports = [json.loads(line) for line in lines(out / "reports.jsonl")]
    assert [rep["source"]["path"] for rep in reports] == [str(p) for p in paths]
    entries = [json.loads(line) for line in lines(out / "done.jsonl")]
    assert len({e["sha256"] for e in entries}) == len(entries) == 12
    assert len(read_csv(out / "stats.csv")) == 12


def _log(out: Path, lines_: list[bytes], shas: list[str]) -> None:
    end, ledger = 0, []
    for line, sha in zip(lines_, shas, strict=True):
        end += len(line) + 1
        ledger.append(json.dumps({"sha256": sha, "path": f"{sha}.txt", "end": end}).encode())
    (out / "reports.jsonl").write_bytes(b"".join(line + b"\n" for line in lines_))
    (out / "done.jsonl").write_bytes(b"".join(e + b"\n" for e in ledger))


def test_recover_drops_a_report_whose_ledger_entry_was_never_written(tmp_path):
    _log(tmp_path, [b'{"a": 1}', b'{"b": 2}'], ["a" * 64, "b" * 64])
    with (tmp_path / "reports.jsonl").open("ab") as f:
        f.write(b'{"c": 3}\n')  # killed between the report write and its ledger write
    with (tmp_path / "done.jsonl").open("ab") as f:
        f.write(b'{"sha256": "cc')  # ... or during the ledger write
    assert recover(tmp_path) == {"a" * 64: "a" * 64 + ".txt", "b" * 64: "b" * 64 + ".txt"}
    assert (tmp_path / "reports.jsonl").read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    assert len(lines(tmp_path / "done.jsonl")) == 2


def test_recover_forgets_entries_past_a_shortened_reports_file(tmp_path):
    _log(tmp_path, [b'{"a": 1}', b'{"b": 2}'], ["a" * 64, "b" * 64])
    os.truncate(tmp_path / "reports.jsonl", 9)
    assert list(recover(tmp_path)) == ["a" * 64]
    assert len(lines(tmp_path / "done.jsonl")) == 1


def test_reports_without_a_ledger_are_not_overwritten(tmp_path):
    (tmp_path / "reports.jsonl").write_bytes(b'{"x": 1}\n')
    r = run(str(EXAMPLES[0]), "-o", str(tmp_path))
    assert r.returncode == 2 and "ledger" in r.stderr
    assert (tmp_path / "reports.jsonl").read_bytes() == b'{"x": 1}\n'


def test_duplicate_content_is_extracted_once(tmp_path):
    (tmp_path / "a").mkdir()
    shutil.copy(EXAMPLES[1], tmp_path / "a" / "one.txt")
    shutil.copy(EXAMPLES[1], tmp_path / "a" / "two.txt")
    summary = run_batch([str(tmp_path / "a")], tmp_path / "out")
    assert (summary.extracted, summary.duplicates, summary.failed) == (1, 1, 0)
    dups = read_csv(tmp_path / "out" / "duplicates.csv")
    assert [(Path(d["file"]).name, Path(d["same_as"]).name) for d in dups] == [("two.txt", "one.txt")]


def test_a_file_name_that_is_not_utf8_does_not_stop_the_run(tmp_path):
    directory = tmp_path / "in"
    directory.mkdir()
    name = os.fsdecode(os.fsencode(directory) + "/政府报告.txt".encode("gbk"))
    try:
        shutil.copy(EXAMPLES[1], name)
    except (OSError, UnicodeError):
        pytest.skip("this file system wants UTF-8 names")
    summary = run_batch([str(directory)], tmp_path / "out")
    assert (summary.extracted, summary.failed) == (1, 0)
    report = json.loads(lines(tmp_path / "out" / "reports.jsonl")[0])
    assert report["source"]["path"] == name  # \udcXX escapes in the JSON give the surrogates back
    assert "\\udc" in read_csv(tmp_path / "out" / "stats.csv")[0]["path"]


def test_expand_inputs_files_directories_globs_and_missing(tmp_path):
    for name in ("b/x.TXT", "b/c/y.pdf", "b/.hidden.txt", "b/~$lock.docx", "b/readme.md", "z.html", "n.dat"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    args = ["b", "*.html", "n.dat", "b/x.TXT", "missing.txt", "*.nothing"]
    files, problems = expand_inputs([str(tmp_path / a) for a in args])
    rel = [str(Path(f).relative_to(tmp_path)) for f in files]
    assert rel == ["b/c/y.pdf", "b/x.TXT", "z.html", "n.dat"]  # explicit files whatever the suffix, once each
    assert [Path(p).name for p, _ in problems] == ["missing.txt", "*.nothing"]


def test_extract_path_never_raises(tmp_path):
    missing = str(tmp_path / "nope.txt")
    bad = extract_path(missing)
    assert bad["ok"] is False and bad["path"] == missing and "no such file" in bad["error"]
    good = extract_path(str(EXAMPLES[0]))
    assert good["ok"] and good["result"]["spans"]
    json.dumps(good)  # plain data: picklable and serialisable in any engine


def test_the_dask_bag_gives_the_same_dicts_as_extract_path(corpus, runs, tmp_path):
    pytest.importorskip("dask.bag")
    import dask

    from nlp_extract.distributed import dask_extract, errors, read_jsonl, to_jsonl

    paths, _ = expand_inputs([str(corpus)])
    with dask.config.set(scheduler="synchronous"):
        bag = dask_extract(paths, npartitions=3)
        assert bag.npartitions == 3
        records = bag.compute()
        assert records == [extract_path(p) for p in paths]
        assert sorted(Path(e["path"]).name for e in errors(bag).compute()) == sorted(BAD)
        files = to_jsonl(bag, str(tmp_path / "reports-*.jsonl"))
    assert b"".join(Path(f).read_bytes() for f in files) == (runs[1][0] / "reports.jsonl").read_bytes()
    assert read_jsonl(files) == [r["result"] for r in records if r["ok"]]


def test_the_cli_wires_batch_when_registered():
    from nlp_extract import cli

    parser = cli.build_parser()
    try:
        args = parser.parse_args(["batch", "x", "-o", "y"])
    except SystemExit:
        pytest.skip("batch is not wired into nlp_extract.cli yet")
    assert args.handler is batch.cmd_batch and args.jobs == 1


def test_parquet_columns_built_from_buffers_equal_pyarrows_own_and_skip_pandas(runs, tmp_path):
    pa = pytest.importorskip("pyarrow")
    from nlp_extract.batch import _arrow_column

    cases = [
        (["a", None, "名\udcff", ""], pa.string()),  # a non-UTF-8 file name's lone surrogate
        ([2020, None, 2019], pa.int64()),
        ([1, None, 2.5, 0, True], pa.float64()),
        ([None, None], pa.float64()),
        ([], pa.string()),
    ]
    for values, kind in cases:
        expected = [v.encode("utf-8", "backslashreplace").decode() if isinstance(v, str) else v for v in values]
        if kind == pa.float64():
            expected = [None if v is None else float(v) for v in expected]
        assert _arrow_column(values, kind).equals(pa.array(expected, kind)), values

    out = tmp_path / "out"
    shutil.copytree(runs[1][0], out)
    code = f"import sys, pathlib; from nlp_extract import batch; batch.write_exports(pathlib.Path({str(out)!r})); "
    code += "print('pandas' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "False", r.stderr  # pandas would cost every run about a second
    assert (out / "stats.parquet").read_bytes() == (runs[1][0] / "stats.parquet").read_bytes()
