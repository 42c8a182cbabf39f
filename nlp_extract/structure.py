"""Structure: lines of the analysis text as headings, table rows, page chrome or paragraphs.

Headings follow the annotation guide: a standalone line that starts with an enumerator
(``一、`` ``（一）`` ``1、`` ``1.`` ``（1）`` ``①`` …) and holds only a title.  Levels come
from the report's own outline: a heading continues the numbering of an open level
(``（二）`` after ``（一）``), or opens a deeper one when its numbering starts again.
Table regions are recognised first so that table rows (``一、主动公开情况`` in a 统计表)
are never taken for headings: lines the statistics' table readers read as rows (in any layout,
``pdftotext -layout`` columns included), and the labels and headers around them.

Scraped text often loses its line breaks: a whole report arrives as one line
(``…工作。二、主动公开政府信息情况（一）主动公开政府信息的数量区管委会…``).  A pre-pass
(:func:`split_lines`) finds the headings inside such lines and cuts the line into virtual
lines with exact offsets, which the rest of the stage treats like real ones.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass

from .features import words
from .lines import Line, LineKind, Piece, source_lines
from .stats.keys import FORM_ANCHORS

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN = "[一二三四五六七八九十]{1,3}"

# (style name, family, regex for the enumerator); family groups styles that number one level
_MARKERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("part", "part", re.compile(rf"第({_CN})(?:部分|章|节)[、，,：:\s]*")),
    ("cn_dun", "dun", re.compile(rf"({_CN})\s*[、，,．.]\s*")),
    ("cn_paren", "paren", re.compile(rf"（\s*({_CN})\s*）[、，,．.]?\s*")),
    ("num_paren", "paren", re.compile(r"（\s*(\d{1,2})\s*）[、，,．.]?\s*")),
    ("num_dun", "dun", re.compile(r"(\d{1,2})\s*[、，,]\s*")),
    ("num_dot", "dot", re.compile(r"(\d{1,2})[.．](?!\d)\s*")),
    ("circled", "circle", re.compile(f"([{_CIRCLED}])\\s*")),
)
_MARKER_OPENERS = frozenset("第一二三四五六七八九十（" + _CIRCLED)  # what each pattern above can start with

# The six sections of the 2019/2021 templates: headings even where tables surround them.
_TEMPLATE_SECTIONS = re.compile(
    r"^[一二三四五六]、\s*(总体情况|主动公开政府信息情况|收到和处理政府信息公开的?申请情况|"
    r"政府信息公开行政复议、?行政诉讼情况|存在的主要问题及改进情况|其他需要报告的事项)"
)
_CHROME = re.compile(
    r"^(日期|来源|发布时间|发布日期|发布机构|分享|字号|字体|【字体|打印|关闭|浏览次数|当前位置|索引号|"
    r"信息来源|点击数|访问量|作者|责任编辑|扫一扫|主题分类|文号|成文日期|附件[:：]?$|"
    r"登录|注册|首页|返回|上一篇|下一篇|打印本页|关闭窗口|收藏|【|\[)"
)
_CELL = re.compile(
    r"^(?:[-+]?\d[\d,.]*\s*(?:%|万元|元|件|条|个|人次|人|次|篇)?|[/—\-－–]+|无|条|件|个|人次|人|次|篇|万元|元|项)$"
)
_TABLE_HINT = re.compile(
    r"统计表|统\s*计\s*指\s*标|信息内容|第二十条第|申请人情况|本年新收|本年制发件数|本年新制作数量"
)
_SENTENCE_END = re.compile(r"[。！？!?]")
# what narrative is written in: a line with none of it outside its tables is a table's
_WORD = re.compile(r"[\u3400-\u9fff]")
# Row labels of the statistics tables of the national templates (docs/INDICATORS.md): a line
# that is one of them is a table cell even when the table came with every number blank.
_ROW_LABEL = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]?\s*)?(?:"
    r"本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|本年度办理结果|予以公开|部分公开|不予公开|"
    r"属于国家秘密|其他法律行政法规禁止公开|危及“三安全一稳定”|保护第三方合法权益|属于三类内部事务信息|"
    r"属于四类过程性信息|属于行政执法案卷|属于行政查询事项|无法提供|本机关不掌握相关政府信息|没有现成信息需要另行制作|"
    r"补正后申请内容|不予处理|信访举报投诉类申请|重复申请|要求提供公开出版物|无正当理由大量反复申请|"
    r"要求行政机关确认或重新出具已获取信息|其他处理|申请人无正当理由逾期不补正|申请人逾期未按收费通知要求缴纳费用|"
    r"总计|结转下年度继续办理|收到申请数|申请办结数|申请答复数|主动公开政府信息数|重点领域公开政府信息数|"
    r"行政复议数量|行政诉讼数量|举报投诉数量|规章|规范性文件|行政许可|行政处罚|行政强制|行政事业性收费)"
)


@dataclass(frozen=True, slots=True)
class Marker:
    style: str
    family: str
    number: int
    length: int


def split_lines(text: str, source: Sequence[Line] | None = None) -> list[Line]:
    """Source lines trimmed, and the headings inside run-together lines cut out as lines of their own.

    ``source``: the text's :func:`~nlp_extract.lines.source_lines`, when the caller has them already."""
    lines = [ln.trimmed() for ln in (source if source is not None else source_lines(text))]
    headings = inline_headings(lines)
    out: list[Line] = []
    for ln in lines:
        pieces = _pieces(ln, headings.get(ln.index, []))
        if len(out) == ln.index and pieces == [(ln.start, ln.end, "line")]:
            out.append(ln)  # a whole line at its own index (most are): the same line, no copy
            continue
        for a, b, piece in pieces:
            out.append(Line(len(out), a, b, text[a:b], ln.kind, piece=piece, indented=ln.indented and a == ln.start))
    return out


