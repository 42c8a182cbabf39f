"""Readers: a report file as users find it (txt, HTML page, .docx/.doc, PDF) -> one analysis text.

The text that comes out is what every offset indexes, so all formats follow one layout: one
paragraph or heading per line, and each table row on its own line with its cells joined by
``" | "`` (an empty cell is an empty string between the bars; a merged cell's text is repeated
in every grid position it covers).  The statistics parser reads tables in exactly that form.

The format is sniffed from the bytes first (a ``.txt`` that is really an HTML page or a Word
file is read as what it is) and from the suffix second.  Every failure is an ``InputError``
with a one-line message; library exceptions never escape.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from .decode import decode_bytes
from .errors import InputError
from .limits import DEFAULT_LIMITS, Limits, check_size, check_text
from .stats.numbers import is_not_reported, parse_cell  # what a table cell's figure is, as the statistics read it

__all__ = ["Document", "read_document"]

CELL_SEP = " | "
CONVERT_TIMEOUT = 120.0  # seconds LibreOffice may take for one legacy .doc
_T = TypeVar("_T")


@dataclass(frozen=True)
class Document:
    """The analysis text of a file; ``encoding`` names the bytes it was decoded from.

    ``format`` is one of ``txt``, ``html``, ``docx``, ``doc``, ``pdf``.  For a Word file the
    encoding is that of its XML (``utf-8``); for a PDF, whose text layer has no byte encoding,
    it is ``unicode``.
    """

    text: str
    encoding: str
    format: str


def read_document(path: str | Path, limits: Limits | None = None, *, max_bytes: int | None = None) -> Document:
    """Read a report file of any supported format; raise ``InputError`` with a one-line reason.

    ``limits`` bounds the file and its text (see :mod:`nlp_extract.limits`); ``max_bytes``
    overrides its ``max_bytes`` alone.
    """
    limits = limits or DEFAULT_LIMITS
    if max_bytes is not None:  # as before limits existed: caps the file and a .docx's inflated parts
        limits = replace(limits, max_bytes=max_bytes, max_unpacked_bytes=min(max_bytes, limits.max_unpacked_bytes))
    doc = _read_document(Path(path), limits)
    check_text(doc.text, limits, str(path))
    return doc


def _read_document(p: Path, limits: Limits) -> Document:
    data = _read_bytes(p, limits.max_bytes)
    kind = _sniff(p.suffix.lower(), data)
    name = str(p)
    if kind == "pdf":
        return Document(_read_pdf_isolated(data, name, limits), "unicode", "pdf")
    if kind == "zip":
        return Document(_guard(name, ".docx", lambda: _read_docx(data, name, limits)), "utf-8", "docx")
    if kind in ("ole", "rtf"):
        docx_bytes = _convert_legacy(data, name, ".doc" if kind == "ole" else ".rtf", p.suffix.lower(), limits)
        return Document(_guard(name, "converted .doc", lambda: _read_docx(docx_bytes, name, limits)), "utf-8", "doc")
    if kind == "image":
        raise InputError(f"{name} is an image, not a text document; it needs OCR")
    if kind == "mht":
        raise InputError(f"{name} is a web archive (.mht); open it in a browser and save it as .html")
    if kind == "html":
        text, encoding = _guard(name, "HTML", lambda: _read_html(data, name))
        return Document(text, encoding, "html")
    try:
        text, encoding = decode_text(data, limits)
    except InputError as e:
        raise InputError(f"{name}: {e}") from None
    return Document(text, encoding, "txt")


def decode_text(data: bytes, limits: Limits) -> tuple[str, str]:
    """``decode_bytes`` within the limits: bytes that must hold too many characters are not decoded at all.

    Every supported encoding takes at most 4 bytes a character, so over ``4 * max_chars`` bytes
    the text is too long whatever the encoding, and the detector never sees it.
    """
    check_size(len(data), limits)
    if len(data) > 4 * limits.max_chars:
        raise InputError(f"{len(data):,} bytes hold more text than the {limits.max_chars:,}-character limit")
    text, encoding = decode_bytes(data)
    check_text(text, limits)
    return text, encoding


def _guard(name: str, what: str, read: Callable[[], _T]) -> _T:
    """Run a reader; anything a library raises becomes a one-line ``InputError``."""
    try:
        return read()
    except InputError:
        raise
    except Exception as e:  # library internals: never a traceback for a bad file
        raise InputError(f"{name}: cannot read this {what} file ({_reason(e)})") from None


def _reason(e: BaseException) -> str:
    first = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
    return f"{type(e).__name__}: {first}" if first else type(e).__name__


# ----------------------------------------------------------------------------- bytes and sniffing


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing missing, non-regular, empty and oversized files up front."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(f"no such file: {p}") from None
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror or e}") from None
    if p.is_dir():
        raise InputError(f"{p} is a directory, not a report file")
    if st.st_size > max_bytes:  # refused before a byte is read
        raise InputError(f"{p} is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror or e}") from None
    if len(data) > max_bytes:  # a growing file or a special file
        raise InputError(f"{p} is over the {max_bytes:,}-byte limit")
    if not data.strip():
        raise InputError(f"{p} is empty")
    return data


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
_HTML_TAGS = (b"<html", b"<head", b"<body", b"<meta", b"<title", b"<div", b"<p>", b"<p ", b"<table", b"<br")


def _sniff(suffix: str, data: bytes) -> str:
    """``pdf``, ``zip``, ``ole``, ``rtf``, ``image``, ``mht``, ``html`` or ``txt``: content first, suffix second."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(_OLE):
        return "ole"
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(_IMAGES):
        return "image"
    if data.lstrip()[:40].lower().startswith(b"mime-version:"):
        return "mht"
    if suffix in _HTML_SUFFIXES or _looks_like_html(data):
        return "html"
    return "txt"


def _looks_like_html(data: bytes) -> bool:
    """Markup at the start: a page saved as .txt (or served as .doc) is still a page."""
    head = data[:4096]
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[2:].decode(codec, errors="ignore").encode("ascii", errors="ignore")
    head = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith(b"<") and sum(tag in head for tag in _HTML_TAGS) >= 2


# ----------------------------------------------------------------------------- shared text helpers

