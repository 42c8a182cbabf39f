"""Lines of the analysis text: what structure and the table readers both work on.

The text is cut into source lines once (:func:`source_lines`), and both stages read the same
:class:`Line` type: structure trims each line to its content (:meth:`Line.trimmed`) and tells
headings from paragraphs and tables; the table readers keep each line whole, because a
cell's leading blanks place it in its column.  Each stage records what it finds on the line
(structure its kind, outline level and piece; the table reader whether a piece was glued out
of a longer line and whether bars end its cells), so a line means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Line", "LineKind", "Piece", "source_lines"]

LineKind = Literal["blank", "heading", "table", "chrome", "title", "paragraph"]
Piece = Literal["line", "heading", "body"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the analysis text, or a piece of one: ``text == analysis[start:end]``.

    ``start``/``end`` exclude the newline.  A source line keeps its outer blanks; a trimmed
    one (structure's) does not.

    ``piece`` says how the line came out of a run-together source line: ``"line"`` for a whole
    source line, ``"heading"`` for a heading found inside one, ``"body"`` for the rest of it
    (which is never taken for a heading: its shape is that of the text around, not a line's).
    ``indented``: the source line starts with a tab (a table cell in some exports).
    ``glued``: a table cell cut out of a longer line with no separator before it.
    ``cell_bars``: in a run of ``cell |`` lines, where a bar ends a cell and a leading bar is no border.
    """

    index: int
    start: int
    end: int
    text: str
    kind: LineKind = "paragraph"
    level: int = 0
    piece: Piece = "line"
    indented: bool = False
    glued: bool = False
    cell_bars: bool = False

    def trimmed(self) -> Line:
        """The line without its outer blanks (offsets kept); ``blank`` if nothing is left."""
        text = self.text
        content = text.strip()
        if len(content) == len(text):
            return self
        start = self.start + len(text) - len(text.lstrip())
        kind: LineKind = "paragraph" if content else "blank"
        return Line(self.index, start, start + len(content), content, kind, indented=text.startswith("\t"))


def source_lines(text: str) -> list[Line]:
    """Every line of the text as written (outer blanks kept), with its offsets."""
    lines = []
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        lines.append(Line(i, pos, pos + len(raw), raw, "paragraph" if raw.strip() else "blank"))
        pos += len(raw) + 1
    return lines
