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
