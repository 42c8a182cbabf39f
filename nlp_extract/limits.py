"""Limits on one input: size, text length, line length, time and memory of the risky readers.

A corpus of scraped files holds some that are not reports at all (a log dump, a zip bomb, a
PDF that sends the parser into a loop).  Every stage after reading is linear in the text, so
checking sizes before the expensive stages bounds the time and memory of any text; the one
place a library can still hang or balloon, PDF parsing, runs in a child process under
``timeout_s`` and ``max_memory_bytes``.  Each limit breached is a one-line ``InputError``.
The memory cap is a budget on top of the child's own size (interpreter, pdfplumber, the file's
bytes), measured by the child itself: those differ between machines, the room parsing gets must
not.  The 6-page sample PDF (``tests/data/huaian_city_2024.pdf``) reads within 10 MB of budget
and fails under 5 MB.

Defaults, measured on one core (``python benchmarks/fuzz.py --at-limits``): real reports are
5-50 k characters with lines under 2 k.  1 M characters of report text (20x the largest report)
takes 6.4 s and 450 MB; the costliest text shape found at the same size (figures packed on
100 k-character lines) takes 38 s and the others 3-18 s, at most 710 MB.  Every stage is linear,
so halving ``max_chars`` halves these bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InputError

__all__ = ["DEFAULT_LIMITS", "Limits", "check_text"]


@dataclass(frozen=True)
class Limits:
    """Per-file bounds; ``Extractor(limits=...)`` and ``read_document(..., limits)`` take one."""

    max_bytes: int = 50_000_000  # file size: PDFs of scanned pages are the largest honest inputs
    max_chars: int = 1_000_000  # decoded / extracted text; the pipeline is linear, this bounds its time
    max_line_chars: int = 100_000  # one line: a paragraph is < 2 k; a longer "line" is a dump or a lost layout
    max_unpacked_bytes: int = 200_000_000  # a .docx's parts inflated (python-docx holds them all in memory)
    max_pdf_pages: int = 1_000  # report PDFs have 5-50 pages; pdfplumber takes ~0.1-0.5 s a page
    timeout_s: float = 120.0  # wall clock of PDF extraction and of a LibreOffice conversion
    max_memory_bytes: int = 2_000_000_000  # address space the PDF child may add to its own baseline for parsing

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_chars", "max_line_chars", "max_unpacked_bytes", "max_pdf_pages"):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be positive")
        if self.timeout_s <= 0 or self.max_memory_bytes < 1:
            raise ValueError("Limits.timeout_s and Limits.max_memory_bytes must be positive")


DEFAULT_LIMITS = Limits()

_LINE = re.compile(r"[^\r\n]+")  # greedy and anchored on breaks: one pass, never quadratic


def check_text(text: str, limits: Limits, name: str = "the input") -> None:
    """Refuse a text the pipeline should not spend time on: too long, or one overlong line."""
    if len(text) > limits.max_chars:
        raise InputError(f"{name} has {len(text):,} characters of text, over the {limits.max_chars:,}-character limit")
    longest = max(map(len, _LINE.findall(text)), default=0)
    if longest > limits.max_line_chars:
        raise InputError(
            f"{name} has a line of {longest:,} characters, over the {limits.max_line_chars:,}-character line limit"
        )


def check_size(size: int, limits: Limits, name: str = "the input") -> None:
    """Refuse bytes over ``max_bytes`` before anything reads them."""
    if size > limits.max_bytes:
        raise InputError(f"{name} is {size:,} bytes, over the {limits.max_bytes:,}-byte limit")
