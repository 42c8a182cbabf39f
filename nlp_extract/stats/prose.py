"""Figures in prose: a number with its counter unit, mapped to a key by the words before it.

A figure's key comes from its clause (the words since the last ``，；。：（``), its
sentence's topic (the last of 申请 / 复议 / 诉讼 named before it) and, failing those, its
section heading — ``当面申请98件`` under 依申请公开 is ``requests.received.in_person``.
Rules are few and ordered from specific to general; a clause that names two candidates
of one family (``涉及食品安全、环境状况…等信息9条``) gives nothing, since a wrong key is
worse than none.  Percentages, years and dates never match because only counter units
(条 件 次 篇 个 人 …) qualify a number.

Chinese numerals are figures like digits (``两次``, ``十二期``), but only as counts: a numeral
inside a word (统一部署, 进一步, 唯一) or a counter inside one (一次性, 一条龙, 三个月, 一件事)
is none, and neither is a rate or a plan (每季度召开一次, 将举办3期培训).  A count before
its verb (``年初、年中两次举办培训``) takes its key from the words after it.  A count whose
words name no channel takes the channel of its own sub-heading (``（一）网站公开情况。…发布
政府信息148条``): the report gave each channel its own section.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .keys import key_unit
from .model import Figure
from .numbers import APPROX_AFTER, APPROX_BEFORE, APPROX_INFIX, in_unit, parse_number
from .prose_rules import AFTER_RULES, CHANNEL_KEYS, CHANNEL_RE, DISCLOSE, KEY_AREA_RE, RULES, TOPICAL, Family, Rule

_UNITS = "万元|亿元|元|人次|条|件|个|次|篇|人|名|期|场|起|家|项|份|批|处|台|宗|部"
_NUMERAL = "零〇两一二三四五六七八九十百千万亿"
# The number opens with a character class and the checks of what precedes it come after it (as
# lookbehinds over the character just read): a pattern that opens with a class lets ``re`` skip
# to the places where a match can start, where one that opens with a lookbehind is tried at every
# character of the report (twice as slow; the matches are the same).
_MENTION = re.compile(
    rf"(?P<num>[\d{_NUMERAL}]"
    r"(?:(?<=(?<![\d.A-Za-z第])\d)\d*(?:,\d{3})*(?:\.\d+)?(?:[ \t]*[万亿](?!元))?"
    # a numeral that ends a word is none: 统一 唯一 同一 逐一 进一步 之一 每一 第三
    rf"|(?<=(?<![第{_NUMERAL}统唯同逐单专划均进不某任每之其归合如择])[{_NUMERAL}])[{_NUMERAL}]*))"
    rf"(?P<approx>[ \t]*(?:{'|'.join(APPROX_INFIX)}))?[ \t]*\n?[ \t]*(?P<unit>{_UNITS})(?!性)"
    rf"(?P<after_approx>{'|'.join(APPROX_AFTER)})?"
)
_CLAUSE_END = "，,；;。！？!?：:（）()\n"
_SENTENCE_END = "。！？!?\n"
_SEGMENT_END = "；;。！？!?：:\n"
_TITLE = re.compile(r"《[^《》]{0,60}》")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十\d]+）|\d{1,2}[、.．](?!\d))[^。！？]{1,40}$"
)
_TOPICS = (("review", "复议"), ("litigation", "诉讼"), ("requests", "申请"))
_SYNONYMS = (("资讯", "信息"), ("网路", "网络"), ("微网志", "微博"), ("线上访谈", "在线访谈"), ("佈", "布"))
_LIST_JOINERS = "、和及与以及"
#: A counter that is part of a word (一次性, 一条龙, 三个月, 一件事, 一部分, 三部门): no count.
_COUNTER_WORDS = {
    unit: re.compile(words)
    for unit, words in (
        ("次", "月|数"),
        ("条", "龙|例|款|线"),
        ("个", "月|工作日|小时|百分点"),
        ("件", "事(?![项件务])"),
        ("部", "门|署|分"),
        ("名", "单"),
        ("期", "间|刊"),
        ("处", "理|室|长"),
        ("台", "账"),
        ("家", "庭"),
    )
}
_EVENT_VERB = "(?:举办|开展|组织|召开|举行|公开|发布|推送|制定|出台|印发)"
#: Words of a rate or a plan in a count's clause: 每季度召开一次, 至少1次, 拟举办3期.
_NOT_YEARLY = re.compile(
    rf"每|至少|不少于|不低于|拟(?!定)|力争|争取|预计|计划(?:于|在|年内|全年)?{_EVENT_VERB}"
    rf"|将(?!近)(?:继续|再|要|会)?{_EVENT_VERB}"
)
#: A plan in a count's sentence: 下一步，我们将…召开两次新闻发布会 (not 结转明年办理, which is the year's).
_PLAN = re.compile(rf"下一步|今后|明年(?:将|计划|拟)|将(?!近)(?:继续|再|要|会|于|在)?{_EVENT_VERB}")
#: 一起 is "together" (与…一起回应) unless it follows a verb that counts events (发生一起, 对一起).
_ONE_EVENT_AFTER = ("对", "发生", "处置", "处理", "收到", "受理", "共", "有", "了")
#: Verbs whose object a following count is (参加2次市里举办的培训): the count is not the event's.
_TAKES_COUNT = re.compile(r"(?:参加|参与|接受|出席|列席|观看|收看)了?$")
#: Applications of another kind (受理申请136437件 at a service hall's windows), unless the sentence
#: or its headings say they are information-disclosure requests.
_OTHER_APPLICATIONS = re.compile(r"窗口|大厅|审批|办件|许可|政务服务|便民服务|办事")
_DISCLOSURE_REQUEST = re.compile(r"信息公开|依申请|政府信息|公开申请|申请公开")
_REQUESTS_RECEIVED = ("requests.received", "requests.new.total")
#: An item that says it is the overall figure: a section's channel does not re-key it.
_OVERALL = re.compile(r"主动|共|累计|总|全部|各类|各项|合计|多种|各种|不同")
#: An item that discloses information, with no key of its own (发布信息3000条).
_DISCLOSES_INFO = re.compile(r"(?:公开|发布|推送|刊登|刊发|更新|提供)了?[^，,]{0,8}信息(?:数|量)?(?:为|共|达|计)?$")
_INLINE_HEADING = re.compile(
    r"[ \t　]*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,2}[）)]|\d{1,2}[、.．](?!\d))"
    r"([^。！？：:\n\d]{2,40})[。：:]"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A number with its counter unit, as written."""

    value: int | float
    unit: str
    approx: bool
    start: int  # the number as written
    end: int
    unit_end: int


