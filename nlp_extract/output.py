"""Output: the JSON object of ``predict`` and a readable Markdown outline."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .schema import Result


def to_json(result: Result, indent: int | None = 2) -> str:
    """Deterministic JSON: keys in schema order, no ASCII escaping of Chinese."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=indent)


def output_schema() -> dict[str, Any]:
    """The JSON Schema every ``predict`` object satisfies."""
    text = resources.files("nlp_extract").joinpath("output.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def to_markdown(result: Result) -> str:
    """Outline of sections with their labelled spans, then statistics and checks."""
    meta = result.meta
    out = [
        f"# {meta.organization or '(unknown body)'} — {meta.year or '?'}",
        "",
        f"- source: `{result.source.path}` ({result.source.encoding}, {result.source.format})",
        f"- published: {meta.published or '—'}; template: {meta.template or '—'}",
        "",
    ]
    by_section: dict[str | None, list[str]] = {}
    for span in result.spans:
        by_section.setdefault(span.section, []).append(f"- **{span.label}** ({span.score:.2f}) {span.text}")
    out.extend(by_section.get(None, []))
    for section in result.sections:
        out += ["", f"{'#' * min(6, section.level + 1)} {section.title}", ""]
        out.extend(by_section.get(section.id, []))
    if result.stats:
        out += ["", "## Statistics", "", "| key | value | unit | source | text |", "|---|---|---|---|---|"]
        for s in result.stats:
            approx = "≈" if s.approx else ""
            out.append(f"| `{s.key}` | {approx}{s.value} | {s.unit or ''} | {s.source} | {s.text} |")
    if result.checks:
        out += ["", "## Checks", ""]
        out.extend(f"- [{c.severity}] `{c.rule}`: {c.message}" for c in result.checks)
    return "\n".join(out) + "\n"
