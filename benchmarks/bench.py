"""Throughput, start-up and memory of nlp_extract, against jieba-only tokenisation as the ceiling.

    python benchmarks/bench.py [--reports 2000] [--jobs 2]

Builds ``--reports`` distinct report files by repeating the real ones (``examples/`` and, when
present, ``../shared/corpus/reports``; each copy gets its own whitespace tail so that the batch's
content-hash de-duplication does not skip it), then measures in one run on the same texts:

* jieba ``lcut`` of every text, in-process, dictionary loaded beforehand (the ceiling), and
  ``extract_path`` over every file in-process (single-process throughput, no start-up),
  interleaved in chunks of 100 reports so that both meet the same machine conditions;
* ``nlp-extract batch`` end to end (start-up, hashing, writing, exports) with ``--jobs 1`` and ``--jobs N``;
* the wall time of one ``nlp-extract predict`` subprocess (cold start; median of 5);
* peak RSS (VmHWM) of every batch process, read from /proc while it runs (Linux).

Targets of issue 7: single-process >= 50% of jieba's chars/s; predict <= 1.5 s; <= 400 MB per worker.
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
SOURCES = (ROOT / "examples", ROOT.parent / "shared" / "corpus" / "reports")
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


def run_batch(files_dir: Path, out: Path, jobs: int) -> tuple[float, str]:
    """Wall time of one ``batch`` subprocess and the peak RSS of its processes."""
    cmd = [sys.executable, "-m", "nlp_extract.batch", str(files_dir), "-o", str(out), "--jobs", str(jobs), "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watch = Watch(proc.pid)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()
    err = proc.communicate()[1].decode(errors="replace")
    seconds = time.perf_counter() - start
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
    return seconds, rss


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


def cold_start(runs: int = 5) -> list[float]:
    exe = shutil.which("nlp-extract")
    cmd = [exe] if exe else [sys.executable, "-m", "nlp_extract"]
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000, help="number of report files (default 2000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the parallel run (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args(argv)
    if not source_files():
        raise SystemExit("no source reports found in examples/")

    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="nlp_extract_bench_"))
    try:
        paths, texts = make_corpus(tmp / "in", args.reports)
        chars = sum(len(t) for t in texts)
        n = len(paths)
        rows: list[Row] = []

        import logging

        import jieba

        from nlp_extract.batch import extract_path

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        extract_path(str(paths[0]))  # load the model and jieba's dictionary outside the timing
        # interleaved in chunks, so that the ceiling and the pipeline share the machine's ups and downs
        ceiling_s = pipeline_s = 0.0
        failed = 0
        shares = []
        for lo in range(0, n, CHUNK):
            start = time.perf_counter()
            for text in texts[lo : lo + CHUNK]:
                jieba.lcut(text)
            middle = time.perf_counter()
            failed += sum(not extract_path(str(p))["ok"] for p in paths[lo : lo + CHUNK])
            end = time.perf_counter()
            ceiling_s, pipeline_s = ceiling_s + middle - start, pipeline_s + end - middle
            shares.append((middle - start) / (end - middle))
        ceiling = Row("jieba.lcut only, in-process (ceiling)", ceiling_s, n, chars)
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows += [
            ceiling,
            Row("extract_path loop, in-process, 1 process", pipeline_s, n, chars, f"{self_mb:.0f} (bench)"),
        ]

        for jobs in (1, args.jobs):
            seconds, rss = run_batch(tmp / "in", tmp / f"out{jobs}", jobs)
            rows.append(Row(f"nlp-extract batch --jobs {jobs}, end to end", seconds, n, chars, rss))
        same = (tmp / "out1" / "reports.jsonl").read_bytes() == (tmp / f"out{args.jobs}" / "reports.jsonl").read_bytes()
        starts = cold_start()
        capacity = parallel_capacity()

        sources = source_files()
        print(
            f"nlp_extract benchmark: {n} reports ({len(sources)} distinct real ones repeated), {chars:,} chars, "
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
        print(f"failed reports: {failed}; --jobs 1 and --jobs {args.jobs} reports.jsonl byte-identical: {same}")
        print("peak RSS: VmHWM of each process from /proc (main: the batch process; worker: the largest worker)")
        print(
            f"load average (1 min) before / after: {load_before:.2f} / {os.getloadavg()[0]:.2f}; two spinning "
            f"processes got {capacity:.2f} cores' worth of CPU at the end (2.00 on an idle 2-core machine)"
        )
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
