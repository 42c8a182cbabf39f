from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import EXAMPLES

CLI = [sys.executable, "-m", "nlp_extract.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def test_predict_prints_one_json_object(validate_output):
    r = run("predict", str(EXAMPLES[1]))
    assert r.returncode == 0, r.stderr
    out = validate_output(json.loads(r.stdout))
    raw = EXAMPLES[1].read_text(encoding="utf-8")
    assert out["source"]["encoding"] == "utf-8"
    assert out["spans"] and all(raw[s["start"] : s["end"]] == s["text"] for s in out["spans"])


def test_predict_writes_markdown_to_a_file(tmp_path):
    target = tmp_path / "out.md"
    r = run("predict", str(EXAMPLES[0]), "--format", "md", "-o", str(target))
    assert r.returncode == 0 and r.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# 北京市昌平区人民政府 — 2018")


def test_predict_reads_a_gbk_file(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes(EXAMPLES[4].read_text(encoding="utf-8").encode("gbk"))
    out = json.loads(run("predict", str(p)).stdout)
    assert out["source"]["encoding"] == "gb18030" and out["spans"]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "directory"),
        (lambda d: (d / "empty.txt", (d / "empty.txt").write_bytes(b""))[0], "empty"),
        (lambda d: (d / "bin.txt", (d / "bin.txt").write_bytes(bytes(range(256)) * 50))[0], "binary"),
        (lambda d: (d / "bad.txt", (d / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8\x00"))[0], "undecodable"),
    ],
    ids=["missing", "directory", "empty", "binary", "undecodable"],
)
def test_bad_input_gives_one_line_and_nonzero_exit(tmp_path, make, expected):
    r = run("predict", str(make(tmp_path)))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert expected in r.stderr.lower()


def test_debug_shows_the_traceback(tmp_path):
    r = run("--debug", "predict", str(tmp_path / "missing.txt"))
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_schema_command_prints_the_json_schema():
    r = run("schema")
    assert json.loads(r.stdout)["title"] == "nlp_extract predict output"
