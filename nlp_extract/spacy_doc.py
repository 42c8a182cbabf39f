"""A result as a spaCy ``Doc`` over the raw text, for users of spaCy.

Uses a blank ``zh`` pipeline with the character tokenizer (no model download);
spans land in ``doc.spans["nlp_extract"]`` and sections in ``doc.spans["sections"]``,
aligned with ``alignment_mode="expand"`` so no span is lost at a token edge.
"""

from __future__ import annotations

from typing import Any

from .schema import Result


def blank_zh() -> Any:
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})


def to_spacy(result: Result, nlp: Any | None = None) -> Any:
    """``Doc`` of the raw text with labelled spans (``span.label_``) and section headings."""
    nlp = nlp if nlp is not None else blank_zh()
    doc = nlp.make_doc(result.text)
    spans = []
    for s in result.spans:
        span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans["nlp_extract"] = spans
    headings = [
        doc.char_span(s.heading_start, s.heading_end, label=f"H{s.level}", alignment_mode="expand")
        for s in result.sections
    ]
    doc.spans["sections"] = [h for h in headings if h is not None]
    return doc
