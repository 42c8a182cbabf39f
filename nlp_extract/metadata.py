"""Document metadata: issuing body, report year, publication date, template generation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .schema import Meta, Template
from .structure import Line

_ORG_SUFFIX = (
    r"(?:人民政府|政府办公室|政府办公厅|办公室|办公厅|委员会|管理局|局|厅|委|办|中心|街道办事处|街道|镇|乡|"
    r"管委会|公司|院|署|会|所|队|分局|支队|大队|园区)"
)
_ORG_IN_TITLE = re.compile(rf"^(.{{2,40}}?{_ORG_SUFFIX})(?:关于)?(?:\d{{4}}|[二〇零一二三四五六七八九]{{4}})年")
_ORG_LINE = re.compile(rf"^[\u4e00-\u9fff（）]{{2,30}}{_ORG_SUFFIX}$")
_ORG_IN_TEXT = re.compile(rf"由(.{{2,30}}?{_ORG_SUFFIX})(?:编制|发布|制作)")
_SOURCE = re.compile(rf"(?:来源|发布机构|信息来源)[:：]\s*(\S{{2,30}}?{_ORG_SUFFIX})(?=\s|$)")
_YEAR_TITLE = re.compile(r"(20\d{2}|19\d{2})\s*年度?.{0,12}(?:政府信息公开|政务公开|信息公开)")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期间|时间范围).{0,6}?(20\d{2})年\s*1月\s*1日")
_DATE_LABELLED = re.compile(
    r"(?:日期|发布时间|发布日期|成文日期|时间)[:：]\s*(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})"
)
_DATE_LINE = re.compile(r"^(20\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_YEAR = re.compile(r"(20\d{2})年")


def organization(lines: Sequence[Line], text: str) -> str | None:
    """The body named in the title, a name line above it, the 由…编制 clause or the page's source line."""
    head = [ln for ln in lines[:15] if ln.kind in ("title", "paragraph", "chrome") and ln.text]
    for ln in head:
        if ln.kind == "title" and (m := _ORG_IN_TITLE.match(ln.text)):
            return m.group(1)
    for ln in head[:4]:
        if _ORG_LINE.match(ln.text):
            return ln.text
    for pattern in (_ORG_IN_TEXT, _SOURCE):
        if m := pattern.search(text[:3000]):
            return m.group(1)
    return None


def report_year(lines: Sequence[Line], text: str) -> int | None:
    """The year the figures cover: the title's year, else the statistical period, else the most frequent."""
    for ln in lines[:15]:
        if ln.kind in ("title", "paragraph") and (m := _YEAR_TITLE.search(ln.text)) and len(ln.text) < 80:
            return int(m.group(1))
    if m := _PERIOD.search(text):
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:5000]) if 2000 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def published(lines: Sequence[Line], text: str) -> str | None:
    """A labelled date on the page (日期: 2019-03-19), else a signature date line near the end."""
    if m := _DATE_LABELLED.search(text[:3000]):
        return _iso(*m.groups())
    for ln in reversed(lines[-12:]):
        if m := _DATE_LINE.match(ln.text):
            return _iso(*m.groups())
    return None


def _iso(y: str, m: str, d: str) -> str | None:
    month, day = int(m), int(d)
    return f"{y}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def template_for(year: int | None, detected: Template | None) -> Template | None:
    """What the tables say wins; else the template in force for the report year."""
    if detected is not None:
        return detected
    if year is None:
        return None
    return "pre2019" if year <= 2018 else "2019" if year <= 2020 else "2021"


def extract_meta(lines: Sequence[Line], text: str, detected: Template | None = None) -> Meta:
    year = report_year(lines, text)
    return Meta(organization(lines, text), year, published(lines, text), template_for(year, detected))