_WIDE_PUNCT = frozenset("“”‘’…—·•●○■□")


def _wide(ch: str) -> bool:
    """CJK and full-width characters, between which a line break or a layout gap is not a space."""
    return ch in _WIDE_PUNCT or unicodedata.east_asian_width(ch) in ("W", "F")


def _join_pieces(pieces: Iterable[str], *, cell: bool = False) -> str:
    """Join wrapped pieces of one paragraph or cell: nothing next to CJK, a space between words.

    In a table ``cell`` digits on both sides of a break are one number that the column's width
    broke (``19`` / ``139`` in a narrow PDF column): a cell of the forms holds one figure.
    """
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        broken_number = cell and _NUMBER_BREAK.match(out[-1:] + piece[0])
        if out and not _wide(out[-1]) and not _wide(piece[0]) and not broken_number:
            out += " "
        out += piece
    return out


_NUMBER_BREAK = re.compile(r"\d[\d.,]|[.,]\d")  # 19|139, 1,2|04, 12|.5, 12.|5


_WS_RUN = re.compile(r"[ \t\n\r\f\v\xa0]+")


def _collapse(raw: str) -> str:
    """HTML-style white-space collapsing; a line break next to a CJK character disappears.

    Word's "save as web page" wraps Chinese text mid-sentence; browsers drop such breaks
    between CJK characters (CSS Text 3 segment-break rules) rather than showing a space, and
    in Chinese text a break next to a half-width comma or a digit is no word space either.
    """

    def repl(m: re.Match[str]) -> str:
        s, e = m.start(), m.end()
        if ("\n" in m.group() or "\r" in m.group()) and s > 0 and e < len(raw) and (_wide(raw[s - 1]) or _wide(raw[e])):
            return ""
        return " "

    return _WS_RUN.sub(repl, raw).strip()


def _cell_text(lines: Iterable[str]) -> str:
    """One table cell on one line: pieces joined CJK-aware, no bar that would split the row."""
    return _join_pieces((_collapse(x) for x in lines), cell=True).replace("|", "¦")


def _table_lines(grid: Sequence[Sequence[str]]) -> list[str]:
    """Rows of a cell grid as ``" | "`` lines; rows with no text at all carry nothing and are dropped."""
    return [CELL_SEP.join(row) for row in grid if any(cell for cell in row)]


_HEADING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百\d]+[部分章节条]|[一二三四五六七八九十]{1,3}[、．.]|"
    r"[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|\d{1,2}\s*[、．.](?!\d)|[①-⑳])"
)


# ----------------------------------------------------------------------------- HTML


def _read_html(data: bytes, name: str) -> tuple[str, str]:
    """Decode by the declared charset, find the report's container, emit blocks and table grids."""
    from lxml import html as lxml_html

    text, encoding = _decode_html(data)
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        # NULs (damaged downloads) would reach the text as U+FFFD: they are nothing, drop them
        root = lxml_html.document_fromstring(text.replace("\x00", "").encode("utf-8"), parser=parser)
    except Exception as e:
        if "empty" in str(e).lower():
            raise InputError(f"{name}: the HTML page has no content") from None
        raise
    if any("excessive depth" in err.message.lower() for err in parser.error_log):
        # libxml2 stops at 256 levels and drops what is deeper: refuse rather than lose text silently
        raise InputError(f"{name}: the HTML page is nested over {_HTML_MAX_DEPTH} elements deep (unclosed tags?)")
    lines = _html_lines(root)
    if not lines:
        raise InputError(f"{name}: the HTML page has no text")
    return "\n".join(lines) + "\n", encoding


_HTML_MAX_DEPTH = 255  # libxml2's limit without XML_PARSE_HUGE, kept: the tree walks here recurse per level

_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs", "big5hkscs": "big5hkscs"}
_SINGLE_BYTE_WESTERN = frozenset({"iso8859-1", "cp1252", "ascii", "iso8859-15"})  # codecs.lookup() names


def _decode_html(data: bytes) -> tuple[str, str]:
    """Honour a BOM, then the page's ``<meta charset>`` / ``http-equiv`` declaration, then sniff.

    GB2312/GBK declarations are read as GB18030, their superset: pages declaring gb2312 routinely
    contain GBK-only characters.  A western single-byte declaration on a page with non-ASCII
    bytes is almost always wrong for these reports, so it is ignored in favour of sniffing.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data)
    declared = _declared_charset(data)
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = ""
        codec = _WIDEN.get(codec.replace("-", "").replace("_", ""), codec)
        if codec and not (codec in _SINGLE_BYTE_WESTERN and not data.isascii()):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                pass  # a wrong declaration: sniff instead
    return decode_bytes(data)


def _declared_charset(data: bytes) -> str | None:
    """The charset a page's ``<meta>`` tags declare, read with the HTML parser from the page's head."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding="iso-8859-1", remove_comments=True)  # bytes as-is, whatever they are
    try:
        root = lxml_html.document_fromstring(data[:65536], parser=parser)
    except Exception:
        return None
    for meta in root.iter("meta"):
        if charset := (meta.get("charset") or "").strip():
            return charset
        if (meta.get("http-equiv") or "").strip().lower() == "content-type":
            for part in (meta.get("content") or "").split(";"):
                key, _, value = part.partition("=")
                if key.strip().lower() == "charset" and value.strip():
                    return value.strip().strip("'\"")
    return None


_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "canvas", "map", "select", "option", "button", "input", "textarea", "audio", "video", "source", "track",
    "head", "title", "meta", "link", "base",
})  # fmt: skip
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "section",
    "article", "main", "header", "footer", "aside", "nav", "pre", "address", "center", "figure", "figcaption", "hr",
    "form", "fieldset", "legend", "details", "summary", "caption", "table", "thead", "tbody", "tfoot", "tr", "td",
    "th", "body", "html",
})  # fmt: skip
_CHROME_TAGS = frozenset({"nav", "aside", "footer"})
_CHROME_PREFIXES = (
    "nav", "menu", "share", "bdshare", "breadcrumb", "crumb", "footer", "sidebar", "toolbar", "copyright", "pagination",
)  # fmt: skip
# exact names only: "print"/"bottom" also start the names of article wrappers (printContent)
_CHROME_NAMES = frozenset({
    "position", "location", "foot", "tools", "related", "print", "bottom", "fontsize", "font-size", "dqwz", "wzdh",
    "pager", "header", "head", "top", "search",
})  # fmt: skip
# Containers government CMSs put the report in, most specific first (class or id, any case).
_CONTAINERS = (
    "trs_editor", "trs_ueditor", "ucap-content", "zoom", "xxgk_content", "xxgk-content", "article-content",
    "article_content", "vsb_content", "v_news_content", "pages_content", "news_content", "detail-content",
    "detail_content", "content_text", "contenttext", "wzcon", "zw", "content", "article", "main-content",
)  # fmt: skip