def mentions(text: str, lo: int = 0, hi: int | None = None) -> Iterator[Mention]:
    """Numbers followed by a counter unit in ``text[lo:hi]``."""
    hi = len(text) if hi is None else hi
    for m in _MENTION.finditer(text, lo, hi):
        num, unit = m.group("num"), m.group("unit")
        inside = _COUNTER_WORDS.get(unit)
        if inside is not None and inside.match(text, m.end("unit")):
            continue
        if num == "一" and unit == "起" and not text[: m.start("num")].endswith(_ONE_EVENT_AFTER):
            continue
        if num == "二":  # a count of two is 两; 二次公示, 二期 are ordinals
            continue
        start = m.start("num")  # 40万元 reads as 40 in 万元: 万 before 元 is never taken as a multiplier
        value = parse_number(num.replace(" ", "").replace("\t", ""))
        if value is None:
            continue
        before = text[max(0, start - 2) : start]
        approx = bool(m.group("approx") or m.group("after_approx")) or before.endswith(APPROX_BEFORE)
        yield Mention(value, unit, approx, start, start + len(num.rstrip()), m.end("unit"))


def _canon(s: str) -> str:
    s = _TITLE.sub("", "".join(s.split()))
    for old, new in _SYNONYMS:
        s = s.replace(old, new)
    return s