def numeral_value(s: str) -> int:
    """Value of an enumerator: ``12``, ``十二``, ``③``."""
    if s.isdecimal():  # not isdigit(): "①" and "²" are digits that int() refuses
        return int(s)
    if s in _CIRCLED:
        return _CIRCLED.index(s) + 1
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s, 0)


def match_marker(text: str) -> Marker | None:
    if not text or (text[0] not in _MARKER_OPENERS and not text[0].isdecimal()):  # \d is isdecimal()
        return None  # most lines open with none of the enumerators' first characters: no pattern to try
    for style, family, pattern in _MARKERS:
        if m := pattern.match(text):
            return Marker(style, family, numeral_value(m.group(1)), m.end())
    return None


# compiled once: every line of a report is tested
_WHITE = re.compile(r"\s")
_CLAUSE_MARK = re.compile("[；;：:]")
_PLAIN_HEADING_BAR = re.compile(r"[\d，。、：；,.:;！？!?（）()《》“”|]")
_TITLE_WORDS = re.compile(r"报告|年报|工作情况$|^关于")


def is_heading_text(text: str, next_text: str = "") -> bool:
    """An enumerated title line: the title only, no sentence body.

    Run-in titles (``1、主动公开方面：2021年…``) and list items that are whole sentences
    are paragraphs.  A title may end in one ``。`` or a ``：`` if it is short and governs
    what follows: the next line is not another item of the same list.
    """
    marker = match_marker(text)
    if marker is None:
        return False
    title = text[marker.length :].strip()
    compact = _WHITE.sub("", title)
    if not compact or len(compact) > 45:
        return False
    body, last = title[:-1], title[-1]
    if _SENTENCE_END.search(body) or _CLAUSE_MARK.search(body) or last in "，,、；;":
        return False
    if last in "。.：:":
        following = match_marker(next_text)
        return len(compact) <= 30 and not (following is not None and following.style == marker.style)
    return True


