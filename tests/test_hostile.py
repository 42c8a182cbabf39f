"""Hostile inputs (issue 9): each within bounded time and memory, with a one-line ``InputError``.

Inputs: a 50 MB text, a 5 MB single line, a text over the character limit, a 300 k-character line,
HTML nested 10^5 levels deep, HTML whose scripts, styles and comments hold report-like text, a
.docx zip bomb, PDFs with a broken xref, text with NUL bytes.  They run in a child process (as
a corpus run would meet them) under a generous timeout: a hang fails the test instead of
stalling the suite (the one time bound: how fast a machine is is not asserted); peak memory per
file is asserted loosely (a bound, not a target).  In ``nlp-extract batch`` the failing files
go to ``errors.csv`` and the run goes on.
"""

from __future__ import annotations

import csv
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from nlp_extract import Extractor
from nlp_extract.errors import InputError
from nlp_extract.limits import DEFAULT_LIMITS, Limits
from nlp_extract.readers import read_document

from .conftest import ROOT, benchmark_module

REPORT = ROOT / "examples" / "000_740063c653017d1b.txt"
PDF = ROOT / "tests" / "data" / "huaian_city_2024.pdf"
HANG = 300  # seconds for a whole child run: far above the real cost, far below a hang
MARK = "脚本文字SCRIPTLEAK"


# ----------------------------------------------------------------------------- the hostile files

# file -> expected outcome: "ok", or a pattern the one-line InputError must match
EXPECTED = {
    "huge_50mb.txt": r"52,428,800 bytes, over the 50,000,000-byte limit",
    "one_line_5mb.txt": r"bytes hold more text than the 1,000,000-character limit",
    "over_chars.txt": r"has 1,\d{3},\d{3} characters of text, over the 1,000,000-character limit",
    "long_line.txt": r"has a line of 300,000 characters, over the 100,000-character line limit",
    "nested_div.html": r"nested over 255 elements deep",
    "nested_font.html": r"nested over 255 elements deep",
    "script.html": "ok",
    "zip_bomb.docx": r"would expand to 30,\d{3},\d{3} bytes .* refusing a zip bomb",
    "broken_xref.pdf": r"the PDF has no pages",
    "bad_startxref.pdf": r"cannot read this PDF file \(PdfminerException",
    "xref_missing.pdf": "ok",
    "nuls.txt": "ok",
    "nuls_gbk.txt": r"binary file, not text",
    "zeros.txt": r"binary file, not text",
}


def _script_page(lines: list[str]) -> str:
    """The report as a page whose script, style, template and comment text looks like the report."""
    hidden = f"一、总体情况 本机关主动公开政府信息99999条。{MARK}"
    body = "\n".join(f"<p>{ln}</p>" for ln in lines[:40])
    rest = "\n".join(f"<p>{ln}</p>" for ln in lines[40:])
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>年度报告</title>"
        f"<script>var s = '{hidden}';</script><style>p::after {{ content: '{MARK}' }}</style></head><body>"
        f"<div class='TRS_Editor'>{body}"
        f"<script type='text/javascript'>document.write('<p>{hidden}</p>');</script>"
        f"<!-- {hidden} --><noscript>{hidden}</noscript><template><p>{hidden}</p></template>"
        f"<table><tr><td>收到申请数<script>'{MARK}'</script></td><td>3</td></tr></table>"
        f"<SCRIPT LANGUAGE='JavaScript'>if (a < b && c > d) {{ x = '</p>{MARK}'; }}</SCRIPT>"
        f'{rest}<script type=\'application/ld+json\'>{{"name": "{MARK}"}}</script></div></body></html>'
    )


