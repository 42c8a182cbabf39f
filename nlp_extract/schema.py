"""Output schema as data classes: what a user of ``predict`` gets back.

The JSON form is documented in ``nlp_extract/output.schema.json``; ``Result.to_dict``
produces exactly that shape.  Every offset is a Python ``str`` index into the raw
decoded text of the report (``Source.text``), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

SCHEMA_VERSION = "1"

Label = Literal["measure", "shortcoming", "plan"]
LABELS: tuple[Label, ...] = ("measure", "shortcoming", "plan")
Template = Literal["pre2019", "2019", "2021"]
Severity = Literal["info", "warning", "error"]
Level = Literal["central", "province", "city", "county", "township", "street", "department"]


@dataclass(frozen=True)
class Source:
    """Where the text came from; ``text`` is what every offset indexes."""

    path: str | None
    encoding: str
    sha256: str
    format: str = "txt"
    text: str = field(default="", repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "encoding": self.encoding,
            "sha256": self.sha256,
            "format": self.format,
            "offsets": "python str indices into the decoded text",
        }


@dataclass(frozen=True)
class Meta:
    """Who published the report and for which year (docs/METADATA.md)."""

    organization: str | None = None  # issuing body as the report names it (guide section 4)
    year: int | None = None  # the year the figures cover
    published: str | None = None  # YYYY-MM-DD
    template: Template | None = None
    organization_key: str | None = None  # one identity per body across years: region chain + name
    region: str | None = None  # province/city/county chain the report places the body in (福建省平潭县)
    level: Level | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the stretch of text it governs (up to the next heading of its level or above)."""

    id: str
    parent: str | None
    level: int
    title: str
    heading_start: int
    heading_end: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Span:
    id: str
    label: Label
    start: int
    end: int
    text: str
    section: str | None
    heading_path: list[str]
    score: float


@dataclass(frozen=True, slots=True)
class Statistic:
    key: str
    value: float | int
    unit: str | None
    approx: bool
    source: Literal["table", "text"]
    start: int
    end: int
    text: str
    label: str | None = None  # the form's own words for the key (``（三）不予公开 1.属于国家秘密 · 自然人``)


@dataclass(frozen=True, slots=True)
class Check:
    rule: str
    severity: Severity
    message: str
    keys: list[str] = field(default_factory=list)
    offsets: list[list[int]] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    source: Source
    meta: Meta
    sections: list[Section]
    spans: list[Span]
    stats: list[Statistic]
    checks: list[Check]

    @property
    def text(self) -> str:
        """The raw decoded text every offset points into."""
        return self.source.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source.to_dict(),
            "meta": _plain(self.meta),
            "sections": [_plain(s) for s in self.sections],
            "spans": [_plain(s) for s in self.spans],
            "stats": [_plain(s) for s in self.stats],
            "checks": [_plain(c) for c in self.checks],
        }


def _plain(record: Any) -> dict[str, Any]:
    """A flat record as a dict, its lists copied (what ``dataclasses.asdict`` gives, without its deep copy)."""
    return {f.name: _copied(getattr(record, f.name)) for f in fields(record)}


def _copied(value: Any) -> Any:
    return [_copied(v) for v in value] if isinstance(value, list) else value