def _tag(el: Any) -> str | None:
    """Lower-case tag name; None for comments, processing instructions and entities."""
    return el.tag.lower() if isinstance(el.tag, str) else None


def _names(el: Any) -> list[str]:
    return [t.lower() for t in (el.get("class") or "").split() + (el.get("id") or "").split()]


def _hidden(el: Any) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style


def _chrome_like(el: Any) -> bool:
    """Navigation, share bars, breadcrumbs, footers: by tag or by class/id name."""
    if _tag(el) in _CHROME_TAGS:
        return True
    return any(n in _CHROME_NAMES or n.startswith(_CHROME_PREFIXES) for n in _names(el))


def _text_sizes(root: Any) -> tuple[dict[Any, int], dict[Any, int]]:
    """Per element: visible non-link characters, all of them and without chrome (bottom-up passes)."""
    order = list(root.iter())
    raw: dict[Any, int] = {}
    for el in reversed(order):
        raw[el] = _sized(el, raw, lambda child: False)
    total = raw.get(root, 0)
    own: dict[Any, int] = {}
    for el in reversed(order):
        own[el] = _sized(el, own, lambda child: _chrome_like(child) and raw.get(child, 0) < 0.5 * total)
    return raw, own


def _sized(el: Any, sizes: dict[Any, int], dropped: Callable[[Any], bool]) -> int:
    """Visible characters of ``el`` from its children's sizes; links, hidden and script text count 0."""
    tag = _tag(el)
    if tag is None or tag in _SKIP_TAGS or tag == "a" or _hidden(el):
        return 0
    n = _visible_len(el.text)
    for child in el:
        n += (0 if dropped(child) else sizes.get(child, 0)) + _visible_len(child.tail)
    return n


def _visible_len(s: str | None) -> int:
    return len("".join(s.split())) if s else 0


def _is_chrome(el: Any, raw: dict[Any, int], page_total: int) -> bool:
    """Chrome by name, unless it holds half the page (then it is a badly named wrapper)."""
    return _chrome_like(el) and raw.get(el, 0) < 0.5 * page_total


def _find_container(body: Any, raw: dict[Any, int], own: dict[Any, int]) -> Any:
    """A known CMS container holding most of the text, else the innermost element holding 85% of it."""
    node = body
    while True:
        kids = [k for k in node if _tag(k) is not None and own.get(k, 0) > 0 and not _is_chrome(k, raw, raw[body])]
        if not kids:
            break
        best = max(kids, key=lambda k: own[k])
        if own[best] < 0.85 * own[node]:
            break
        node = best
    dense = own.get(node, 0)
    named: dict[str, list[Any]] = {}
    for el in body.iter():
        if _tag(el) is not None:
            for n in _names(el):
                named.setdefault(n, []).append(el)
    for name in _CONTAINERS:
        if name in named:
            best = max(named[name], key=lambda k: own.get(k, 0))
            if own.get(best, 0) >= max(0.5 * dense, 1):
                return best
    return node


def _html_lines(root: Any) -> list[str]:
    body = root.find("body")
    if body is None:
        body = root
    raw, own = _text_sizes(body)
    container = _find_container(body, raw, own)

    def is_chrome(el: Any) -> bool:
        return _is_chrome(el, raw, raw[body])

    lines = _LineBuilder()
    _walk(container, lines, is_chrome)
    out = lines.lines()
    if not out:  # everything in the container looked like chrome: better too much text than none
        lines = _LineBuilder()
        _walk(container, lines, lambda el: False)
        out = lines.lines()
    return _with_title(root, body, container, out, is_chrome) + out


class _LineBuilder:
    """Collects raw text and breaks it into collapsed, non-empty lines at block boundaries."""

    def __init__(self) -> None:
        self._done: list[str] = []
        self._buf: list[str] = []

    def text(self, s: str | None) -> None:
        if s:
            self._buf.append(s)

    def newline(self) -> None:
        line = _collapse("".join(self._buf))
        self._buf.clear()
        if line:
            self._done.append(line)

    def line(self, s: str) -> None:
        self.newline()
        self._done.append(s)

    def lines(self) -> list[str]:
        self.newline()
        return list(self._done)


def _walk(el: Any, out: _LineBuilder, is_chrome: Callable[[Any], bool]) -> None:
    """Emit an element's text: block elements on their own lines, data tables as cell grids."""
    tag = _tag(el)
    if tag == "br":
        out.newline()
        return
    if tag == "table" and not _is_layout_table(el):
        out.newline()
        for caption in el.iterchildren("caption"):
            out.line(_cell_text([caption.text_content()]))
        for row in _table_lines(_html_grid(el, is_chrome)):
            out.line(row)
        return
    if tag == "pre":
        out.newline()
        for piece in el.text_content().splitlines():
            out.line(" ".join(piece.split()))
        out.newline()
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.newline()
    out.text(el.text)
    for child in el:
        ctag = _tag(child)
        if ctag is not None and ctag not in _SKIP_TAGS and not _hidden(child) and not is_chrome(child):
            _walk(child, out, is_chrome)
        out.text(child.tail)
    if block:
        out.newline()


