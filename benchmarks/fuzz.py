"""Fuzz the whole predict path with mutated real reports (issue 9: 0 crashes in >= 10,000 cases).

    python benchmarks/fuzz.py --cases 10000 --seed 0 --jobs 2 [--save crashes/] [--json fuzz.json]
    python benchmarks/fuzz.py --seed 0 --case 1234 --save /tmp/case   # one case again, input written out

Every case is a function of ``(seed, index)`` alone, so a run is reproducible whatever ``--jobs``
is, and any case can be replayed on its own.  A case takes a real report (``examples/`` and
``tests/data``), damages its text (random cuts, shuffled lines, duplicated table lines, deleted
newlines, very long lines, NULs, random characters, headings and numbers out of place, spliced
reports), wraps it in a carrier and damages the bytes again:

* ``bytes``: :meth:`Extractor.extract_bytes` of the text re-encoded (UTF-8, GB18030, GBK, Big5,
  UTF-16 ...) and then flipped, truncated, cut or padded with random bytes;
* ``txt`` / ``html`` / ``docx`` / ``pdf``: :meth:`Extractor.extract_file` of a file made from the
  text (HTML with scripts, wrong charset declarations, unclosed and nested tags; Word built with
  python-docx and sometimes its XML or zip damaged; a PDF written with a CJK font and sometimes
  its xref or streams broken, or the real PDF of ``tests/data`` damaged);
* ``text``: :meth:`Extractor.extract_text` of the damaged string itself.

A **crash** is any exception other than ``InputError``, an output whose ``raw[start:end]`` is not
its ``text`` (spans, statistics, section headings), an output that fails
``nlp_extract/output.schema.json``, script text of an HTML page that reaches the output, or a case
that runs past ``--case-timeout``.  Time and peak RSS are measured per case (peak RSS reset
before each case through ``/proc/self/clear_refs``; a PDF's child process is measured apart).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from nlp_extract.errors import InputError  # noqa: E402

CARRIERS = ("bytes", "txt", "html", "docx", "pdf", "text")
WEIGHTS = (24, 18, 20, 12, 8, 18)
SCRIPT_MARK = "SCRIPTLEAK"
ENCODINGS = ("utf-8", "utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be")


# ----------------------------------------------------------------------------- the seed corpus


@dataclass(frozen=True)
class Corpus:
    """Real reports: their texts, and the real Word and PDF files to damage directly."""

    texts: tuple[str, ...]
    docx: bytes
    pdf: bytes


def load_corpus(root: Path = ROOT) -> Corpus:
    paths = sorted((root / "examples").glob("*.txt")) + sorted((root / "tests" / "data").glob("*.txt"))
    texts = tuple(p.read_text(encoding="utf-8") for p in paths)
    data = root / "tests" / "data"
    return Corpus(texts, (data / "template-2021.docx").read_bytes(), (data / "huaian_city_2024.pdf").read_bytes())


# ----------------------------------------------------------------------------- text damage

Mutation = Callable[[str, random.Random, Corpus], str]


def _cut(t: str, rng: random.Random, c: Corpus) -> str:
    a, b = sorted(rng.randrange(len(t) + 1) for _ in range(2))
    return rng.choice([t[:b], t[a:], t[a:b] or t[:1], t[:a] + t[b:]])


def _shuffle_lines(t: str, rng: random.Random, c: Corpus) -> str:
    lines = t.split("\n")
    a = rng.randrange(len(lines))
    b = min(len(lines), a + rng.randrange(2, 60))
    window = lines[a:b]
    rng.shuffle(window)
    return "\n".join(lines[:a] + window + lines[b:])


def _duplicate_table_lines(t: str, rng: random.Random, c: Corpus) -> str:
    lines = t.split("\n")
    tables = [i for i, ln in enumerate(lines) if "|" in ln or re.fullmatch(r"\s*[\d.,]+\s*", ln)] or [0]
    for _ in range(rng.randrange(1, 6)):
        i = rng.choice(tables)
        lines[i:i] = [lines[i]] * rng.randrange(1, 40)
    return "\n".join(lines)


def _delete_newlines(t: str, rng: random.Random, c: Corpus) -> str:
    p = rng.choice([1.0, 0.5, 0.1])
    return "".join(ch for ch in t if ch != "\n" or rng.random() > p)


def _long_line(t: str, rng: random.Random, c: Corpus) -> str:
    lines = t.split("\n")
    i = rng.randrange(len(lines))
    size = rng.choice([5_000, 30_000, 99_000, 101_000, 300_000])
    piece = lines[i] or "主动公开政府信息12条，"
    if rng.random() < 0.3:
        piece = rng.choice(["1234567890", "一二三", "件四", "；个", "申请1件", "、", "（一）", " | "])
    lines[i] = (piece * (size // len(piece) + 1))[:size]
    return "\n".join(lines)


def _nuls(t: str, rng: random.Random, c: Corpus) -> str:
    if rng.random() < 0.3:
        return t + "\x00" * rng.randrange(1, 5000)  # a download padded with zeros
    out = list(t)
    for _ in range(rng.randrange(1, 30)):
        out.insert(rng.randrange(len(out) + 1), "\x00" * rng.randrange(1, 4))
    return "".join(out)


def _random_chars(t: str, rng: random.Random, c: Corpus) -> str:
    pools = [(0, 0x20), (0x20, 0x7F), (0x80, 0x3000), (0x3000, 0x3100), (0x4E00, 0x9FFF), (0xE000, 0xF900)]
    pools += [(0xFE00, 0x10000), (0x1F300, 0x1F700), (0x20000, 0x20100), (0x300, 0x370)]
    out = t
    for _ in range(rng.randrange(1, 12)):
        lo, hi = rng.choice(pools)
        noise = "".join(chr(rng.randrange(lo, hi)) for _ in range(rng.randrange(1, 60)))
        pos = rng.randrange(len(out) + 1)
        out = out[:pos] + noise + out[pos:]
    return out


def _markers(t: str, rng: random.Random, c: Corpus) -> str:
    marks = ["一、", "（一）", "(二)", "1.", "2、", "（3）", "第一部分", "①", "十一、", "(十)", "1.1", "第二章", "三是"]
    lines = t.split("\n")
    for _ in range(rng.randrange(1, 80)):
        i = rng.randrange(len(lines))
        lines[i] = rng.choice(marks) + lines[i]
    if rng.random() < 0.3:
        lines += [rng.choice(marks) + "x" for _ in range(rng.randrange(100, 3000))]
    return "\n".join(lines)


def _numbers(t: str, rng: random.Random, c: Corpus) -> str:
    def repl(m: re.Match[str]) -> str:
        return rng.choice(
            [str(rng.randrange(10 ** rng.randrange(1, 25))), "一万二千", "两亿", "1,234.5", "3万余", "——", "/", "", "0"]
        )

    return re.sub(r"\d+", repl, t)


def _splice(t: str, rng: random.Random, c: Corpus) -> str:
    other = rng.choice(c.texts).split("\n")
    lines = t.split("\n")
    for _ in range(rng.randrange(1, 20)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
    return "\n".join(lines)


def _line_ends(t: str, rng: random.Random, c: Corpus) -> str:
    return t.replace("\n", rng.choice(["\r\n", "\r", "\n\n", "\u2028", " \n", "\n\t", "\r\r\n"]))


def _repeat(t: str, rng: random.Random, c: Corpus) -> str:
    return t * rng.choice([2, 5, 20, 60, 120])


def _surrogates(t: str, rng: random.Random, c: Corpus) -> str:
    """Lone surrogates: what ``surrogateescape`` decoding leaves in a str (only the ``text`` carrier)."""
    pos = rng.randrange(len(t) + 1)
    return t[:pos] + chr(rng.randrange(0xD800, 0xE000)) + t[pos:]


MUTATIONS: dict[str, Mutation] = {
    "cut": _cut,
    "shuffle_lines": _shuffle_lines,
    "duplicate_table_lines": _duplicate_table_lines,
    "delete_newlines": _delete_newlines,
    "long_line": _long_line,
    "nuls": _nuls,
    "random_chars": _random_chars,
    "markers": _markers,
    "numbers": _numbers,
    "splice": _splice,
    "line_ends": _line_ends,
    "repeat": _repeat,
}


# ----------------------------------------------------------------------------- byte damage


def _encode(text: str, rng: random.Random) -> tuple[bytes, str]:
    enc = rng.choice(ENCODINGS)
    return text.encode(enc, errors=rng.choice(["replace", "ignore"])), enc


def damage_bytes(data: bytes, rng: random.Random, max_ops: int = 4) -> tuple[bytes, list[str]]:
    """Flip, truncate, cut, insert random bytes or NULs: what a broken download or disk does."""
    out = bytearray(data)
    done = []
    for _ in range(rng.randrange(1, max_ops + 1)):
        kind = rng.choice(["flip", "truncate", "insert", "delete", "nul", "odd"])
        done.append(f"bytes.{kind}")
        n = len(out)
        if kind == "flip" and n:
            for _ in range(rng.randrange(1, 50)):
                out[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif kind == "truncate" and n:
            del out[rng.randrange(n) :]
        elif kind == "insert":
            pos = rng.randrange(n + 1)
            out[pos:pos] = rng.randbytes(rng.randrange(1, 300))
        elif kind == "delete" and n:
            a = rng.randrange(n)
            del out[a : a + rng.randrange(1, 500)]
        elif kind == "nul":
            pos = rng.randrange(n + 1)
            out[pos:pos] = b"\x00" * rng.randrange(1, 64)
        elif kind == "odd" and n:  # UTF-16 cut mid-unit
            del out[-1:]
    return bytes(out), done


# ----------------------------------------------------------------------------- carriers


def make_html(text: str, rng: random.Random) -> tuple[bytes, list[str]]:
    """A CMS-like page of the text: tables for ``|`` rows, chrome, a script, maybe broken markup."""
    notes: list[str] = []
    body: list[str] = []
    rows: list[str] = []

    def flush() -> None:
        if rows:
            cells = ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r.split("|")) + "</tr>" for r in rows]
            body.append("<table border='1'>" + "".join(cells) + "</table>")
            rows.clear()

    for line in text.split("\n"):
        if "|" in line:
            rows.append(line)
            continue
        flush()
        tag = rng.choice(["p", "p", "p", "div", "h3", "span", "li", "font"])
        body.append(f"<{tag}>{html.escape(line)}</{tag}>" if rng.random() > 0.05 else f"<{tag}>{html.escape(line)}")
    flush()
    script = f"<script>var t = '{SCRIPT_MARK}'; document.write('<p>{SCRIPT_MARK}</p>');</script>"
    pos = rng.randrange(len(body) + 1)
    body.insert(pos, script)
    notes.append("html.script")
    if rng.random() < 0.1:
        depth = rng.choice([50, 200, 300, 2000])
        body.insert(rng.randrange(len(body) + 1), "<div>" * depth + "深层文字" + "</div>" * depth)
        notes.append(f"html.nested{depth}")
    if rng.random() < 0.1:
        body.insert(rng.randrange(len(body) + 1), "<!-- " + SCRIPT_MARK + " -->")
        body.insert(rng.randrange(len(body) + 1), f"<style>.x{{content:'{SCRIPT_MARK}'}}</style>")
        notes.append("html.comment_style")
    encoding = rng.choice(["utf-8", "utf-8", "gb18030", "gbk", "big5", "utf-16"])
    declared = rng.choice([encoding, encoding, "gb2312", "utf-8", "iso-8859-1", "bogus", ""])
    notes.append(f"html.{encoding}.declared-{declared or 'none'}")
    meta = f'<meta charset="{declared}">' if declared else ""
    page = (
        f"<!DOCTYPE html><html><head>{meta}<title>年度报告</title>"
        f"<script>var leak = '{SCRIPT_MARK}';</script></head><body>"
        '<div class="nav"><a href="/">首页</a></div><div class="TRS_Editor">'
        + "\n".join(body)
        + "</div><div class='footer'>版权所有</div></body></html>"
    )
    return page.encode(encoding, errors="xmlcharrefreplace"), notes


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def make_docx(text: str, rng: random.Random) -> tuple[bytes, list[str]]:
    """A Word file of the text (``|`` rows as a table), built with python-docx."""
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            cells = table._cells  # all at once: table.cell(r, k) walks the whole table each call
            for r, row in enumerate(rows):
                for k, cell in enumerate(row):
                    cells[r * width + k].text = cell
            rows.clear()

    for line in _XML_BAD.sub("", text).split("\n")[:3000]:  # python-docx refuses XML-illegal characters
        if "|" in line:
            rows.append([c.strip() for c in line.split("|")][:30])
            continue
        flush()
        document.add_paragraph(line)
    flush()
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_times(buf.getvalue()), []


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo is stored uncompressed unless told
    return info


def _fixed_times(data: bytes) -> bytes:
    """The zip with every entry dated 1980-01-01: python-docx stamps the clock, which would break replays."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(_entry(info.filename), src.read(info.filename))
    return out.getvalue()