def _zip_bomb() -> bytes:
    """A .docx whose document.xml inflates 1000-fold: 30 MB from ~30 kB."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * 30_000_000 + b"</w:document>")
    return out.getvalue()


def _with_nuls(text: str) -> str:
    rng = random.Random(0)
    out = list(text)
    for _ in range(40):
        out.insert(rng.randrange(len(out)), "\x00")
    return "".join(out) + "\x00" * 5000  # a download padded with zeros


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    report = REPORT.read_text(encoding="utf-8")
    lines = [ln for ln in report.split("\n") if ln.strip()]
    flat = "".join(report.split())  # no line breaks of any kind
    chunk = report.encode("utf-8")
    (d / "huge_50mb.txt").write_bytes((chunk * (50 * 2**20 // len(chunk) + 1))[: 50 * 2**20])
    (d / "one_line_5mb.txt").write_bytes((flat.encode() * (5 * 2**20 // len(flat.encode()) + 1))[: 5 * 2**20])
    (d / "over_chars.txt").write_text(report * (1_200_000 // len(report)), encoding="utf-8")
    line = (flat * (300_000 // len(flat) + 1))[:300_000]
    (d / "long_line.txt").write_text("\n".join([report, line, report]), encoding="utf-8")
    (d / "nested_div.html").write_text(
        f"<html><body><p>{lines[0]}</p>" + "<div>" * 100_000 + report + "</div>" * 100_000 + "</body></html>"
    )
    (d / "nested_font.html").write_text(
        "<html><body>" + "".join(f"<font>{ln}" for ln in lines * 300) + "</body></html>"
    )
    (d / "script.html").write_text(_script_page(lines), encoding="utf-8")
    (d / "zip_bomb.docx").write_bytes(_zip_bomb())
    pdf, _ = benchmark_module("fuzz").make_pdf(report, random.Random(0))
    (d / "broken_xref.pdf").write_bytes(re.sub(rb"\d{10} 00000 n", b"0000000000 00000 n", pdf))
    (d / "xref_missing.pdf").write_bytes(pdf[: pdf.rfind(b"xref")] + b"trailer\n<< /Root 999 0 R >>\n%%EOF\n")
    (d / "bad_startxref.pdf").write_bytes(re.sub(rb"startxref\s+\d+", b"startxref\n999999999", PDF.read_bytes()))
    (d / "nuls.txt").write_bytes(_with_nuls(report).encode("utf-8"))
    (d / "nuls_gbk.txt").write_bytes(_with_nuls(report).encode("gb18030"))
    (d / "zeros.txt").write_bytes(b"\x00" * 1_000_000)
    assert sorted(p.name for p in d.iterdir()) == sorted(EXPECTED)
    return d


# ----------------------------------------------------------------------------- one child run over all of them

_PROBE = r"""
import contextlib, json, resource, sys, time
from nlp_extract import Extractor
from nlp_extract.errors import InputError

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

ex = Extractor.load()
for path in sys.argv[1:]:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    start = time.perf_counter()
    try:
        r = ex.extract_file(path)
        raw = r.source.text
        out = {
            "status": "ok",
            "grounded": all(raw[x.start : x.end] == x.text for x in [*r.spans, *r.stats]),
            "spans": len(r.spans),
            "stats": sorted([s.key, s.value] for s in r.stats),
            "text": raw,
        }
    except InputError as e:
        out = {"status": "input_error", "message": str(e)}
    out.update(
        path=path,
        seconds=time.perf_counter() - start,
        peak_mb=peak_kb() / 1024,
        child_peak_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )
    print(json.dumps(out), flush=True)