def _soft_break(text: str, nl: int) -> bool:
    """A line break inside a sentence (PDF layout wraps paragraphs): the line goes on below."""
    line_start = text.rfind("\n", 0, nl) + 1
    prev = text[line_start:nl].strip()
    nxt_end = text.find("\n", nl + 1)
    nxt = text[nl + 1 : nxt_end if nxt_end >= 0 else len(text)].strip()
    ends_line = not nxt or prev[-1:] in tuple("。！？；;：:")
    return len(prev) >= 12 and not ends_line and not _HEADING.match(prev) and not _HEADING.match(nxt)


def _back(text: str, pos: int, stops: str, limit: int = 160) -> int:
    """Start of the stretch ending at ``pos``: after the last stop character.

    Soft line breaks don't stop it, and a closed aside ``（1个）`` is stepped over, so
    ``微信公众账号（1个）发布信息149条`` keeps its subject.
    """
    i = pos
    while i > 0 and pos - i < limit:
        ch = text[i - 1]
        if ch in "）)" and "（" in stops:
            opening = max(text.rfind("（", 0, i - 1), text.rfind("(", 0, i - 1))
            if opening >= 0 and i - 1 - opening <= 20 and "\n" not in text[opening : i - 1]:
                i = opening
                continue
        if ch in stops and not (ch == "\n" and _soft_break(text, i - 1)):
            break
        i -= 1
    return i


def _forward(text: str, pos: int, stops: str, limit: int = 12) -> str:
    j = pos
    while j < len(text) and j - pos < limit and text[j] not in stops:
        j += 1
    return text[pos:j]


def headings_before(text: str, pos: int, n: int = 2) -> list[str]:
    """The nearest ``n`` heading lines above ``pos`` (short enumerated lines), nearest first."""
    ends, titles = _heading_lines(text)
    k = bisect_right(ends, text.rfind("\n", 0, pos))  # headings on complete lines above pos's line
    return titles[max(0, k - n) : k][::-1]


@lru_cache(maxsize=2)
def _heading_lines(text: str) -> tuple[list[int], list[str]]:
    """Heading lines of a text once (end offset, title): walking back from every figure is quadratic."""
    ends: list[int] = []
    titles: list[str] = []
    start = 0
    for line in text.split("\n")[:-1]:  # lines ended by a newline; the last piece never precedes a figure's line
        if _HEADING.match(line):
            ends.append(start + len(line))
            titles.append(line.strip())
        start += len(line) + 1
    return ends, titles


def topic_of(sentence: str, headings: Sequence[str]) -> str | None:
    """The topic named last before the number: in its sentence, else in its section headings."""
    for source in (sentence, *headings):
        source = source.replace("复议申请", "复议").replace("诉讼申请", "诉讼")
        best, at = None, -1
        for name, word in _TOPICS:
            i = source.rfind(word)
            if i > at:
                best, at = name, i
        if best is not None:
            return best
    return None


def _matches(rule: Rule, item: str, unit: str, topic: str | None, family: Family, heading: str) -> bool:
    if unit not in rule.units or (rule.family and rule.family != family):
        return False
    if rule.topic and rule.topic != topic:
        return False
    if rule.section and not rule.section.search(heading):
        return False
    if rule.forbid and rule.forbid.search(item):
        return False
    return bool(rule.cue.search(item))


@dataclass(frozen=True, slots=True)
class Context:
    """What decides a number's key: its item, its sentence's topic, the family and the headings above."""

    unit: str
    topic: str | None
    family: Family
    heading: str
    disclosing: bool  # the sentence discloses (公开/发布…): a bare list item shares that verb


@lru_cache(maxsize=128)
def _rules_for(unit: str, lead: bool = False) -> tuple[Rule, ...]:
    """The rules that can fit a figure in this unit, in their order (the others never match it)."""
    return tuple(r for r in RULES if unit in r.units and (r.lead or not lead))


