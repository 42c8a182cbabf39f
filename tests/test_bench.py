"""The benchmark script runs end to end on a small corpus (its figures are read by people, not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_prints_its_table_on_a_small_corpus() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--reports", "12", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    assert "12 reports" in out
    rows = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\| ([^|]+?) \|.*?\| (\d+)% \|", out, re.M)}
    assert set(rows) >= {
        "jieba.lcut only, in-process (ceiling)",
        "extract_path loop, in-process, 1 process",
        "nlp-extract batch --jobs 1, end to end",
        "nlp-extract batch --jobs 2, end to end",
    }
    assert rows["jieba.lcut only, in-process (ceiling)"] == 100 and rows["extract_path loop, in-process, 1 process"] > 0
    assert "failed reports: 0" in out and "byte-identical: True" in out
    assert re.search(r"cold start.*median \d+\.\d+ s", out)


def test_short_mode_cuts_distinct_short_reports_and_prints_the_batch_share() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--short", "--reports", "12", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    m = re.search(r"12 reports of ([\d,]+)-([\d,]+) characters", out)
    assert m and 1000 <= int(m.group(1).replace(",", "")) <= int(m.group(2).replace(",", "")) <= 3000
    assert "round 1: nlp-extract batch --jobs 1, whole process" in out
    assert re.search(r"`nlp-extract batch --jobs 1` \(start-up included\) share of jieba.*median \d+%", out)
    assert "failed reports: 0" in out


def test_short_texts_are_deterministic_distinct_and_cut_from_real_reports() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench

    texts = bench.short_texts(40)
    assert texts == bench.short_texts(40) and len(set(texts)) == 40
    sources = "".join(bench.short_sources())
    for text in texts:
        assert bench.SHORT[0] < len(text) <= bench.SHORT[1]
        first = text.splitlines()[0]
        assert first in sources  # real lines, not generated ones