"""


@pytest.fixture(scope="module")
def outcomes(hostile: Path) -> dict[str, dict[str, Any]]:
    files = [str(hostile / name) for name in sorted(EXPECTED)]
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, *files], cwd=ROOT, capture_output=True, text=True, timeout=HANG
        )
    except subprocess.TimeoutExpired as e:
        done = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"hostile inputs still running after {HANG} s; finished: {done}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    return {Path(r["path"]).name: r for r in results}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_input_is_bounded_with_a_clear_outcome(outcomes: dict[str, dict[str, Any]], name: str) -> None:
    r = outcomes[name]
    assert r["peak_mb"] < 2000 and r["child_peak_mb"] < 2000, f"{name}: {r['peak_mb']:.0f} MB"
    expected = EXPECTED[name]
    if expected == "ok":
        assert r["status"] == "ok", r.get("message")
        assert r["grounded"]
        return
    assert r["status"] == "input_error"
    message = r["message"]
    assert "\n" not in message and len(message) < 400
    assert re.search(expected, message), message
    assert name in message  # the user sees which file


def test_script_style_comment_text_never_reaches_the_output(outcomes: dict[str, dict[str, Any]]) -> None:
    r = outcomes["script.html"]
    assert MARK not in r["text"] and "99999" not in r["text"]
    assert "收到申请数 | 3" in r["text"]  # the table cell keeps its own text around the script
    assert r["spans"] > 0 and r["stats"]


def test_nul_bytes_are_noise_not_content(outcomes: dict[str, dict[str, Any]]) -> None:
    """A UTF-8 report with stray NULs and NUL padding gives the statistics of the clean report."""
    clean = Extractor.load().extract_file(REPORT)
    r = outcomes["nuls.txt"]
    assert r["stats"] == sorted([s.key, s.value] for s in clean.stats)
    assert r["spans"] == len(clean.spans)


def test_batch_lists_hostile_files_in_errors_and_goes_on(hostile: Path, tmp_path: Path) -> None:
    """``python -m nlp_extract.batch`` over the hostile folder and a good report: errors.csv, exit 3, the rest done."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in hostile.iterdir():
        (inputs / p.name).symlink_to(p)
    (inputs / "good.txt").symlink_to(REPORT)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "nlp_extract.batch", str(inputs), "-o", str(out), "--jobs", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert proc.returncode == 3, proc.stderr[-3000:]
    with open(out / "errors.csv", encoding="utf-8", newline="") as f:
        errors = {Path(row["file"]).name: row["error"] for row in csv.DictReader(f)}
    failing = {name for name, want in EXPECTED.items() if want != "ok"}
    assert set(errors) == failing
    for name, message in errors.items():
        assert "\n" not in message and re.search(EXPECTED[name], message), (name, message)
    reports = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(r["source"]["path"]).name for r in reports) == sorted(
        ["good.txt", *(name for name, want in EXPECTED.items() if want == "ok")]
    )


# ----------------------------------------------------------------------------- the limits themselves, in-process


def test_limits_defaults_and_validation() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert (Limits().max_bytes, Limits().max_chars, Limits().max_line_chars) == (50_000_000, 1_000_000, 100_000)
    with pytest.raises(ValueError, match="max_chars"):
        Limits(max_chars=0)
    with pytest.raises(ValueError, match="timeout_s"):
        Limits(timeout_s=0)
    with pytest.raises(AttributeError):
        setattr(Limits(), "max_chars", 5)  # noqa: B010 (frozen: assignment must fail)


def test_extractor_limits_apply_to_text_bytes_and_files(tmp_path: Path) -> None:
    report = REPORT.read_text(encoding="utf-8")
    small = Extractor(limits=Limits(max_chars=1000, max_bytes=5000, max_line_chars=200))
    with pytest.raises(InputError, match=r"^the text has [\d,]+ characters of text, over the 1,000-character limit$"):
        small.extract_text(report)
    with pytest.raises(InputError, match=r"over the 5,000-byte limit"):
        small.extract_bytes(report.encode("utf-8"))
    with pytest.raises(InputError, match=r"a line of 300 characters, over the 200-character line limit"):
        small.extract_text("一、概述\n" + "公" * 300 + "\n")
    path = tmp_path / "r.txt"
    path.write_text(report[:900], encoding="utf-8")
    assert small.extract_file(path).spans is not None  # within every limit
    path.write_text(report, encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))} is [\d,]+ bytes, over the 5,000-byte limit$"):
        small.extract_file(path)


def test_surrogates_in_a_str_are_an_input_error() -> None:
    with pytest.raises(InputError, match=r"lone surrogate \(U\+DC80\)"):
        Extractor().extract_text("一、概述\n本机关\udc80公开\n")


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="the memory cap needs /proc (Linux)")
def test_pdf_time_memory_and_page_limits_are_input_errors() -> None:
    with pytest.raises(InputError, match=r"PDF extraction did not finish within 0.001 s$"):
        read_document(PDF, Limits(timeout_s=0.001))
    # the budget is on top of the child's own size: a tiny one fails on every machine, and with the memory message
    for budget in (1_000, 1_000_000):
        with pytest.raises(
            InputError, match=rf"^{re.escape(str(PDF))}: the PDF needs more than {budget:,} bytes of memory to read$"
        ):
            read_document(PDF, Limits(max_memory_bytes=budget))
    with pytest.raises(InputError, match=r"the PDF has 6 pages, over the 2-page limit$"):
        read_document(PDF, Limits(max_pdf_pages=2))
    assert read_document(PDF).text  # the defaults read it