def _direct_rows(table: Any) -> Iterator[Any]:
    """The table's own rows (not those of nested tables)."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (r for r in child if _tag(r) == "tr")


def _is_layout_table(table: Any) -> bool:
    """An HTML table used for page layout (see :func:`_is_layout`) is read as blocks."""
    rows = [[c for c in row if _tag(c) in ("td", "th")] for row in _direct_rows(table)]
    return _is_layout(
        next(table.iterdescendants("table"), None) is not None,
        [len(cells) for cells in rows],
        (_visible_len(c.text_content()) for cells in rows for c in cells),
    )


def _is_layout(nested: bool, widths: Sequence[int], cell_lengths: Iterable[int]) -> bool:
    """A table used for layout, not data, in a page or a Word file: it holds a table, has one column,
    or a cell of running text (``cell_lengths``, visible characters, is read only as far as needed).
    Its cells are read as blocks: paragraphs, and the tables inside them."""
    return nested or not widths or max(widths) < 2 or any(n > 400 for n in cell_lengths)


def _span(value: str | None, limit: int) -> int:
    try:
        n = int((value or "1").strip())
    except ValueError:
        return 1
    return limit if n == 0 else max(1, min(n, limit))  # rowspan="0": to the end of the table


def _html_grid(table: Any, is_chrome: Callable[[Any], bool]) -> list[list[str]]:
    """The table as a rectangular grid, rowspan/colspan expanded (a merged cell fills every slot)."""
    rows = list(_direct_rows(table))
    filled: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if _tag(cell) not in ("td", "th"):
                continue
            while (r, c) in filled:
                c += 1
            rowspan = _span(cell.get("rowspan"), len(rows) - r)
            colspan = _span(cell.get("colspan"), 200)
            sub = _LineBuilder()
            _walk(cell, sub, is_chrome)
            text = _cell_text(sub.lines())
            for dr in range(rowspan):
                for dc in range(colspan):
                    filled.setdefault((r + dr, c + dc), text)
            c += colspan
    width = max((c for _, c in filled), default=-1) + 1
    return [[filled.get((r, c), "") for c in range(width)] for r in range(len(rows))]


_TITLE_WORDS = ("报告", "年报")
_INFO_WORDS = ("发布时间", "发布日期", "日期：", "日期:", "来源：", "来源:", "发布机构", "成文日期", "时间：", "时间:")


def _with_title(
    root: Any, body: Any, container: Any, lines: Sequence[str], is_chrome: Callable[[Any], bool]
) -> list[str]:
    """The report title (and the date/source line under it) when the container leaves them out.

    CMS pages usually put the title and "发布时间" bar above the content box; the metadata
    step needs both.
    """
    if any(len(ln) < 80 and any(w in ln for w in _TITLE_WORDS) for ln in lines[:6]):
        return []
    inside = set(container.iter())
    above = set(container.iterancestors())
    title_el = None
    for el in body.iter():
        if el in inside:
            break
        tag = _tag(el)
        if tag is None or el in above or _in_skipped(el, body, is_chrome):
            continue
        if tag in ("h1", "h2", "h3", "h4") or any("title" in n or n in ("bt", "tit") for n in _names(el)):
            text = _collapse(el.text_content())
            if 6 <= len(text) <= 120 and any(w in text for w in _TITLE_WORDS):
                title_el = el
    if title_el is None:
        page_title = _collapse(root.findtext(".//title") or "")
        for sep in ("_", "|", "｜", " - ", "——", "-"):
            page_title = next((p for p in page_title.split(sep) if any(w in p for w in _TITLE_WORDS)), page_title)
        return [page_title.strip()] if any(w in page_title for w in _TITLE_WORDS) else []
    out = [_collapse(title_el.text_content())]
    taken: list[Any] = []
    seen_title = False
    for el in body.iter():
        if el is title_el:
            seen_title = True
            continue
        if el in inside:
            break
        if not seen_title or _tag(el) is None or el in above or any(el in set(t.iter()) for t in taken):
            continue
        if title_el in set(el.iterancestors()) or _in_skipped(el, body, is_chrome):
            continue
        text = _collapse(el.text_content())
        if 0 < len(text) <= 120 and any(w in text for w in _INFO_WORDS) and len(taken) < 3:
            taken.append(el)
            out.append(text)
    return out


def _in_skipped(el: Any, body: Any, is_chrome: Callable[[Any], bool]) -> bool:
    for a in (el, *el.iterancestors()):
        if a is body:
            return False
        tag = _tag(a)
        if tag in _SKIP_TAGS or tag == "a" or _hidden(a) or is_chrome(a):
            return True
    return False


# ----------------------------------------------------------------------------- DOCX and legacy .doc


def _read_docx(data: bytes, name: str, limits: Limits) -> str:
    """Body paragraphs and tables in document order; merged cells repeated over the grid."""
    import docx
    from docx.oxml.ns import qn

    _check_zip(data, name, limits.max_unpacked_bytes)
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    p_tag, tbl_tag, sdt_tag, content_tag = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
    tr_tag, tc_tag = qn("w:tr"), qn("w:tc")

    def blocks(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == p_tag:
                # a soft line break starts a new line; tabs stay (tab-aligned rows are tables to the parser)
                lines.extend(
                    x for x in (_SPACE_RUN.sub(" ", s).strip() for s in _docx_paragraph_text(child).split("\n")) if x
                )
            elif child.tag == tbl_tag and _is_docx_layout_table(child):
                for row in _docx_children(child, tr_tag):
                    for cell in _docx_children(row, tc_tag):
                        blocks(cell)
            elif child.tag == tbl_tag:
                lines.extend(_table_lines(_docx_grid(child)))
            elif child.tag == sdt_tag:  # content controls wrap ordinary paragraphs and tables
                for content in child.iterchildren(content_tag):
                    blocks(content)

    blocks(document.element.body)
    if not lines:
        raise InputError(f"{name}: the Word document has no text (scanned pages? it needs OCR)")
    return "\n".join(lines) + "\n"


_SPACE_RUN = re.compile(r"[ \f\v\r\xa0]+")


def _check_zip(data: bytes, name: str, max_unpacked: int) -> None:
    """Refuse zip bombs and non-Word zips before python-docx inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as e:
        raise InputError(f"{name}: corrupt .docx (not a readable zip archive: {_reason(e)})") from None
    members = {i.filename for i in infos}
    if "word/document.xml" not in members:
        if "content.xml" in members:
            raise InputError(f"{name}: an OpenDocument (.odt) file; save it as .docx")
        if any(m.startswith(("xl/", "ppt/")) for m in members):
            raise InputError(f"{name}: a spreadsheet or presentation, not a Word report")
        raise InputError(f"{name}: a zip archive that is not a .docx (no word/document.xml)")
    total = sum(i.file_size for i in infos)
    if len(infos) > 10_000 or total > max_unpacked or (total > 20_000_000 and total > 100 * len(data)):
        raise InputError(
            f"{name}: the .docx would expand to {total:,} bytes in {len(infos)} parts; refusing a zip bomb"
        )