def key_for(item: str, ctx: Context, *, segment: bool = False, lead: bool = False) -> str | None:
    """The first rule that fits; a group with two fitting rules is passed over (neither is trusted).

    ``lead``: ``item`` is the words *after* the count, and only rules of events a count may
    lead (两次举办培训) are tried.
    """
    ambiguous: set[str] = set()
    rules = _rules_for(ctx.unit, lead)
    for r in rules:
        if (segment and not r.reach) or (r.bare and not ctx.disclosing) or (r.group and r.group in ambiguous):
            continue
        if not _matches(r, item, ctx.unit, ctx.topic, ctx.family, ctx.heading):
            continue
        if r.group and any(
            o.group == r.group and o.key != r.key and _matches(o, item, ctx.unit, ctx.topic, ctx.family, ctx.heading)
            for o in rules
        ):
            ambiguous.add(r.group)
            continue
        return r.key or None  # a rule with no key stops the search: "this is no statistic"
    return None


def key_after(item: str, after: str, ctx: Context) -> str | None:
    """Key from the words after the unit, for counts written before their noun."""
    for r in AFTER_RULES:
        if ctx.unit not in r.units or (r.topic and r.topic != ctx.topic) or (r.family and r.family != ctx.family):
            continue
        if r.before.search(item) and r.after.search(after):
            return r.key
    return None


def _words_after(text: str, pos: int, limit: int = 24) -> str:
    """The words after a count up to its clause's end or the next figure (两次|举办培训，…)."""
    j = pos
    while j < len(text) and j - pos < limit and text[j] not in _CLAUSE_END and not text[j].isdigit():
        j += 1
    return text[pos:j]


def channels_named(words: str) -> set[str]:
    """The channel kinds ``words`` name (website, weibo, …, board for the other media)."""
    return {kind for kind, pattern in CHANNEL_RE.items() if pattern.search(words)}


def _section_title(text: str, pos: int) -> str | None:
    """The title of the section ``pos`` is in: a sub-heading opening its line (``（一）网站公开
    情况。…``) before ``pos``, else the nearest heading line above."""
    line_start = text.rfind("\n", 0, pos) + 1
    m = _INLINE_HEADING.match(text, line_start)
    if m and m.end() <= pos:
        return m.group(1)
    heads = headings_before(text, pos, 1)
    return heads[0] if heads else None


def segment_channel(text: str, m: Mention, item: str) -> str | None:
    """The channel a clause before names for a count whose own item names none
    (``其中微博29个，共发布信息1992条；``): one channel, and none after it in the segment."""
    if channels_named(item):
        return None
    seg_start = _back(text, m.start, _SEGMENT_END)
    before = _canon(text[seg_start : m.start])
    after = _canon(_forward(text, m.unit_end, _SEGMENT_END, 200))
    kinds = channels_named(before)
    if len(kinds) != 1 or channels_named(after):
        return None
    return CHANNEL_KEYS[kinds.pop()]


def section_channel(text: str, pos: int, sentence: str) -> str | None:
    """The channel key of a count whose own words name none, from its section's title.

    Only where the title names exactly one channel and the count's sentence names none
    (a sentence that lists channels itself is read by its own words)."""
    if channels_named(sentence):
        return None
    title = _section_title(text, pos)
    kinds = channels_named(_canon(title)) if title else set()
    return CHANNEL_KEYS[kinds.pop()] if len(kinds) == 1 else None


@dataclass(frozen=True, slots=True)
class ProseFigure:
    figure: Figure
    cumulative: bool


def section_key_area(text: str, pos: int, sentence: str) -> str | None:
    """The key area of a disclosure count whose words name none, from its section's title
    (``（11）推进安全生产信息公开。…全年共发布信息68条``): one area in the title, none in the sentence."""
    if channels_named(sentence) or any(p.search(sentence) for p in KEY_AREA_RE.values()):
        return None
    title = _section_title(text, pos)
    areas = [k for k, p in KEY_AREA_RE.items() if title and p.search(_canon(title))]
    return f"proactive.key_areas.{areas[0]}" if len(areas) == 1 else None