def damage_docx(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Break the XML inside the zip (the zip stays readable), or the zip itself."""
    if rng.random() < 0.5:
        return damage_bytes(data, rng, 2)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/document.xml":
                part, _ = damage_bytes(part, rng, 2)
            z.writestr(_entry(info.filename), part)
    return out.getvalue(), ["docx.xml_damaged"]


PdfText = tuple[float, float, float, str]  # x, top, font size, text
PdfBox = tuple[float, float, float, float]  # x0, top, x1, bottom: a ruled rectangle


def pdf_document(
    pages: Sequence[tuple[Sequence[PdfText], Sequence[PdfBox]]],
    cmap: bytes = b"/UniGB-UCS2-H",
    ordering: bytes = b"(GB1) /Supplement 2",
) -> bytes:
    """A minimal A4 PDF: text in the built-in STSong-Light CJK font (no font file embedded), ruled boxes.

    With ``cmap=b"/Identity-H"`` and ``ordering=b"(Identity) /Supplement 0"`` the text layer has
    glyph ids only, as in PDFs whose embedded fonts lack a Unicode map.
    """
    height = 842
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    desc = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering %s >> /FontDescriptor %d 0 R /DW 1000 >>" % (ordering, desc)
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding %s /DescendantFonts [%d 0 R] >>"
        % (cmap, cid)
    )
    contents = []
    for texts, boxes in pages:
        ops = [
            f"BT /F1 {size} Tf {x} {height - top - size} Td <{s.encode('utf-16-be', errors='replace').hex()}> Tj ET"
            for x, top, size, s in texts
        ]
        ops += [f"{x0} {height - b} {x1 - x0} {b - t} re S" for x0, t, x1, b in boxes]
        stream = "\n".join(ops).encode()
        contents.append(add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)))
    parent = len(objs) + len(pages) + 1
    kids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, height, c, font)
        )
        for c in contents
    ]
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    root = add(b"<< /Type /Catalog /Pages %d 0 R >>" % parent)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, root, xref)
    return bytes(out)


def make_pdf(text: str, rng: random.Random, max_pages: int = 6) -> tuple[bytes, list[str]]:
    """The text as PDF lines of 30 characters, 40 to a page; a line with ``|`` gets a ruled box (a table row)."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines += [line[i : i + 30] for i in range(0, max(len(line), 1), 30)]
    per_page = 40
    pages = [lines[i : i + per_page] for i in range(0, min(len(lines), per_page * max_pages), per_page)] or [[""]]
    return pdf_document(
        [
            (
                [(60, 46 + 18 * k, 14, line) for k, line in enumerate(page)],
                [(55, 46 + 18 * k, 535, 64 + 18 * k) for k, line in enumerate(page) if "|" in line],
            )
            for page in pages
        ]
    ), []


def damage_pdf(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Broken xref (wrong offsets, none, garbage startxref), cut streams, or plain byte damage."""
    kind = rng.choice(["xref_offsets", "no_xref", "startxref", "cyclic_pages", "bytes"])
    if kind == "xref_offsets":
        out = re.sub(rb"\d{10} 00000 n", lambda m: b"%010d 00000 n" % rng.randrange(len(data)), data)
    elif kind == "no_xref":
        cut = data.rfind(b"xref")
        out = data[:cut] if cut > 0 else data
    elif kind == "startxref":
        out = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(10**9), data)
    elif kind == "cyclic_pages":  # a page tree whose node lists its own parent as a kid
        out = re.sub(rb"/Kids \[", b"/Kids [1 0 R 2 0 R ", data, count=1)
    else:
        return damage_bytes(data, rng)
    return out, [f"pdf.{kind}"]


# ----------------------------------------------------------------------------- cases


@dataclass
class Case:
    index: int
    carrier: str
    mutations: list[str]
    data: bytes | str
    suffix: str = ""


def make_case(seed: int, index: int, corpus: Corpus) -> Case:
    """Case ``index`` of run ``seed``: a function of the two numbers alone."""
    rng = random.Random(f"nlp_extract-fuzz:{seed}:{index}")
    carrier = rng.choices(CARRIERS, WEIGHTS)[0]
    text = rng.choice(corpus.texts)
    names = rng.sample(sorted(MUTATIONS), rng.choice([1, 1, 2, 2, 3]))
    for name in names:
        text = MUTATIONS[name](text, rng, corpus) or text
    if carrier == "text":
        if rng.random() < 0.1:
            text = _surrogates(text, rng, corpus)
            names.append("surrogates")
        return Case(index, carrier, names, text)
    if carrier in ("bytes", "txt"):
        data, enc = _encode(text, rng)
        names.append(f"encode.{enc}")
        if rng.random() < 0.5:
            data, done = damage_bytes(data, rng)
            names += done
        return Case(index, carrier, names, data, ".txt")
    if carrier == "html":
        data, notes = make_html(text, rng)
        names += notes
        if rng.random() < 0.2:
            data, done = damage_bytes(data, rng, 2)
            names += done
        return Case(index, carrier, names, data, rng.choice([".html", ".htm", ".txt"]))
    if carrier == "docx":
        if rng.random() < 0.15:
            data, names = corpus.docx, ["real_docx"]
        else:
            data, _ = make_docx(text, rng)
        if rng.random() < 0.3:
            data, done = damage_docx(data, rng)
            names += done
        return Case(index, carrier, names, data, ".docx")
    if rng.random() < 0.25:
        data, names = corpus.pdf, ["real_pdf"]
    else:
        data, _ = make_pdf(text, rng)
    if rng.random() < 0.5:
        data, done = damage_pdf(data, rng)
        names += done
    return Case(index, carrier, names, data, ".pdf")


# ----------------------------------------------------------------------------- running a case


@dataclass
class Outcome:
    index: int
    carrier: str
    mutations: list[str]
    status: str  # ok | input_error | crash
    message: str
    seconds: float
    peak_rss_kb: int
    child_rss_kb: int = 0
    size: int = 0
    trace: str = ""


def _peak_rss_kb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # Linux: VmHWM := current RSS


class CaseTimeout(Exception):
    """A case ran past ``--case-timeout``: a hang is a crash."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def problems(result: Any, raw: str, validate: Callable[[dict[str, Any]], None], carrier: str) -> list[str]:
    """What is wrong with an output: ungrounded items, schema errors, leaked script text."""
    out = []
    for item in [*result.spans, *result.stats]:
        if not (0 <= item.start <= item.end <= len(raw)) or raw[item.start : item.end] != item.text:
            out.append(f"ungrounded {type(item).__name__} {item.start}:{item.end} {item.text[:40]!r}")
    for s in result.sections:
        if raw[s.heading_start : s.heading_end] != s.title or not s.start <= s.heading_end <= s.end <= len(raw):
            out.append(f"ungrounded section {s.id} {s.heading_start}:{s.heading_end}")
    from nlp_extract.output import to_json

    try:
        obj = json.loads(to_json(result))
        validate(obj)
    except Exception as e:
        out.append(f"output: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
    if carrier == "html" and SCRIPT_MARK in raw:
        out.append("script, comment or style text reached the output")
    return out[:5]


def run_case(ex: Any, case: Case, validate: Callable[[dict[str, Any]], None], timeout: float) -> Outcome:
    """Run one case through the extractor in this process; never raises."""
    size = len(case.data)
    base = Outcome(case.index, case.carrier, case.mutations, "ok", "", 0.0, 0, 0, size)
    tmp = None
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    _reset_peak_rss()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        if case.carrier == "text":
            assert isinstance(case.data, str)
            result = ex.extract_text(case.data)
            raw = case.data
        elif case.carrier == "bytes":
            assert isinstance(case.data, bytes)
            result = ex.extract_bytes(case.data)
            raw = result.source.text
        else:
            assert isinstance(case.data, bytes)
            fd, tmp = tempfile.mkstemp(suffix=case.suffix, prefix="fuzz_")
            with os.fdopen(fd, "wb") as f:
                f.write(case.data)
            result = ex.extract_file(tmp)
            raw = result.source.text
        signal.setitimer(signal.ITIMER_REAL, 0)
        base.seconds = time.perf_counter() - start
        found = problems(result, raw, validate, case.carrier)
        if found:
            base.status, base.message = "crash", "; ".join(found)
    except InputError as e:
        base.status, base.message = "input_error", str(e)
        if "\n" in base.message:
            base.status = "crash"
            base.message = "InputError of several lines: " + base.message[:300]
    except CaseTimeout:
        base.status, base.message = "crash", f"hang: still running after {timeout:g} s"
    except Exception as e:
        base.status, base.message = "crash", f"{type(e).__name__}: {str(e)[:300]}"
        base.trace = traceback.format_exc(limit=-6)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    if not base.seconds:
        base.seconds = time.perf_counter() - start
    base.peak_rss_kb = _peak_rss_kb()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    base.child_rss_kb = children_after if children_after > children_before else 0
    return base


# ----------------------------------------------------------------------------- workers and the report

_STATE: dict[str, Any] = {}


def _init(seed: int, timeout: float) -> None:
    import jsonschema

    from nlp_extract import Extractor
    from nlp_extract.output import output_schema

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    validator = jsonschema.Draft202012Validator(output_schema())
    _STATE.update(ex=Extractor.load(), corpus=load_corpus(), seed=seed, timeout=timeout, validate=validator.validate)
    _STATE["ex"].extract_text(_STATE["corpus"].texts[0])  # warm up: model, jieba and OpenCC loaded before timing


def _work(index: int) -> Outcome:
    case = make_case(_STATE["seed"], index, _STATE["corpus"])
    return run_case(_STATE["ex"], case, _STATE["validate"], _STATE["timeout"])


def run(cases: Sequence[int], seed: int, jobs: int, timeout: float) -> Iterator[Outcome]:
    if jobs <= 1:
        _init(seed, timeout)
        yield from map(_work, cases)
        return
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs, initializer=_init, initargs=(seed, timeout), maxtasksperchild=500) as pool:
        yield from pool.imap_unordered(_work, cases, chunksize=8)


@dataclass
class Report:
    seed: int
    cases: int = 0
    seconds: float = 0.0
    by_status: Counter[str] = field(default_factory=Counter)
    by_carrier: dict[str, Counter[str]] = field(default_factory=dict)
    by_mutation: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    worst_time: dict[str, tuple[float, int, int]] = field(default_factory=dict)  # carrier -> (s, case, size)
    worst_rss: dict[str, tuple[int, int]] = field(default_factory=dict)  # carrier -> (kB, case)
    worst_child_rss: tuple[int, int] = (0, -1)
    crashes: list[Outcome] = field(default_factory=list)

    def add(self, o: Outcome) -> None:
        self.cases += 1
        self.by_status[o.status] += 1
        self.by_carrier.setdefault(o.carrier, Counter())[o.status] += 1
        self.by_mutation.update(m.split(".")[0] if m.startswith(("bytes.", "encode.")) else m for m in o.mutations)
        if o.status == "input_error":
            self.errors[_error_kind(o.message)] += 1
        if o.status == "crash":
            self.crashes.append(o)
        for key in (o.carrier, "all"):
            if o.seconds > self.worst_time.get(key, (0.0, -1, 0))[0]:
                self.worst_time[key] = (o.seconds, o.index, o.size)
            if o.peak_rss_kb > self.worst_rss.get(key, (0, -1))[0]:
                self.worst_rss[key] = (o.peak_rss_kb, o.index)
        if o.child_rss_kb > self.worst_child_rss[0]:
            self.worst_child_rss = (o.child_rss_kb, o.index)

    def text(self) -> str:
        lines = [
            f"fuzz: {self.cases} cases, seed {self.seed}, {self.seconds:.0f} s wall; "
            f"{self.by_status['ok']} ok, {self.by_status['input_error']} InputError, {self.by_status['crash']} crashes",
            "carrier   cases     ok  InputError  crash  worst time (case, bytes)        worst peak RSS (case)",
        ]
        for c in (*CARRIERS, "all"):
            counts = self.by_carrier.get(c) if c != "all" else self.by_status
            if not counts:
                continue
            t, i, size = self.worst_time.get(c, (0.0, -1, 0))
            rss, j = self.worst_rss.get(c, (0, -1))
            lines.append(
                f"{c:8} {sum(counts.values()):6} {counts['ok']:6} {counts['input_error']:11} {counts['crash']:6}  "
                f"{t:7.2f} s (#{i}, {size:,})".ljust(70)
                + f"{rss / 1024:7.0f} MB (#{j})"
            )
        if self.worst_child_rss[1] >= 0:
            rss, case = self.worst_child_rss
            lines.append(f"PDF child process: worst peak RSS {rss / 1024:.0f} MB (#{case})")
        lines.append("InputError kinds: " + ", ".join(f"{k} {n}" for k, n in self.errors.most_common(12)))
        lines.append("mutations: " + ", ".join(f"{k} {n}" for k, n in sorted(self.by_mutation.items())))
        for o in self.crashes[:50]:
            lines.append(f"CRASH #{o.index} {o.carrier} {o.mutations}: {o.message}")
            if o.trace:
                lines.append("    " + o.trace.strip().replace("\n", "\n    "))
        if self.crashes:
            lines.append(f"replay one: python benchmarks/fuzz.py --seed {self.seed} --case N --save DIR")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "cases": self.cases,
            "seconds": round(self.seconds, 1),
            "status": dict(self.by_status),
            "carriers": {k: dict(v) for k, v in self.by_carrier.items()},
            "input_errors": dict(self.errors),
            "worst_time": {
                k: {"seconds": round(t, 3), "case": i, "bytes": s} for k, (t, i, s) in self.worst_time.items()
            },
            "worst_peak_rss_mb": {k: {"mb": round(r / 1024), "case": i} for k, (r, i) in self.worst_rss.items()},
            "worst_pdf_child_rss_mb": {"mb": round(self.worst_child_rss[0] / 1024), "case": self.worst_child_rss[1]},
            "crashes": [asdict(o) for o in self.crashes],
        }


def _error_kind(message: str) -> str:
    """An InputError's kind: its message without the file name and numbers."""
    msg = re.sub(r"^\S*fuzz_\S*?(:|\s)\s*", "", message)
    msg = re.sub(r"\d[\d,]*", "N", msg)
    return " ".join(msg.split()[:7])


# ----------------------------------------------------------------------------- the worst inputs the limits let in

# text shapes that once made a stage quadratic (now linear), and plain report text: each is run at
# the default limits (max_chars in all, lines of at most max_line_chars) to measure the bound
AT_LIMITS: dict[str, str] = {
    "report lines": "",
    "figures on long lines": "件四",
    "digit runs": "1234567890",
    "numbered lines": "1、2\n",
    "outline of headings": "一、\n1、2\n",
    "clauses on long lines": "；个",
    "figures under no heading": "申请1件\n",
    "places on long lines": "?5千本局(",
    "table rows": "1 | 2件\n",
}


def at_limits_text(shape: str, corpus: Corpus) -> str:
    from nlp_extract.limits import DEFAULT_LIMITS as L

    if not AT_LIMITS[shape]:
        rng = random.Random(0)
        lines = [ln for t in corpus.texts for ln in t.split("\n")]
        out: list[str] = []
        size = 0
        while size < L.max_chars:
            out.append(rng.choice(lines))
            size += len(out[-1]) + 1
        return "\n".join(out)[: L.max_chars]
    atom = AT_LIMITS[shape]
    line = (atom * (L.max_line_chars // len(atom)))[: L.max_line_chars - 1]
    text = ((line + "\n") * (L.max_chars // len(line) + 1)) if "\n" not in atom else line
    return (text * (L.max_chars // len(text) + 1))[: L.max_chars]


def run_at_limits() -> list[dict[str, Any]]:
    """Each shape at the limits, in a fresh process each (peak RSS of that input alone)."""
    import subprocess

    rows = []
    code = "import json, sys; sys.path.insert(0, sys.argv[1]); import fuzz; print(json.dumps(fuzz.probe(sys.argv[2])))"
    for shape in AT_LIMITS:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(ROOT / "benchmarks"), shape], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            rows.append({"shape": shape, "error": proc.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return rows


def probe(shape: str) -> dict[str, Any]:
    """Child of :func:`run_at_limits`: one shape, timed, with the process's peak RSS."""
    from nlp_extract import Extractor

    ex = Extractor.load()
    corpus = load_corpus()
    ex.extract_text(corpus.texts[0])
    text = at_limits_text(shape, corpus)
    _reset_peak_rss()
    start = time.perf_counter()
    result = ex.extract_text(text)
    return {
        "shape": shape,
        "chars": len(text),
        "longest_line": max(len(x) for x in text.split("\n")),
        "seconds": round(time.perf_counter() - start, 2),
        "peak_rss_mb": round(_peak_rss_kb() / 1024),
        "spans": len(result.spans),
        "stats": len(result.stats),
    }


def save_case(case: Case, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"case_{case.index}{case.suffix or '.str.txt'}"
    if isinstance(case.data, str):
        path.write_bytes(case.data.encode("utf-8", "surrogatepass"))
    else:
        path.write_bytes(case.data)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cases", type=int, default=1000, help="number of cases (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="run seed: case k is the same in every run with this seed")
    ap.add_argument("--start", type=int, default=0, help="first case index (default 0)")
    ap.add_argument("--case", type=int, help="run this one case only (with --save: write its input)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: one per CPU)")
    ap.add_argument("--case-timeout", type=float, default=300.0, help="a case running longer is a hang (default 300 s)")
    ap.add_argument("--save", type=Path, help="write the input of every crashing case here")
    ap.add_argument("--json", type=Path, help="write the report as JSON here")
    ap.add_argument("--at-limits", action="store_true", help="instead: time the worst text shapes at the limits")
    args = ap.parse_args(argv)
    if args.at_limits:
        for row in run_at_limits():
            print(json.dumps(row, ensure_ascii=False))
        return 0
    indices = [args.case] if args.case is not None else list(range(args.start, args.start + args.cases))
    report = Report(args.seed)
    start = time.perf_counter()
    step = max(1, len(indices) // 20)
    for n, outcome in enumerate(run(indices, args.seed, args.jobs if len(indices) > 1 else 1, args.case_timeout), 1):
        report.add(outcome)
        if outcome.status == "crash" and args.save:
            save_case(make_case(args.seed, outcome.index, load_corpus()), args.save)
        if n % step == 0 and len(indices) > 1:
            print(f"  {n}/{len(indices)} cases, {report.by_status['crash']} crashes", file=sys.stderr, flush=True)
    report.seconds = time.perf_counter() - start
    if args.case is not None:
        if args.save:
            print(f"input: {save_case(make_case(args.seed, args.case, load_corpus()), args.save)}")
        print(json.dumps(asdict(report.crashes[0]) if report.crashes else {"status": report.by_status.most_common(1)}))
    print(report.text())
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