def _docx_paragraph_text(p: Any) -> str:
    """A paragraph's visible text, including runs inside insertions, fields, smart tags and links.

    python-docx's ``Paragraph.text`` reads only direct runs and hyperlinks; deleted text and
    the fallback copy of alternate content are skipped here as Word would not show them.
    """
    from docx.oxml.ns import qn

    text_tag, tab_tag, br_tag, cr_tag = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
    skip = {qn("w:del"), qn("w:txbxContent"), qn("w:instrText"), qn("w:delText"), qn("w:pPr"), qn("w:rPr")}
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    hyphen = qn("w:noBreakHyphen")
    out: list[str] = []

    def visit(el: Any) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in skip or tag == fallback:
                continue
            if tag == text_tag:
                out.append(child.text or "")
            elif tag == tab_tag:
                out.append("\t")
            elif tag in (br_tag, cr_tag):
                out.append("\n")
            elif tag == hyphen:
                out.append("-")
            else:
                visit(child)

    visit(p)
    return "".join(out)


def _docx_children(el: Any, tag: str) -> Iterator[Any]:
    """Children of a Word element with this tag, through content controls (``w:sdt``) and custom XML."""
    from docx.oxml.ns import qn

    sdt, sdt_content, custom = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == sdt:
            for inner in child.iterchildren(sdt_content):
                yield from _docx_children(inner, tag)
        elif child.tag == custom:
            yield from _docx_children(child, tag)


def _is_docx_layout_table(tbl: Any) -> bool:
    """A Word table used for layout (see :func:`_is_layout`): a box around the report, say."""
    from docx.oxml.ns import qn

    tbl_tag, tr_tag, tc_tag, p_tag = qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:p")
    rows = [list(_docx_children(tr, tc_tag)) for tr in _docx_children(tbl, tr_tag)]
    return _is_layout(
        next(tbl.iterdescendants(tbl_tag), None) is not None,
        [len(cells) for cells in rows],
        (sum(_visible_len(_docx_paragraph_text(p)) for p in tc.iter(p_tag)) for cells in rows for tc in cells),
    )


def _docx_grid(tbl: Any) -> list[list[str]]:
    """The table's grid read from Word's table XML; a merged cell's text fills every grid slot it covers.

    A row starts after ``w:gridBefore`` empty slots; a cell covers ``w:gridSpan`` columns; a cell
    with ``w:vMerge`` (not ``restart``) continues the cell above at its grid column, and takes its
    text (none when nothing is above: a malformed merge costs that cell, not the table).  Rows
    and cells wrapped in content controls (``w:sdt``) or custom XML are read as Word shows them.
    """
    from docx.oxml.ns import qn

    tr_tag, tc_tag, val = qn("w:tr"), qn("w:tc"), qn("w:val")

    def number(el: Any, path: str, default: int) -> int:
        found = el.find(path)
        try:
            return max(0, min(int(found.get(val)), 1000)) if found is not None else default
        except (TypeError, ValueError):
            return default

    grid: list[list[str]] = []
    for tr in _docx_children(tbl, tr_tag):
        row = [""] * number(tr, f"{qn('w:trPr')}/{qn('w:gridBefore')}", 0)
        for tc in _docx_children(tr, tc_tag):
            span = max(1, number(tc, f"{qn('w:tcPr')}/{qn('w:gridSpan')}", 1))
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            col = len(row)
            if merge is not None and merge.get(val, "continue") != "restart":
                above = grid[-1] if grid else []
                text = above[col] if col < len(above) else ""
            else:  # every paragraph in the cell, nested tables included, in order
                text = _cell_text(_docx_paragraph_text(p) for p in tc.iter(qn("w:p")))
            row += [text] * span
        row += [""] * number(tr, f"{qn('w:trPr')}/{qn('w:gridAfter')}", 0)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _convert_legacy(data: bytes, name: str, kind: str, suffix: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A legacy Word file converted to .docx by LibreOffice when installed; else how to do it."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise InputError(
            f"{name}: legacy Word {kind} files are not supported; convert to .docx with LibreOffice: "
            f"soffice --headless --convert-to docx {shlex.quote(name)}"
        )
    kind = suffix if suffix in (".doc", ".rtf", ".wps", ".dot") else kind
    return _office_convert(data, name, office, kind, min(limits.timeout_s, CONVERT_TIMEOUT))


def _office_convert(data: bytes, name: str, office: str, suffix: str, timeout: float = CONVERT_TIMEOUT) -> bytes:
    """Run ``soffice --headless --convert-to docx`` in a private temp dir and profile, with a timeout."""
    with tempfile.TemporaryDirectory(prefix="nlp_extract_") as tmp:
        src = Path(tmp, "input" + suffix)
        src.write_bytes(data)
        outdir = Path(tmp, "out")
        profile = Path(tmp, "profile").as_uri()
        cmd = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(outdir), str(src)]  # fmt: skip
        try:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp
            )
        except OSError as e:
            raise InputError(f"{name}: cannot run LibreOffice ({office}): {e.strerror or e}") from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise InputError(f"{name}: LibreOffice did not convert the file within {timeout:g} s") from None
        result = outdir / "input.docx"
        if proc.returncode != 0 or not result.is_file():
            detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
            why = f": {detail[-1][:160]}" if detail else ""
            raise InputError(f"{name}: LibreOffice could not convert the file to .docx{why}")
        return result.read_bytes()


# ----------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class _PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    row: bool  # wide gaps inside: a row of a table without ruling lines; never joined


@dataclass(frozen=True)
class _PdfTable:
    top: float
    grid: tuple[tuple[str, ...], ...]
    ids: tuple[tuple[int | None, ...], ...]  # which merged cell fills each slot