def is_plain_heading(text: str, next_text: str) -> bool:
    """An un-numbered body title (``引言``, ``概 述``): very short, no punctuation, before a paragraph."""
    compact = _WHITE.sub("", text)
    return (
        1 < len(compact) <= 8
        and not _PLAIN_HEADING_BAR.search(compact)
        and len(next_text) > 30
        and match_marker(next_text) is None
    )


_MARKUP_CELL = re.compile(r"<\s*/?\s*(?:td|th|tr|table)\b", re.I)  # a table's HTML source kept in the text


def _is_cell(line: Line) -> bool:
    text = line.text
    return bool(
        "|" in text
        or "\t" in text
        or _CELL.match(text)
        or _ROW_LABEL.match(text)
        or not text.strip("|｜ ")
        or _MARKUP_CELL.search(text)
        or _form_labels_only(text)
    )


def _form_labels_only(text: str) -> bool:
    """Labels of the forms side by side (``结果维持    结果纠正 …``): a header row, even where every
    value cell of its table is blank and no row of figures stands near."""
    pieces = text.split()
    return len(pieces) > 1 and all(FORM_ANCHORS.fullmatch(p) for p in pieces)


def find_table_lines(lines: Sequence[Line], reach: int = 6, rows: Set[int] = frozenset()) -> set[int]:
    """Indices of lines inside statistics tables.

    A line is a cell when it is a pipe/tab row, a bare number, unit or empty-cell marker, is
    tab-indented in the source, or is one of ``rows`` (lines the table readers read as rows).
    Short, sentence-free lines that sit between cells (row labels, column headers) belong to the
    table too; a caption (``统计表``) or a table header opens a region.  Narrative lines (long,
    with sentence punctuation) close it.
    """
    nonblank = [ln for ln in lines if ln.kind != "blank"]
    cell = [ln.index in rows or _is_cell(ln) or ln.indented for ln in nonblank]
    hint = [bool(_TABLE_HINT.search(ln.text)) and len(ln.text) < 40 for ln in nonblank]
    prose = [len(ln.text) > 60 and bool(_SENTENCE_END.search(ln.text[-3:])) for ln in nonblank]

    def near(k: int, step: int, flags: Sequence[bool]) -> bool:
        """A flagged line within ``reach`` lines in direction ``step``, with no narrative between."""
        for j in range(k + step, k + step * (reach + 1), step):
            if not 0 <= j < len(nonblank) or prose[j]:
                return False
            if flags[j]:
                return True
        return False

    inside: set[int] = set()
    for k, ln in enumerate(nonblank):
        if prose[k] or _TEMPLATE_SECTIONS.match(ln.text):
            continue
        opened = hint[k] or near(k, -1, hint)
        if (cell[k] and ("|" in ln.text or opened or near(k, -1, cell) or near(k, 1, cell))) or (
            (opened or near(k, -1, cell)) and near(k, 1, cell) and len(ln.text) <= 80
        ):
            inside.add(ln.index)
    return inside


