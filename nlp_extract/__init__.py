"""nlp_extract: government information-disclosure annual reports -> structured, source-grounded data.

>>> from nlp_extract import Extractor
>>> ex = Extractor.load()                            # shipped model, loaded once
>>> result = ex.extract_file("examples/001_b2486e1d6f11ea96.txt")  # doctest: +SKIP
>>> result.spans[0].label, result.meta.year          # doctest: +SKIP
"""

from .errors import InputError
from .pipeline import Doc, Extractor, extract
from .schema import Check, Meta, Result, Section, Source, Span, Statistic

__all__ = [
    "Check",
    "Doc",
    "Extractor",
    "InputError",
    "Meta",
    "Result",
    "Section",
    "Source",
    "Span",
    "Statistic",
    "extract",
]
__version__ = "0.1.0"