@dataclass(frozen=True)
class _PdfPage:
    height: float
    items: tuple[_PdfLine | _PdfTable, ...]  # top to bottom


_CID = re.compile(r"\(cid:\d+\)")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_PDF_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from nlp_extract.readers import _pdf_child; _pdf_child()"
_OUT_OF_MEMORY = re.compile(r"MemoryError|failed to map segment|cannot allocate memory|out of memory", re.I)


def _read_pdf_isolated(data: bytes, name: str, limits: Limits) -> str:
    """:func:`_read_pdf` in a child process, killed after ``timeout_s`` and capped at ``max_memory_bytes``.

    pdfminer is pure Python over untrusted structure: a hostile file (cyclic page tree, endless
    content stream, broken xref it rebuilds by scanning) can loop or exhaust memory.  A child
    process is the one bound that holds in every caller (threads, pool workers, Dask).  Whatever
    way the child dies of the cap (a ``MemoryError``, a library it cannot map, a signal from a C
    allocation that failed), the user reads the one memory-limit message.
    """
    root = str(Path(__file__).resolve().parent.parent)
    cmd = [sys.executable, "-c", _PDF_CHILD, root, name, str(limits.max_pdf_pages), str(limits.max_memory_bytes)]
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=limits.timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"{name}: PDF extraction did not finish within {limits.timeout_s:g} s") from None
    except OSError as e:
        raise InputError(f"{name}: cannot start the PDF reader ({e.strerror or e})") from None
    if proc.returncode == 0:
        try:
            answer = json.loads(proc.stdout)
        except ValueError:
            answer = None
        if isinstance(answer, dict) and isinstance(answer.get("text"), str):
            return _LONE_SURROGATE.sub("\ufffd", answer["text"])  # a broken ToUnicode map can give half pairs
        if isinstance(answer, dict) and isinstance(answer.get("error"), str):
            raise InputError(answer["error"])
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode < 0 or _OUT_OF_MEMORY.search(stderr):  # killed, or died of the cap before it could answer
        raise _over_memory(name, limits.max_memory_bytes)
    detail = stderr.strip().splitlines()
    last = detail[-1][:160] if detail else f"exit code {proc.returncode}"
    raise InputError(f"{name}: cannot read this PDF file (the reader failed: {last})")


def _over_memory(name: str, budget: int) -> InputError:
    return InputError(f"{name}: the PDF needs more than {budget:,} bytes of memory to read")


def _pdf_child() -> None:
    """Body of the PDF child: bytes on stdin, ``{"text"}`` or ``{"error"}`` as JSON on stdout.

    The cap is the budget on top of the child's own size once pdfplumber is imported and the
    bytes are read: what an interpreter and its libraries take differs between machines, the
    room parsing gets must not.  Only the soft limit is set, and lifted once parsing ends, so
    the answer is always written.
    """
    name, max_pages, budget = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    import pdfplumber  # noqa: F401  (before the cap: its own libraries are not the PDF's cost)

    out = sys.stdout
    sys.stdout = sys.stderr  # whatever a library prints cannot corrupt the answer
    data = sys.stdin.buffer.read()

    def read() -> str:
        lift = _cap_address_space(budget)
        try:
            return _read_pdf(data, name, max_pages)
        except Exception as e:
            if _died_of_the_cap(e):
                raise _over_memory(name, budget) from None
            raise
        finally:
            lift()

    try:
        answer = {"text": _guard(name, "PDF", read)}
    except InputError as e:
        answer = {"error": str(e)}
    out.write(json.dumps(answer))
    out.flush()


def _cap_address_space(budget: int) -> Callable[[], None]:
    """Set the soft ``RLIMIT_AS`` to the current address space plus ``budget``; return the undo.

    Where the size cannot be read (no ``/proc``) or the limit not set, nothing is capped: the
    timeout still bounds the child.
    """
    try:
        import resource

        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            size = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = size + budget if hard == resource.RLIM_INFINITY else min(size + budget, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError, StopIteration):
        return lambda: None
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _died_of_the_cap(e: BaseException | None) -> bool:
    """``MemoryError``, or a library or mapping refused for lack of address space, anywhere in the chain."""
    seen = 0
    while e is not None and seen < 20:
        if isinstance(e, MemoryError) or (isinstance(e, (ImportError, OSError)) and _OUT_OF_MEMORY.search(str(e))):
            return True
        if isinstance(e, OSError) and e.errno == errno.ENOMEM:
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False


def _read_pdf(data: bytes, name: str, max_pages: int = DEFAULT_LIMITS.max_pdf_pages) -> str:
    """Text in reading order, page chrome removed, wrapped lines rejoined, ruled tables as grids."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:
        why = f"{type(e).__name__} {e!r}".lower()
        if "password" in why or "encrypt" in why:
            raise InputError(f"{name}: the PDF is password-protected") from None
        raise
    pages = []
    with pdf:
        if len(pdf.pages) > max_pages:
            raise InputError(f"{name}: the PDF has {len(pdf.pages):,} pages, over the {max_pages:,}-page limit")
        for page in pdf.pages:
            pages.append(_pdf_page(page))
            page.close()  # drop the page's parsed layout: long PDFs stay in bounded memory
    if not pages:
        raise InputError(f"{name}: the PDF has no pages")
    chars = "".join(it.text for pg in pages for it in pg.items if isinstance(it, _PdfLine))
    chars += "".join(c for pg in pages for it in pg.items if isinstance(it, _PdfTable) for r in it.grid for c in r)
    if sum(len(m) for m in _CID.findall(chars)) > 0.3 * len(chars):  # glyph ids, not characters
        raise InputError(f"{name}: the PDF's text layer cannot be decoded (fonts without a Unicode map); it needs OCR")
    pages = _drop_chrome(pages)
    lines = _pdf_text_lines(_merge_split_tables(pages))
    if not lines:
        raise InputError(f"{name} has no text layer; it needs OCR")
    return "\n".join(lines) + "\n"


def _visible_graphic(obj: dict[str, Any]) -> bool:
    """Keep text and visible strokes/fills; white background boxes are not table rulings."""
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    stroked = bool(obj.get("stroke")) and not _white(obj.get("stroking_color"))
    filled = bool(obj.get("fill")) and not _white(obj.get("non_stroking_color"))
    return stroked or filled


def _white(color: Any) -> bool:
    """Gray, RGB or CMYK white; patterns and unknown colour spaces count as visible."""
    if not isinstance(color, tuple | list) or not color or not all(isinstance(v, int | float) for v in color):
        return False
    if len(color) == 4:  # CMYK
        return all(v <= 0.02 for v in color)
    return all(v >= 0.98 for v in color)


def _pdf_page(page: Any) -> _PdfPage:
    """One page as lines and ruled tables, top to bottom; the tables' text is not repeated as lines."""
    page = page.dedupe_chars().filter(_visible_graphic)
    tables = [t for t in (_pdf_table(page, t) for t in page.find_tables()) if t is not None]
    boxes = [t[1] for t in tables]
    body = [c for c in page.chars if not any(_inside(c, b) for b in boxes)]
    upright = [c for c in body if c.get("upright", True)]
    if len(upright) >= 0.8 * len(body):  # rotated watermarks and margin notes go; a rotated page stays
        body = upright
    items: list[_PdfLine | _PdfTable] = [_pdf_line(cs) for cs in _cluster_lines(body)]
    items += [t[0] for t in tables]
    items = [it for it in items if not isinstance(it, _PdfLine) or it.text]
    items.sort(key=lambda it: it.top)
    return _PdfPage(float(page.height), tuple(items))