def _key_of(
    text: str, m: Mention, item: str, last_figure_end: int, ctx: Context, sentence_start: int, sentence: str
) -> str | None:
    """A figure's key: from its item, an official label, the noun after it, the event after a
    leading count (两次举办培训); a disclosure count with no channel of its own takes its section's."""
    key = key_for(item, ctx)
    if (
        key is None and item.endswith("信息") and not DISCLOSE.search(item)
    ):  # an official label with a comma in it (never before the last figure)
        label_start = max(_back(text, m.start, _SEGMENT_END), last_figure_end)
        key = key_for(_canon(text[label_start : m.start]), ctx, segment=True)
    if key is None:
        key = key_after(item, _canon(_forward(text, m.unit_end, _CLAUSE_END)), ctx)
    if key is None and _rules_for(ctx.unit, True) and not _TAKES_COUNT.search(item):
        after = _canon(_words_after(text, m.unit_end))
        if after and not _NOT_YEARLY.search(after):
            key = key_for(after, ctx, lead=True)
    disclosure = key == "proactive.total" or (key is None and _DISCLOSES_INFO.search(item) is not None)
    if m.unit == "条" and disclosure and "主动" not in item and not TOPICAL.search(item):
        key = segment_channel(text, m, item) or key
        whole = sentence + _canon(_forward(text, m.unit_end, _SENTENCE_END, 200))
        if not _OVERALL.search(item):
            key = section_channel(text, sentence_start, whole) or key
        if key is None:
            key = section_key_area(text, sentence_start, whole)
    other_kind = key in _REQUESTS_RECEIVED and _OTHER_APPLICATIONS.search(sentence)
    if other_kind and not _DISCLOSURE_REQUEST.search(sentence + " ".join(headings_before(text, m.start))):
        return None  # applications of another kind (licences, services)
    return key


def find_prose(text: str, family: Family, skip: Iterable[tuple[int, int]] = ()) -> list[ProseFigure]:
    """Every prose figure, in text order (several per key possible; see :func:`pick`)."""
    skipped = sorted(skip)
    starts = [a for a, _ in skipped]
    reach = list(itertools.accumulate((b for _, b in skipped), max))  # furthest end of the ranges so far
    out: list[ProseFigure] = []
    previous_end = 0
    for m in mentions(text):
        k = bisect_right(starts, m.start)
        if k and reach[k - 1] > m.start:  # inside a skipped range (bisect: a scan per figure is quadratic)
            continue
        clause_start = _back(text, m.start, _CLAUSE_END)
        # the item: words since the clause mark or the previous figure of a list (…1205条、微博12984条)
        last_figure_end = previous_end
        item = _canon(text[max(clause_start, previous_end) : m.start]).lstrip(_LIST_JOINERS)
        if not text.startswith(("）", ")"), m.unit_end):  # a figure in an aside (1个) starts no list
            previous_end = m.unit_end
        sentence_start = _back(text, m.start, _SENTENCE_END, 400)
        sentence = _canon(text[sentence_start : m.start])
        if _NOT_YEARLY.search(item) or _PLAN.search(sentence):  # 每季度召开一次, 明年将举办3期: not the year's
            continue
        heads = headings_before(text, m.start)
        ctx = Context(m.unit, topic_of(sentence, heads), family, " ".join(heads), bool(DISCLOSE.search(sentence)))
        key = _key_of(text, m, item, last_figure_end, ctx, sentence_start, sentence)
        if key is None:
            continue
        value, unit = in_unit(m.value, m.unit, key_unit(key))
        fig = Figure(key, value, unit, m.approx, "text", m.start, m.end)
        out.append(ProseFigure(fig, "累计" in item or "累计" in sentence[-20:]))
    return out


def pick(found: Sequence[ProseFigure]) -> list[Figure]:
    """One figure per key: the first yearly one; a cumulative one only when the text gives no yearly one."""
    chosen: dict[str, ProseFigure] = {}
    for pf in found:
        have = chosen.get(pf.figure.key)
        if have is None or (have.cumulative and not pf.cumulative):
            chosen[pf.figure.key] = pf
    return sorted((pf.figure for pf in chosen.values()), key=lambda f: f.start)