@pytest.mark.parametrize(
    ("returncode", "stderr"),
    [
        (-9, b""),  # killed (the kernel's OOM killer)
        (-6, b""),  # aborted: a C library whose allocation failed
        (-11, b""),  # or one that did not check
        (1, b"Traceback (most recent call last):\nMemoryError"),
        (1, b"ImportError: /usr/lib/python3.11/lib-dynload/_csv.so: failed to map segment from shared object"),
        (1, b"OSError: [Errno 12] Cannot allocate memory"),
    ],
)
def test_pdf_child_dying_of_the_cap_gives_the_memory_message(
    monkeypatch: pytest.MonkeyPatch, returncode: int, stderr: bytes
) -> None:
    """However the child dies under the cap before it can answer, the user reads the one memory-limit line."""
    import nlp_extract.readers as readers

    def died(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(cmd, returncode, b"", stderr)

    monkeypatch.setattr(readers.subprocess, "run", died)
    with pytest.raises(InputError, match=r"^x\.pdf: the PDF needs more than 60,000,000 bytes of memory to read$"):
        readers._read_pdf_isolated(b"%PDF-1.4", "x.pdf", Limits(max_memory_bytes=60_000_000))
    monkeypatch.setattr(
        readers.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1, b"", b"ValueError: bad")
    )
    with pytest.raises(InputError, match=r"^x\.pdf: cannot read this PDF file \(the reader failed: ValueError: bad\)$"):
        readers._read_pdf_isolated(b"%PDF-1.4", "x.pdf", Limits())


def test_failures_under_the_cap_are_recognised_through_the_exception_chain() -> None:
    from nlp_extract.readers import _died_of_the_cap

    mapped = ImportError("/usr/lib/python3/_csv.cpython-311.so: failed to map segment from shared object")
    assert _died_of_the_cap(MemoryError()) and _died_of_the_cap(mapped)
    assert _died_of_the_cap(OSError(12, "Cannot allocate memory"))
    try:
        try:
            raise MemoryError
        except MemoryError:
            raise ValueError("pdfminer re-raised it as a syntax error") from None
    except ValueError as e:  # ``from None`` hides the cause from a traceback, not from ``__context__``
        assert _died_of_the_cap(e)
    assert not _died_of_the_cap(ValueError("bad xref")) and not _died_of_the_cap(ImportError("No module named x"))


def test_damaged_downloads_still_decode(tmp_path: Path) -> None:
    """A file cut inside a character, or UTF-8 with a few corrupt bytes, is a report with U+FFFD, not binary."""
    report = REPORT.read_text(encoding="utf-8")
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "gb18030"):
        data = report.encode(encoding)
        for cut in (1, 2):
            path = tmp_path / f"cut{cut}.txt"
            path.write_bytes(data[: -cut - 10])
            doc = read_document(path)
            assert doc.text.rstrip("\ufffd") == data[: -cut - 10].decode(encoding, errors="ignore")
    damaged = bytearray(report.encode("utf-8"))
    for pos in (500, 5000, 20000):
        damaged[pos] = 0xFF
    path = tmp_path / "flipped.txt"
    path.write_bytes(bytes(damaged))
    doc = read_document(path)
    assert doc.encoding == "utf-8" and doc.text == bytes(damaged).decode("utf-8", errors="replace")


def test_html_nul_bytes_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    body = "<p>一、概述</p>" + "<p>本机关全面推进政务公开工作，主动公开政府信息。</p>" * 5
    path.write_bytes(f"<html><body>{body}</body></html>".replace("一、", "一\x00、").encode("utf-8"))
    assert read_document(path).text.startswith("一、概述\n本机关")