def covered_lines(lines: Sequence[Line], spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indices of the source lines whose words all lie inside these spans (the tables statistics
    read): what is left is bars and blanks, or the code a page wrapped its table markup in.

    A section title of the template stays a heading wherever it stands, and the pieces of a
    run-together line are left to the rules here (the table readers cut such a line into cells
    by guesswork, and a heading cut out of it may open the table's first row)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif a < b:
            merged.append((a, b))
    ends = [b for _, b in merged]
    inside: set[int] = set()
    for ln in lines:
        k = bisect.bisect_right(ends, ln.start)  # the first span that ends after the line starts
        if k == len(merged) or merged[k][0] >= ln.end or ln.kind == "blank" or ln.piece != "line":
            continue
        if _TEMPLATE_SECTIONS.match(ln.text):
            continue
        outside, pos = [], ln.start
        while k < len(merged) and merged[k][0] < ln.end:  # the spans that reach into the line
            a, b = merged[k]
            outside.append(ln.text[max(0, pos - ln.start) : max(0, a - ln.start)])
            pos, k = b, k + 1
        outside.append(ln.text[max(0, pos - ln.start) :])
        if not _WORD.search("".join(outside)):
            inside.add(ln.index)
    return inside


# ---- headings inside a line -------------------------------------------------------------------
# Where a source line runs several paragraphs together, a heading can start only where a paragraph
# could: at the line start, after a sentence end, after a blank, right after another heading's
# title, or where one of the template's six section titles stands.  Its title ends at the first
# sign of a body: a blank, a sentence end followed by a blank, the first item of a list below it
# (``（一）`` ``1.`` ``一是``), a year opening a sentence, or a title-final noun (情况, 措施, …)
# that the next word does not continue.  A title that runs on into its sentence is a run-in title:
# the paragraph's, as in a line of its own; unless the break was lost between a title and a first
# clause that shows where it starts (:func:`_glued_end`).
_TITLE_WINDOW = 40
_SENTENCE_CLOSE = re.compile(r"[。！？!?：:][”’」』）)》】\"']*$")
_SPACED = re.compile(r"\w(?:[ \t]\w){1,7}(?=\s|$)")  # a title spaced out letter by letter: 概 述
_BOUNDARY = re.compile(r"[。！？!?：:][”’」』）)》】\"']*\s*|\s+")
# a boundary where an enumerator may start (``match_marker`` tries nothing else): its end is one of them
_BOUNDARY_BEFORE_MARKER = re.compile(rf"(?:{_BOUNDARY.pattern})(?=[{''.join(sorted(_MARKER_OPENERS))}]|\d)")
# a sentence end followed by a blank: where a run-together line is cut (``_pieces``)
_SENTENCE_BREAK = re.compile(r"[。！？!?][”’」』）)》】\"']*\s+")
_TEMPLATE_ANYWHERE = re.compile(_TEMPLATE_SECTIONS.pattern.removeprefix("^"))
_BODY_OPENER = re.compile(
    r"(?<![和及与的、并或至到加])(?:[一首]是|其一|(?:19|20)\d\d\s*年|我(?:们|[镇乡区县市局委办])"
    r"|在(?=[“\"《]|[^\W\d]{2,}[上中里内]))"
)
# a noun that ends a title, followed by a word that does not continue it (及, 和, 的 … do)
_TITLE_NOUN = re.compile(
    r"(?:情况|措施|问题|不足|概述|概况|事项|方面|做法|数量|类别|形式|成效|打算|计划|统计表)(?=\w)(?![及和与的并之或等]|统计表)"
)


@dataclass(frozen=True, slots=True)
class _Candidate:
    line: int
    start: int  # offsets into the analysis text
    end: int
    marker: Marker
    whole: bool  # the heading is its source line (judged as a line, whatever its neighbours)
    template: bool
    clear: bool  # at a line start or after a sentence end
    parent: int | None  # start of the heading whose title it follows directly
    governs: bool  # the first item of a list follows its title: it heads that list
    titled: bool = True  # False: an item opening a paragraph whose title has no visible end (evidence only)


def _child_marker(text: str, i: int) -> bool:
    """A list below the title starts at ``text[i]``: the first item (``（一）`` ``1.`` ``1、`` ``一、``)."""
    if text[i - 1 : i] == "第":
        return False
    m = match_marker(text[i : i + 8])
    return (
        m is not None
        and m.number == 1
        and m.style in ("cn_paren", "num_paren", "num_dot", "cn_dun", "num_dun")
        and (m.style not in ("cn_dun", "num_dun") or "、" in text[i : i + m.length])
    )


def title_end(text: str, start: int, body: int) -> int | None:
    """End of the heading title whose marker spans ``text[start:body]``; None for a run-in title."""
    if t := _TEMPLATE_ANYWHERE.match(text, start):
        return t.end()
    if spaced := _SPACED.match(text, body):
        return spaced.end()
    stop = min(len(text), body + _TITLE_WINDOW)
    noun_ends = {m.end() for m in _TITLE_NOUN.finditer(text, body, stop + 1)}
    found: list[int | None] = []  # _glued_end(text, body), looked for once, when first needed

    def glued() -> int | None:
        if not found:
            found.append(_glued_end(text, body))
        return found[0]

    for i in range(body, stop):
        ch = text[i]
        if ch.isspace():
            return i if i > body else None
        if ch in "。！？!?：:":  # a title ends in one 。 only where a blank follows; else it is run-in
            return i + 1 if i + 1 == len(text) or text[i + 1].isspace() else glued()
        if ch in "；;":  # an item of an enumeration of clauses
            return None
        if ch in "，," and (end := glued()) is not None and end < i:  # a glued end before the comma
            return end
        if i - body >= 2 and (_BODY_OPENER.match(text, i) or _child_marker(text, i) or i in noun_ends):
            return i
    if stop == len(text) and len(text) > body:
        return len(text)
    return glued()


# A title glued to its paragraph with no sign between (a crawler dropped the break, and the title
# has none of the ends above): a parallel title (对仗, ``加强组织领导，健全工作机制|将…``) ends where
# its second phrase has matched the first word for word (words of 5-8 characters a phrase: 4-character
# phrases pair by chance, ``强化领导,完善各项|制度保障。``); another ends before a preposition, a time
# word or an adverb of manner that opens a clause (``整合各类政务热线电话|全面清理…``), looked for in
# the title's first comma-free run only (such adverbs stand inside titles after a comma:
# ``规范程序,信息公开严格把关``) and never after a title that opens with a coverb (``围绕建设法治政府全面推进…``
# needs its verb), ends on a function word (``各单位要|认真…``) or on a body that may be the clause's
# subject (``依申请公开临夏州公安局|依照…``).  Such an end in the first run comes before one that the
# scan would find after a comma (``…热线电话|全面清理…。…，所有事项都…``).
_PARALLEL = re.compile(r"([\u4e00-\u9fff]{5,8})[，,]([\u4e00-\u9fff]+)")
_CLAUSE_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CLAUSE_OPENERS = frozenset(
    (
        *("将", "在", "按照", "根据", "依照", "依据", "通过", "为了", "截至", "截止"),  # prepositions
        *("目前", "今年", "全年", "年初"),  # time words
        *("全面", "进一步", "认真", "严格", "切实", "积极", "不断", "扎实", "持续", "大力", "充分", "及时"),  # manner
    )
)
_COVERBS = frozenset(
    (
        *("按照", "依照", "依据", "依法", "通过", "围绕", "聚焦", "立足", "针对", "结合"),
        *("坚持", "对照", "紧扣", "着眼", "着力"),
    )
)
_FUNCTION_END = re.compile(r"[要将已也都还应能可是了的和与及并或对把被为以向从等在]$")
_AGENT_END = re.compile(r"(?:[局委办厅府院镇乡村区县市省部处科所队]|街道|社区|单位|部门|中心|机关|政府|公司|人员)$")


def _glued_end(text: str, body: int) -> int | None:
    """End of a title that runs straight into its paragraph's first clause; None if none is seen."""
    if (m := _PARALLEL.match(text, body)) and len(m.group(2)) > len(m.group(1)):
        first = [len(w) for w in words(m.group(1))]
        second = list(itertools.accumulate(len(w) for w in words(m.group(2))))
        n = len(m.group(1))
        if n in second and first == [b - a for a, b in itertools.pairwise([0, *second[: second.index(n) + 1]])]:
            return m.start(2) + n
    run = _CLAUSE_RUN.match(text, body)
    if run is None:
        return None
    ws = words(run.group())
    if ws[0] in _COVERBS or ws[0][0] in "以在对从为把将由":
        return None
    pos = body
    for w in ws:
        title = text[body:pos]
        if len(title) >= 4 and w in _CLAUSE_OPENERS and not (_FUNCTION_END.search(title) or _AGENT_END.search(title)):
            return pos
        pos += len(w)
    return None


def _line_candidates(ln: Line) -> list[_Candidate]:
    text = ln.text
    todo = [
        0,
        *(m.end() for m in _BOUNDARY_BEFORE_MARKER.finditer(text)),
        *(m.start() for m in _TEMPLATE_ANYWHERE.finditer(text)),
    ]
    heapq.heapify(todo)
    found: list[_Candidate] = []
    done = -1
    chained: dict[int, int] = {}  # position right after a title -> the start of that heading
    while todo:
        q = heapq.heappop(todo)
        if q <= done or q >= len(text):
            continue
        marker = match_marker(text[q : q + 12])
        if marker is None:
            continue
        # a source line that is a heading as it stands stays whole
        end = len(text) if q == 0 and is_heading_text(text) else title_end(text, q, q + marker.length)
        if end is None:
            before = text[:q].rstrip()
            if not before or _SENTENCE_CLOSE.search(before):  # an item opening a paragraph: its list's evidence
                at = ln.start + q
                found.append(_Candidate(ln.index, at, at, marker, False, False, True, None, False, titled=False))
            continue
        piece = text[q:end].rstrip()
        following = text[end:].lstrip()
        before = text[:q].rstrip()
        template = bool(_TEMPLATE_ANYWHERE.match(piece))
        if not is_heading_text(piece, following) or (
            not template and (before.endswith("|") or following.startswith("|"))
        ):
            continue  # a cell of a table row is no heading (the template's sections stand among tables)
        found.append(
            _Candidate(
                ln.index,
                ln.start + q,
                ln.start + q + len(piece),
                marker,
                q == 0 and end == len(text),
                template,
                not before or _SENTENCE_CLOSE.search(before) is not None,
                chained.get(q),
                _child_marker(text, len(text) - len(following)),
            )
        )
        done = end - 1
        chained[len(text) - len(following)] = ln.start + q  # the next heading may follow its parent's title
        heapq.heappush(todo, len(text) - len(following))
    return found


def _sibling_key(style: str) -> str:
    """Items of one list: one style, or bare numbers whatever their separator (``3、`` then ``4．``)."""
    return "num_bare" if style in ("num_dun", "num_dot") else style


def inline_headings(lines: Sequence[Line]) -> dict[int, list[tuple[int, int]]]:
    """Headings inside source lines, by line index: ``(start, end)`` of each, in text offsets.

    A candidate counts only with the report's own numbering as evidence: the nearest candidate
    of its style before it (whole heading lines included) numbers one less, or the nearest after
    it one more (``（一）`` then ``（二）``; ``3、`` then ``4．`` count as one list), or it is one of the
    template's section titles, or it is
    a first item that opens a paragraph (after a sentence end or right after its parent's title),
    or opens a paragraph and heads a list (``（三）规范公开行为1、加强…``), or its list's item before
    opens a paragraph with a run-on title and the one before that counts (``1.`` … ``2.`` run on … ``3.``:
    see :func:`_bridged`).  A lone
    ``（一）予以公开`` in a flattened table, or an item of an inline list that runs on into its
    sentence, has no such neighbour.
    """
    found = [c for ln in lines if ln.kind != "blank" for c in _line_candidates(ln)]
    candidates = [c for c in found if c.titled]
    bridged = _bridged(found)

    def neighbours(key: Callable[[Marker], str]) -> list[tuple[int | None, int | None]]:
        """Number of the nearest earlier and the nearest later candidate with the same key."""
        seen: dict[str, int] = {}
        earlier = []
        for c in candidates:
            earlier.append(seen.get(key(c.marker)))
            seen[key(c.marker)] = c.marker.number
        seen.clear()
        later = []
        for c in reversed(candidates):
            later.append(seen.get(key(c.marker)))
            seen[key(c.marker)] = c.marker.number
        return list(zip(earlier, reversed(later), strict=True))

    by_style = neighbours(lambda m: m.style)
    by_family = neighbours(lambda m: m.family)
    by_sibling = neighbours(lambda m: _sibling_key(m.style))
    kept: list[_Candidate] = []
    accepted: set[int] = set()
    for c, style, family, sibling in zip(candidates, by_style, by_family, by_sibling, strict=True):
        opens = c.clear or (c.parent is not None and c.parent in accepted)
        if (
            c.whole
            or c.template
            or c.marker.number - 1 in (style[0], family[0], sibling[0])
            or c.marker.number + 1 in (style[1], family[1], sibling[1])
            or (opens and (c.marker.number == 1 or c.governs))
            or bridged.get(c.start) in accepted
        ):
            kept.append(c)
            accepted.add(c.start)
    candidates = kept
    out: dict[int, list[tuple[int, int]]] = {}
    for c in candidates:
        if not c.whole:
            out.setdefault(c.line, []).append((c.start, c.end))
    # A line that opens with a numbered title and goes on is a paragraph with a run-in title, unless
    # the line runs several paragraphs together: it holds further headings, or most of the text.
    total = sum(ln.end - ln.start for ln in lines)
    starts = {ln.index: ln for ln in lines}
    return {
        i: hs
        for i, hs in out.items()
        if len(hs) > 1 or hs[0][0] != starts[i].start or 2 * (starts[i].end - starts[i].start) > total
    }


def _bridged(found: Sequence[_Candidate]) -> dict[int, int]:
    """For an item whose previous sibling opens a paragraph with a title that runs on, the start of the
    sibling before that, if it has a title: ``1.门户网站…2.公众查阅点指定…3.开设政务公开栏在…``
    (the run-on 2 bridges 1 and 3: 3 counts as an item of 1's list if 1 does)."""
    out: dict[int, int] = {}
    last: dict[str, _Candidate] = {}
    last_titled: dict[str, _Candidate] = {}
    for c in found:
        key = _sibling_key(c.marker.style)
        prev = last.get(key)
        if (
            c.titled
            and prev is not None
            and not prev.titled
            and prev.marker.number == c.marker.number - 1
            and (before := last_titled.get(key)) is not None
            and before.marker.number == c.marker.number - 2
        ):
            out[c.start] = before.start
        last[key] = c
        if c.titled:
            last_titled[key] = c
    return out


def _pieces(ln: Line, headings: Sequence[tuple[int, int]]) -> list[tuple[int, int, Piece]]:
    """A source line cut at its inline headings, at its sentence ends followed by a blank and after
    a report title."""
    if ln.kind == "blank":
        return [(ln.start, ln.end, "line")]
    cuts = {ln.start, ln.end}
    for a, b in headings:
        cuts |= {a, b}
    cuts.update(ln.start + m.end() for m in _SENTENCE_BREAK.finditer(ln.text))
    for m in _BOUNDARY.finditer(ln.text):  # a report title that the line runs on from
        if m.start() >= 60:
            break
        if m.start() > 0 and _is_title(ln.text[: m.start()]):
            cuts.add(ln.start + m.end())
    heads = {a for a, _ in headings}
    bounds = sorted(cuts)
    if len(bounds) == 2:
        return [(ln.start, ln.end, "line")]
    out: list[tuple[int, int, Piece]] = []
    for a, b in itertools.pairwise(bounds):
        chunk = ln.text[a - ln.start : b - ln.start]
        lead = len(chunk) - len(chunk.lstrip())
        body = chunk.strip()
        if body:
            out.append((a + lead, a + lead + len(body), "heading" if a in heads else "body"))
    return out


MAX_DEPTH = 16  # outline levels; real reports use at most 4


@dataclass
class _Open:
    style: str
    family: str
    number: int
    level: int


def outline_levels(markers: Sequence[Marker]) -> list[int]:
    """Levels for a sequence of heading markers, read off the numbering of the outline.

    A heading continues an open level when its number follows that level's last number
    (same style first, then same family, shallowest first); number 1 of a style not open
    starts a deeper level; a style already open closes the levels below it.
    """
    stack: list[_Open] = []
    levels = []
    for m in markers:
        if m.style == "plain":  # an un-numbered title (引言) stands at the top and opens nothing
            stack.clear()
            levels.append(1)
            continue
        target = _continued(stack, m)
        if target is None and m.number != 1:
            target = next((i for i, o in enumerate(stack) if o.style == m.style), None)
            if target is None:
                target = next((i for i, o in enumerate(stack) if o.family == m.family), None)
        if target is None and len(stack) >= MAX_DEPTH:  # no outline is this deep; a deeper stack makes this quadratic
            target = len(stack) - 1
        if target is None:
            stack.append(_Open(m.style, m.family, m.number, len(stack) + 1))
        else:
            del stack[target + 1 :]
            stack[target] = _Open(m.style, m.family, m.number, target + 1)
        levels.append(len(stack))
    return levels


def _continued(stack: Sequence[_Open], m: Marker) -> int | None:
    same_style = [i for i, o in enumerate(stack) if o.style == m.style and o.number == m.number - 1]
    if same_style:
        return same_style[-1]
    same_family = [i for i, o in enumerate(stack) if o.family == m.family and o.number == m.number - 1]
    if same_family:
        return same_family[0]
    key = _sibling_key(m.style)
    siblings = [i for i, o in enumerate(stack) if _sibling_key(o.style) == key and o.number == m.number - 1]
    return siblings[-1] if siblings else None


def _is_title(text: str) -> bool:
    return len(text) < 60 and bool(_TITLE_WORDS.search(text)) and not _SENTENCE_END.search(text)


def analyse(text: str, source: Sequence[Line] | None = None, tables: Sequence[tuple[int, int]] = ()) -> list[Line]:
    """Classify every line of the analysis text; headings carry their outline level.

    ``source``: the text's source lines, when the caller has them; ``tables``: where the
    statistics found tables (``Tables.spans``), whatever layout hid them from the line rules here."""
    lines = split_lines(text, source)
    rows = covered_lines(lines, tables)
    table = find_table_lines(lines, rows=rows) | rows
    kinds: list[LineKind] = []
    body_started = False
    following = _next_texts(lines)
    for ln, next_text in zip(lines, following, strict=True):
        kind: LineKind
        if ln.kind == "blank":
            kind = "blank"
        elif ln.index in table:
            kind = "table"
        elif _CHROME.match(ln.text):
            kind = "chrome"
        elif ln.piece != "body" and is_heading_text(ln.text, next_text):
            kind = "heading"
        elif not body_started and _is_title(ln.text):
            kind = "title"
        elif ln.piece == "line" and is_plain_heading(ln.text, next_text):
            kind = "heading"
        else:
            kind = "paragraph"
        body_started = body_started or (kind in ("heading", "paragraph") and len(ln.text) > 40) or kind == "heading"
        kinds.append(kind)
    heading_idx = [i for i, k in enumerate(kinds) if k == "heading"]
    markers = [match_marker(lines[i].text) or Marker("plain", "plain", 0, 0) for i in heading_idx]
    levels = outline_levels(markers)
    level_of = dict(zip(heading_idx, levels, strict=True))
    return [  # a new Line only where kind or level changed (not dataclasses.replace): a fraction of the cost
        ln
        if kinds[i] == ln.kind and i not in level_of
        else Line(ln.index, ln.start, ln.end, ln.text, kinds[i], level_of.get(i, 0), ln.piece, ln.indented)
        for i, ln in enumerate(lines)
    ]


def _next_texts(lines: Sequence[Line]) -> list[str]:
    """For each line, the text of the next non-blank line ("" at the end)."""
    out, nxt = [], ""
    for ln in reversed(lines):
        out.append(nxt)
        if ln.text:
            nxt = ln.text
    return out[::-1]


def iter_kind(lines: Sequence[Line], kind: LineKind) -> Iterator[Line]:
    return (ln for ln in lines if ln.kind == kind)
