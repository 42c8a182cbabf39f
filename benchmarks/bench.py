"""Throughput, start-up and memory of nlp_extract, against jieba-only tokenisation as the ceiling.

    python benchmarks/bench.py [--reports 2000] [--jobs 2]

Builds ``--reports`` distinct report files by repeating the real ones (``examples/`` and, when
present, ``../shared/corpus/reports``; ``$NLP_EXTRACT_SHARED`` names ``shared/`` from elsewhere;
each copy gets its own whitespace tail so that the batch's content-hash de-duplication does not
skip it), then measures in one run on the same texts:

* jieba ``lcut`` of every text, in-process, dictionary loaded beforehand (the ceiling), and
  ``extract_path`` over every file in-process (single-process throughput, no start-up),
  interleaved in chunks of 100 reports so that both meet the same machine conditions;
* ``nlp-extract batch`` end to end (start-up, hashing, writing, exports) with ``--jobs 1`` and ``--jobs N``;
* the wall time of one ``nlp-extract predict`` subprocess (cold start; median of 5);
* peak RSS (VmHWM) of every batch process, read from /proc while it runs (Linux).

``--short`` builds ~2,000 distinct reports of 1-3 thousand characters cut from the real ones
instead (the common shape of scraped corpora) and times ``nlp-extract batch --jobs 1`` as a whole
process, start-up included, against jieba alone on the same texts, round by round.

Targets of issue 7: single-process >= 50% of jieba's chars/s; predict <= 1.5 s; <= 400 MB per worker.
Issue 13: single-process share >= 56%; ``--short`` batch share >= 50%.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 100  # reports per interleaved round of the single-process comparison
SHARED = Path(os.environ.get("NLP_EXTRACT_SHARED", ROOT.parent / "shared"))  # ../shared, or where it is
SOURCES = (ROOT / "examples", SHARED / "corpus" / "reports")
SHORT = (1000, 3000)  # characters of a --short report: most scraped reports are 1-3 thousand
sys.path.insert(0, str(ROOT))  # run from a checkout without installing


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def source_files() -> list[Path]:
    files = []
    for d in SOURCES:
        if d.is_dir():
            files += sorted(p for p in d.iterdir() if p.suffix.lower() == ".txt")
    return files


def short_sources() -> list[str]:
    """Every distinct real report text: the samples, the annotated reports and the shared corpus."""
    import json

    texts: dict[str, None] = {}
    for path in sorted((ROOT / "annotations").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                texts[json.loads(line)["text"]] = None
    for d in (*SOURCES, SHARED / "corpus" / "complete"):
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.suffix.lower() == ".txt":
                    texts[p.read_text(encoding="utf-8", errors="replace")] = None
    return [t for t in texts if t.strip()]


def short_texts(n: int, seed: int = 13) -> list[str]:
    """``n`` distinct report-like texts of SHORT characters cut from the real reports, deterministically.

    Each piece is a report's title line, then whole lines from a random line of that report on (the
    next report's lines when it runs out), up to a length drawn uniformly from ``SHORT``: the shape
    of most scraped reports (a page's first screens, a short township report), with the content of
    every report and section spread over the pieces rather than one report repeated.
    """
    import random

    rng = random.Random(seed)
    # every line ends with its break, also a report's last (a one-line report has none): lines of two
    # reports never run together
    reports = [[line.rstrip("\r\n") + "\n" for line in t.splitlines()] for t in short_sources()]
    lo, hi = SHORT
    pieces: dict[str, None] = {}
    while len(pieces) < n:
        target = rng.randint(lo, hi)
        r = rng.randrange(len(reports))
        first = rng.randrange(len(reports[r]))
        parts = [reports[r][0]] if first else []
        size = len(parts[0]) if parts else 0
        while size < target:
            for line in reports[r][first:]:
                parts.append(line)
                size += len(line)
                if size >= target:
                    break
            r, first = rng.randrange(len(reports)), 0
        text = "".join(parts)[: hi - 1].rstrip() + "\n"
        if len(text) > lo:
            pieces[text] = None
    return list(pieces)


def write_short_corpus(target: Path, n: int) -> tuple[list[Path], list[str]]:
    """``short_texts`` as UTF-8 files."""
    target.mkdir(parents=True)
    paths, texts = [], short_texts(n)
    for i, text in enumerate(texts):
        path = target / f"s{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths, texts


def make_corpus(target: Path, n: int) -> tuple[list[Path], list[str]]:
    """``n`` distinct files cycling over the real reports; returns the paths and their decoded texts."""
    from nlp_extract.decode import decode_bytes

    sources = [p.read_bytes() for p in source_files()]
    target.mkdir(parents=True)
    paths, texts = [], []
    for i in range(n):
        tail = format(i + 1, "b").replace("0", " ").replace("1", "\t").encode()  # unique per copy
        data = sources[i % len(sources)] + b"\n" + tail
        path = target / f"r{i:05d}.txt"
        path.write_bytes(data)
        paths.append(path)
        texts.append(decode_bytes(data)[0])
    return paths, texts


@dataclass
class Row:
    what: str
    seconds: float
    reports: int
    chars: int
    rss_mb: str = ""
    note: str = ""


def _vm_hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time so far (fields 14 and 15 of /proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Watch:
    """Polls peak RSS and CPU time of a process and its descendants while it runs (Linux /proc)."""

    root: int
    peaks: dict[int, int] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            todo = [self.root]
            while todo:
                pid = todo.pop()
                kb = _vm_hwm_kb(pid)
                if kb:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kb)
                    self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))
                    if pid not in self.kinds:
                        cmd = _cmdline(pid)
                        self.kinds[pid] = "main" if pid == self.root else "worker" if "spawn_main" in cmd else "helper"
                todo += _children(pid)
            time.sleep(0.05)


def run_batch(files_dir: Path, out: Path, jobs: int, *, cli: bool = False) -> tuple[float, str, float]:
    """Wall time of one ``batch`` subprocess, the peak RSS of its processes and their CPU seconds (exact).

    ``cli``: through the ``nlp-extract`` command, start-up of the whole command line included.
    """
    prefix = [*_cli(), "batch"] if cli else [sys.executable, "-m", "nlp_extract.batch"]
    cmd = [*prefix, str(files_dir), "-o", str(out), "--jobs", str(jobs), "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = Watch(proc.pid)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()
    err = proc.communicate()[1].decode(errors="replace")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    watch.stop.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"batch --jobs {jobs} failed ({proc.returncode}): {err.strip()}")
    mb = {
        kind: max((kb for pid, kb in watch.peaks.items() if watch.kinds[pid] == kind), default=0) / 1024
        for kind in ("main", "worker")
    }
    cpu = {kind: sum(c for pid, c in watch.cpu.items() if watch.kinds[pid] == kind) for kind in ("main", "worker")}
    rss = f"main {mb['main']:.0f} ({cpu['main']:.0f} s CPU)"
    if mb["worker"]:
        rss += f", worker {mb['worker']:.0f} ({cpu['worker']:.0f} s CPU, all workers)"
    return seconds, rss, cpu_s


def _spin(n: int) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - start


def parallel_capacity(n: int = 10_000_000) -> float:
    """How many cores two pure-Python processes get right now (2.0 on an idle 2-core machine)."""
    import multiprocessing

    alone = _spin(n)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [n // 10] * 2)  # warm the workers up
        start = time.perf_counter()
        pool.map(_spin, [n, n])
        both = time.perf_counter() - start
    return 2 * alone / both


def _cli() -> list[str]:
    exe = shutil.which("nlp-extract")
    return [exe] if exe else [sys.executable, "-m", "nlp_extract"]


def cold_start(runs: int = 5) -> list[float]:
    cmd = _cli()
    sample = ROOT / "examples" / "001_b2486e1d6f11ea96.txt"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*cmd, "predict", str(sample)], env=_env(), stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def table(rows: Sequence[Row], ceiling: float) -> str:
    head = "| run | wall s | reports/s | chars/s | share of jieba | peak RSS MB (CPU time) |"
    lines = [head, "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        cps = r.chars / r.seconds
        lines.append(
            f"| {r.what} | {r.seconds:.1f} | {r.reports / r.seconds:.1f} | {cps:,.0f} | {cps / ceiling:.0%} "
            f"| {r.rss_mb} |"
        )
    return "\n".join(lines)


def interleaved(paths: Sequence[Path], texts: Sequence[str]) -> tuple[float, float, int, list[float]]:
    """jieba ``lcut`` (dictionary loaded) and ``extract_path`` (model loaded) over the same reports, in chunks.

    Interleaved, so that the ceiling and the pipeline share the machine's ups and downs; returns both
    totals in seconds, the number of failed reports and the share of jieba per chunk.
    """
    import logging

    import jieba

    from nlp_extract.batch import extract_path

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    extract_path(str(paths[0]))  # load the model and jieba's dictionary outside the timing
    ceiling_s = pipeline_s = 0.0
    failed = 0
    shares = []
    for lo in range(0, len(paths), CHUNK):
        start = time.perf_counter()
        for text in texts[lo : lo + CHUNK]:
            jieba.lcut(text)
        middle = time.perf_counter()
        failed += sum(not extract_path(str(p))["ok"] for p in paths[lo : lo + CHUNK])
        end = time.perf_counter()
        ceiling_s, pipeline_s = ceiling_s + middle - start, pipeline_s + end - middle
        shares.append((middle - start) / (end - middle))
    return ceiling_s, pipeline_s, failed, shares


def jieba_seconds(texts: Sequence[str]) -> tuple[float, float]:
    """Wall and CPU seconds of jieba ``lcut`` over the texts (dictionary already loaded)."""
    import jieba

    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - start, time.process_time() - cpu


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000, help="number of report files (default 2000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the parallel run (default 2)")
    parser.add_argument(
        "--short",
        action="store_true",
        help=f"short reports ({SHORT[0]}-{SHORT[1]} characters, cut from the real ones), `nlp-extract batch --jobs 1`",
    )
    parser.add_argument("--rounds", type=int, default=3, help="--short: rounds of jieba then batch (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)
    if not source_files():
        raise SystemExit("no source reports found in examples/")
    tmp = Path(tempfile.mkdtemp(prefix="nlp_extract_bench_"))
    try:
        return short(tmp, args.reports, args.rounds) if args.short else whole(tmp, args.reports, args.jobs)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _machine(load_before: float) -> str:
    return (
        f"load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}; two spinning "
        f"processes got {parallel_capacity():.2f} cores' worth of CPU at the end (2.00 on an idle 2-core machine)"
    )


def whole(tmp: Path, reports: int, jobs: int) -> int:
    """Whole reports repeated: in-process share, batch --jobs 1 and --jobs N, cold start, memory."""
    load_before = os.getloadavg()[0]
    paths, texts = make_corpus(tmp / "in", reports)
    chars = sum(len(t) for t in texts)
    n = len(paths)
    ceiling_s, pipeline_s, failed, shares = interleaved(paths, texts)
    ceiling = Row("jieba.lcut only, in-process (ceiling)", ceiling_s, n, chars)
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [ceiling, Row("extract_path loop, in-process, 1 process", pipeline_s, n, chars, f"{self_mb:.0f} (bench)")]
    for j in (1, jobs):
        seconds, rss, _ = run_batch(tmp / "in", tmp / f"out{j}", j)
        rows.append(Row(f"nlp-extract batch --jobs {j}, end to end", seconds, n, chars, rss))
    same = (tmp / "out1" / "reports.jsonl").read_bytes() == (tmp / f"out{jobs}" / "reports.jsonl").read_bytes()
    starts = cold_start()
    print(
        f"nlp_extract benchmark: {n} reports ({len(source_files())} distinct real ones repeated), {chars:,} chars, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print()
    print(table(rows, ceiling.chars / ceiling.seconds))
    print()
    print(
        f"cold start, `nlp-extract predict` of one sample (whole process): "
        f"median {statistics.median(starts):.2f} s, min {min(starts):.2f} s over {len(starts)} runs"
    )
    print(
        f"single-process share of jieba per chunk of {CHUNK} reports: min {min(shares):.0%}, "
        f"median {statistics.median(shares):.0%}, max {max(shares):.0%}"
    )
    print(f"failed reports: {failed}; --jobs 1 and --jobs {jobs} reports.jsonl byte-identical: {same}")
    print("peak RSS: VmHWM of each process from /proc (main: the batch process; worker: the largest worker)")
    print(_machine(load_before))
    return 0


def short(tmp: Path, reports: int, rounds: int) -> int:
    """Many short reports: `nlp-extract batch --jobs 1` end to end (start-up included) against jieba alone.

    Per-report costs (hashing, the commit log, exports) weigh most here.  Each round times jieba over
    all texts, then one batch process over all files into a fresh directory; the share is per round.
    """
    load_before = os.getloadavg()[0]
    paths, texts = write_short_corpus(tmp / "in", reports)
    chars = sum(len(t) for t in texts)
    n = len(paths)
    ceiling_s, pipeline_s, failed, shares = interleaved(paths, texts)
    ceiling = Row("jieba.lcut only, in-process (ceiling)", ceiling_s, n, chars)
    rows = [ceiling, Row("extract_path loop, in-process, 1 process", pipeline_s, n, chars)]
    batch_shares, cpu_shares = [], []
    for k in range(rounds):
        jieba_s, jieba_cpu = jieba_seconds(texts)
        seconds, rss, cpu = run_batch(tmp / "in", tmp / f"out{k}", 1, cli=True)
        rows.append(Row(f"round {k + 1}: jieba.lcut only", jieba_s, n, chars))
        rows.append(Row(f"round {k + 1}: nlp-extract batch --jobs 1, whole process", seconds, n, chars, rss))
        batch_shares.append(jieba_s / seconds)
        cpu_shares.append(jieba_cpu / cpu)
    logs = {(tmp / f"out{k}" / "reports.jsonl").read_bytes() for k in range(rounds)}
    sizes = sorted(len(t) for t in texts)
    print(
        f"nlp_extract benchmark, short reports: {n} reports of {sizes[0]:,}-{sizes[-1]:,} characters "
        f"(median {statistics.median(sizes):,.0f}) cut from {len(short_sources())} real ones, {chars:,} chars, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print()
    print(table(rows, ceiling.chars / ceiling.seconds))
    print()
    print(
        f"single-process share of jieba per chunk of {CHUNK} reports: min {min(shares):.0%}, "
        f"median {statistics.median(shares):.0%}, max {max(shares):.0%}"
    )
    print(
        f"`nlp-extract batch --jobs 1` (start-up included) share of jieba in the same round: "
        f"median {statistics.median(batch_shares):.0%}, min {min(batch_shares):.0%}, max {max(batch_shares):.0%} "
        f"over {rounds} rounds; in CPU seconds (steadier on a busy machine): "
        f"median {statistics.median(cpu_shares):.0%}, min {min(cpu_shares):.0%}, max {max(cpu_shares):.0%}"
    )
    print(f"failed reports: {failed}; reports.jsonl byte-identical across rounds: {len(logs) == 1}")
    print(_machine(load_before))
    return 0


if __name__ == "__main__":
    sys.exit(main())