def _inside(c: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _cluster_lines(chars: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Characters grouped into visual lines (vertical middles within a line's extent), left to right."""
    lines: list[list[dict[str, Any]]] = []
    top = bottom = 0.0
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        if lines and top <= mid <= bottom:
            lines[-1].append(c)
            bottom = max(bottom, c["bottom"])
        else:
            lines.append([c])
            top, bottom = c["top"], c["bottom"]
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _join_chars(chars: Sequence[dict[str, Any]]) -> tuple[str, int]:
    """A line's text from its characters, and how many column-wide gaps it has.

    Gaps are spaces only between Latin words (over ~0.15 em) or wider than 1 em; the small gaps
    Word leaves between Chinese and digits ("2024 年") are layout, not text.
    """
    out: list[str] = []
    wide_gaps = 0
    prev: dict[str, Any] | None = None
    for c in chars:
        ch = c["text"]
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if prev is not None:  # the gap from the last visible character, across any space characters
            size = max(float(prev.get("size") or 0), float(c.get("size") or 0), 1.0)
            gap = c["x0"] - prev["x1"]
            if gap > 2 * size:
                wide_gaps += 1
            latin_gap = gap > 0.15 * size and not _wide(prev["text"][-1]) and not _wide(ch[0])
            if out[-1] != " " and (gap > size or latin_gap):
                out.append(" ")
        out.append(ch)
        prev = c
    return "".join(out).strip(), wide_gaps


def _pdf_line(chars: Sequence[dict[str, Any]]) -> _PdfLine:
    text, gaps = _join_chars(chars)
    size = statistics.median(float(c.get("size") or 0) for c in chars)
    return _PdfLine(
        text,
        min(c["x0"] for c in chars),
        max(c["x1"] for c in chars),
        min(c["top"] for c in chars),
        max(c["bottom"] for c in chars),
        size,
        gaps > 0,
    )


def _pdf_table(page: Any, table: Any) -> tuple[_PdfTable, tuple[float, float, float, float]] | None:
    """A ruled table as a grid; each merged cell's text fills every slot it covers.

    Single-column "tables" (boxes drawn around paragraphs) are not tables.
    """
    cells = [tuple(map(float, c)) for c in table.cells]
    if not cells:
        return None
    xs = _edges([c[0] for c in cells])
    ys = _edges([c[1] for c in cells])
    if len(xs) < 2 or len(ys) < 2:
        return None
    bx0, btop, bx1, bbottom = map(float, table.bbox)
    bbox = (bx0, btop, bx1, bbottom)
    chars = [c for c in page.chars if _inside(c, bbox)]
    grid: list[list[str]] = [[""] * len(xs) for _ in ys]
    ids: list[list[int | None]] = [[None] * len(xs) for _ in ys]
    for k, (x0, top, x1, bottom) in enumerate(cells):
        inner = [c for c in chars if _inside(c, (x0, top, x1, bottom))]
        text = _cell_text(_join_chars(line)[0] for line in _cluster_lines(inner))
        for r, y in enumerate(ys):
            if top - 1 <= y < bottom - 1:
                for j, x in enumerate(xs):
                    if x0 - 1 <= x < x1 - 1:
                        grid[r][j], ids[r][j] = text, k
    if not any(any(row) for row in grid):
        return None
    return _PdfTable(btop, tuple(map(tuple, grid)), tuple(map(tuple, ids))), bbox


def _edges(values: Iterable[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－―‐~～]\s*\d{1,4}\s*[-—–－―‐~～]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|"
    r"共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_EDGE_LINES = 2  # lines at each end of a page that may be header/footer
_EDGE_ZONE = 0.15  # ... and only within this fraction of the page height from its edge


def _edge_lines(page: _PdfPage) -> list[tuple[str, _PdfLine]]:
    lines = [it for it in page.items if isinstance(it, _PdfLine)]
    out = [("top", ln) for ln in lines[:_EDGE_LINES] if ln.bottom <= page.height * _EDGE_ZONE]
    out += [("bottom", ln) for ln in lines[-_EDGE_LINES:] if ln.top >= page.height * (1 - _EDGE_ZONE)]
    return out


def _chrome_key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _drop_chrome(pages: Sequence[_PdfPage]) -> list[_PdfPage]:
    """Remove page numbers at a page's ends and header/footer lines repeated across pages."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({(zone, _chrome_key(ln.text)) for zone, ln in _edge_lines(page)})
    need = max(2, (len(pages) + 1) // 2)
    out = []
    for page in pages:
        lines = [it for it in page.items if isinstance(it, _PdfLine)]
        ends = {id(ln) for ln in lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]}
        drop = {id(ln) for zone, ln in _edge_lines(page) if seen[(zone, _chrome_key(ln.text))] >= need}
        drop |= {id(ln) for ln in lines if id(ln) in ends and _PAGE_NUMBER.match(ln.text)}
        drop |= {id(ln) for _, ln in _edge_lines(page) if ln.text.isdigit() and len(ln.text) <= 4}
        out.append(_PdfPage(page.height, tuple(it for it in page.items if id(it) not in drop)))
    return out


def _merge_split_tables(pages: Sequence[_PdfPage]) -> list[_PdfLine | _PdfTable]:
    """All items in order; a table broken by a page keeps the text of merged cells split by the break.

    When a page ends with a table and the next starts with one of the same width, a multi-row
    cell at the top of the continuation whose text does not start a new item ("法提供" under
    "（四）无") is the rest of the cell above the break: both parts get the joined text.
    """
    items: list[_PdfLine | _PdfTable] = []
    for page in pages:
        for n, it in enumerate(page.items):
            prev = items[-1] if items else None
            if n == 0 and isinstance(it, _PdfTable) and isinstance(prev, _PdfTable) and _width(prev) == _width(it):
                prev, it = _stitch(prev, it)
                if it.grid and prev.grid and _split_row(prev.grid[-1], it.grid[0]):
                    last = tuple(
                        a if (not b or a == b) else _join_pieces([a, b], cell=True)
                        for a, b in zip(prev.grid[-1], it.grid[0], strict=False)
                    )
                    prev = replace(prev, grid=(*prev.grid[:-1], last))
                    it = replace(it, grid=it.grid[1:], ids=it.ids[1:])
                items[-1] = prev
                if not it.grid:
                    continue
            items.append(it)
    return items


_PERCENT = re.compile(r"^[-+]?\d[\d,.]*%$")


def _figure_cell(cell: str) -> bool:
    """A cell holding one figure (with or without its unit) or a not-reported mark: whole on its own."""
    return parse_cell(cell) is not None or is_not_reported(cell) or bool(_PERCENT.match(cell))


def _split_row(last: Sequence[str], first: Sequence[str]) -> bool:
    """The continuation's first row is the rest of the row a page break cut (``主动公开环境…环`` / ``境状况…``).

    Not when a column has a figure (or a not-reported mark) on both sides: a figure's cell is
    whole on its own, so the row below is another row (``2048`` / ``/``).
    """
    differs = False
    for a, b in zip(last, first, strict=False):
        if not b or a == b:
            continue
        if not a or _HEADING.match(b) or (_figure_cell(a) and _figure_cell(b)):
            return False
        differs = True
    return differs


def _width(t: _PdfTable) -> int:
    return len(t.grid[0]) if t.grid else 0


def _stitch(prev: _PdfTable, cont: _PdfTable) -> tuple[_PdfTable, _PdfTable]:
    pgrid = [list(r) for r in prev.grid]
    cgrid = [list(r) for r in cont.grid]
    for j in range(_width(cont)):
        cid, pid = cont.ids[0][j], prev.ids[-1][j]
        if cid is None or pid is None or (j > 0 and cont.ids[0][j - 1] == cid):
            continue
        if sum(1 for r in cont.ids if r[j] == cid) < 2:
            continue
        tail = cgrid[0][j]
        if tail and _HEADING.match(tail):
            continue
        joined = _join_pieces([pgrid[-1][j], tail], cell=True)
        for grid, ids, key in ((pgrid, prev.ids, pid), (cgrid, cont.ids, cid)):
            for r, row in enumerate(ids):
                for k, v in enumerate(row):
                    if v == key:
                        grid[r][k] = joined
    return (
        _PdfTable(prev.top, tuple(map(tuple, pgrid)), prev.ids),
        _PdfTable(cont.top, tuple(map(tuple, cgrid)), cont.ids),
    )


_CLOSERS = tuple("。！？：；;:!?")


def _pdf_text_lines(items: Sequence[_PdfLine | _PdfTable]) -> list[str]:
    """Lines of the text: tables as rows, hard-wrapped lines joined back into paragraphs.

    A line continues into the next when it reaches the right margin, does not end a sentence,
    and the next line is neither a heading (一、 （一） 1. …), first-line indented, nor a table
    row.  A line that starts with an enumerator but runs to the margin is the first line of a
    paragraph ("（一）主动公开情况。2024年，…"), so it does continue; a real heading stops short.
    """
    body = [it for it in items if isinstance(it, _PdfLine) and not it.row]
    long_lines = [ln for ln in body if len(ln.text) >= 10] or body
    if not long_lines:
        right = left = 0.0
    else:
        x1s = sorted(ln.x1 for ln in long_lines)
        x0s = sorted(ln.x0 for ln in long_lines)
        right = x1s[int(0.9 * (len(x1s) - 1))]
        left = x0s[int(0.1 * (len(x0s) - 1))]
    out: list[str] = []
    prev: _PdfLine | None = None
    for it in items:
        if isinstance(it, _PdfTable):
            out.extend(_table_lines(it.grid))
            prev = None
            continue
        if prev is not None and _continues(prev, it, left, right):
            out[-1] = _join_pieces([out[-1], it.text])
        else:
            out.append(it.text)
        prev = it
    return out


def _lead_width(text: str, size: float) -> float:
    """Width of a line's start up to its first break opportunity.

    A line that ends short of the margin may still be wrapped: the next word could not fit
    (``〔2021〕30号`` is not broken), so the gap it left counts as reaching the margin.
    """
    width = 0.0
    for k, ch in enumerate(text):
        if k and _ideograph(ch) and (_ideograph(text[k - 1]) or text[k - 1].isalnum()):
            break
        width += size if _wide(ch) else 0.55 * size
    return width


def _ideograph(ch: str) -> bool:
    return unicodedata.category(ch) == "Lo" and "CJK" in unicodedata.name(ch, "")


def _continues(a: _PdfLine, b: _PdfLine, left: float, right: float) -> bool:
    size = max(a.size, b.size, 1.0)
    return (
        not a.row
        and not b.row
        and a.x1 + _lead_width(b.text, b.size) >= right - 2 * size
        and not a.text.endswith(_CLOSERS)
        and not _HEADING.match(b.text)
        and b.x0 <= left + 0.8 * size
        and abs(a.size - b.size) <= 0.15 * size
    )
