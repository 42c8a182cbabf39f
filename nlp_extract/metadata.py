"""Document metadata: issuing body, its region, level and key, report year, publication date, template.

The issuing body follows section 4 of docs/ANNOTATION_GUIDE.md.  Candidates are gathered
from the title, the opening sentences, the signature and the page's fields; each is put in
canonical form (label words and stray characters cut, a bare place -> its 人民政府, a
publishing office -> the government it speaks for) and validated as a name, so a label, a
site name or a fragment is never returned.  Each candidate is scored by where it was found,
how many places agree on it and whether the report speaks of itself as that kind of body
(我局, 我县); the best one is then extended to the fullest form the text writes.  Region and
level come from the national division table (``places.py``); ``organization_key`` is the name
with its region's full chain in front, one key per body across years (docs/METADATA.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, pairwise

from .lines import Line
from .places import Place, gazetteer, mentioned
from .schema import Level, Meta, Template

_CJK = "\u4e00-\u9fff"
_CN_ZERO = "〇○零0OΟ"  # typed zeros of 二〇一九, 二○一九, 二0一九
_CN_DIGIT = _CN_ZERO + "一二三四五六七八九"
_YEAR_RE = rf"(?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}}"

# Administrative places; a body named only by its place is that place's government.
_PLACE_SUFFIX = "省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|乡|镇|街道"
_GOV_PLACE = re.compile(rf"^[{_CJK}]{{1,20}}?(?:市|县|区|旗|乡|镇)$")  # city, county, township (not province)
_NOT_GOV_PLACE = re.compile(
    r"(?:园区|开发区|工业区|产业区|经济区|试验区|实验区|示范区|保税区|合作区|管理区|度假区|自贸区|高新区|景区|社区|校区|片区|城区|辖区|市场)$"
)
# A development zone, experimental zone, park: a place of its own without a 人民政府.
_ZONE = re.compile(
    r"(?:园区|开发区|工业区|产业区|经济区|试验区|实验区|示范区|保税区|合作区|管理区|度假区|自贸区|高新区)$"
)
_ZONE_LED = re.compile(rf"[{_CJK}]{{2,12}}?{_ZONE.pattern.removesuffix('$')}")  # a zone or a body inside one
_CENTRAL = re.compile(r"^(?:国家|国务院|中华人民共和国|中共中央|中央|全国|最高人民|海关总署)")
_DEPARTMENT = re.compile(
    r"(?:局|委员会|管委会|委|办公室|办公厅|办|中心|公司|院|署|所|队|支队|大队|分局|站|馆|社|处|厅|部|会)$"
)
# A department named with its level only (rule 4 of the guide): 县商务局, 区统计局.
_LEVEL_DEPARTMENT = re.compile(rf"[省市县区州](?!人民政府|政府)[{_CJK}]{{2,12}}?(?:局|委员会|管委会|办公室|中心|办|厅)")
_PROVINCE = re.compile(rf"^[{_CJK}]{{2,7}}?(?:省|自治区)")
_STREET = re.compile(rf"^[{_CJK}]{{2,20}}街道$")
# What names of government bodies end with.
_NAME_SUFFIX = re.compile(
    r"(?:人民政府|办事处|委员会|管委会|管理局|局|厅|委|办公室|办公厅|办|中心|公司|院|署|所|队|支队|大队|分局|"
    r"园区|站|馆|社|处|省|自治区|市|自治州|县|自治县|区|旗|乡|镇|街道)$"
)
# A name never starts like this: a pronoun, a quantifier, a bare level (县商务局 needs context we lack).
_BAD_START = re.compile(
    r"^(?:我|本(?=[省市县区乡镇局委办厅单级机部])|全(?=[省市县区乡镇局委办厅系])|各|该|此|其|在|对|由|与|及|按|据|为|是|了|的|年|度|"
    r"[省市县区乡镇](?!中区))"
)
# Sentence words and site words never inside a body's name (门户网站, 首页, 当前位置).
_BAD_INNER = re.compile(
    r"报告|信息公开|政务公开|公布|发布|工作|情况|条例|年度|通知|规定|办法|关于|印发|我|网站|门户|首页|位置|官网"
)
# Label words a page puts before a name: 名称：, 编制单位
_LABEL_WORDS = re.compile(
    r"^(?:单位名称|机构名称|文件名称|名称|编制单位|编制机关|发布机构|发布单位|信息来源|来源|发文机关|标题|题名|编制)[:：]?"
)
# The group office that drafts the report of its government (rule 3 of the guide).
_GROUP_OFFICE = re.compile(r"^(.+?(?:政府|[县区市乡镇]))(?:政府信息公开|信息公开|政务公开)?(?:工作)?领导小组办公室$")
_BOOK_TITLE = re.compile(r"《[^《》\n]*》")
# A sub-office that only publishes the report on the government's behalf.
_SUB_OFFICE = re.compile(
    r"^(.+?政府)(?:办公室|办公厅|信息公开办公室|信息公开办|政务公开办公室|政务公开办|党政办公室|党政综合办公室|党政办)$"
)
# Characters that end a name on its left: function words that precede a name in a sentence.
# (向, 照, 从, 即, 和, 同 are not here: 向阳区, 日照市, 从江县, 即墨区, 和平区, 大同市.)
_LEFT_STOP = frozenset("由在对为是把请址的了据按至并或见与")
_PLACE_STOP = _LEFT_STOP | frozenset("及")  # 及 joins names in a list; department names may have 和

_YEAR_PHRASE = rf"(?:{_YEAR_RE})\s*年度?"
_REPORTISH = r"(?:政府信息公开|信息公开|政务公开|政府信息|年度报告|年报|工作报告|度?工作)"
# 宿州市人民政府2016年政府信息公开工作年度报告 / 赫章县人民政府 关于2017年度…
_ORG_FIRST = re.compile(rf"^(?P<org>[^\d，。,；;：:《》“”]{{2,40}}?)(?:关于)?{_YEAR_PHRASE}(?:的)?{_REPORTISH}")
# 2022年上海市政府信息公开工作年度报告 / 2018年度建新镇政府信息公开年度报告 / 2016年度七里乡的政府信息公开
_YEAR_FIRST = re.compile(
    rf"^(?:关于)?{_YEAR_PHRASE}(?P<org>[{_CJK}（）]{{2,30}}?)(?:的)?"
    r"(?:(?P<gov>人民政府|政府)(?=的?(?:信息公开|政务公开))|(?=的?(?:政府信息公开|信息公开|政务公开|政府信息)))"
)
# 国家税务总局政府信息公开年度报告 (the year elsewhere)
_NO_YEAR = re.compile(
    rf"^(?P<org>[{_CJK}（）]{{2,30}}?)(?:的)?"
    r"(?:(?P<gov>人民政府|政府)(?=的?(?:信息公开|政务公开))|(?=的?(?:政府信息公开|信息公开|政务公开)))"
)
# Where a title's body ends: its year and the report's name (the body is the name right before it)
_TITLE_TAIL = re.compile(rf"{_YEAR_PHRASE}(?:的)?{_REPORTISH}.{{0,20}}?(?:报告|年报)$")
# A title without its body (the body on the line above): 2020年政府信息公开工作年度报告
_YEAR_ONLY_TITLE = re.compile(rf"^(?:关于)?{_YEAR_PHRASE}(?:的)?{_REPORTISH}")
# An opening sentence that names the report: 现公布咸宁市人民防空办公室2018年政府信息公开工作年度报告
_NAMING_VERB = re.compile(r"(?:公布|公开|发布|编制|汇总|现将|形成)(?:了|并向社会公布|并向社会公开)?")
_COMPILED_BY = re.compile(r"由([^，,。；;、\n]{2,60}?)(?:负责)?(?:编制|发布|制作|编写|起草)")
_ABBREVIATED = re.compile(r"（以下简称")
_SOURCE = re.compile(
    r"(?:信息来源|来源|发布机构|发布单位|发文机关|发布部门|发文单位)[:：][\s|]*([^\s|:：]{2,40}?)"
    r"(?=发布时间|发布日期|时间|日期|作者|浏览|点击|字号|[\s|:：]|$)"
)
_NARRATIVE = re.compile(
    rf"^(?P<year>{_YEAR_PHRASE}(?:以来|上半年|全年)?[,，]?)?(?:在[^，,。；;]{{2,40}}?下[,，]?)?(?P<rest>[{_CJK}]{{2,30}})"
)
_SPACE = re.compile(r"[\s|｜]+")
_FIELD_LABEL = re.compile(_LABEL_WORDS.pattern.removesuffix("[:：]?") + "[:：]")  # 名称：…, 编制单位：…

_YEAR_TITLE = re.compile(r"(20\d{2}|19\d{2})\s*年度?.{0,12}(?:政府信息公开|政务公开|信息公开)")
_PERIOD = re.compile(r"(?:统计期限|统计时限|统计期间|时间范围).{0,6}?(20\d{2})年\s*1月\s*1日")
_YEAR = re.compile(r"(20\d{2})年")

_NUM_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_CN_DATE = rf"([{_CN_DIGIT}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,2}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日"
_ANY_DATE = re.compile(rf"{_NUM_DATE}|{_CN_DATE}")
_DATE_LABEL = re.compile(
    rf"(?:发布时间|发布日期|公开日期|发文日期|印发日期|更新时间|更新日期|成文日期|生成日期|(?<![{_CJK}])(?:日期|时间))"
    r"[:：][\s|]*[（(\[【]?"
)
# A line that is a date and nothing else but brackets or page chrome after it.
_DATE_ONLY = re.compile(
    rf"^[（(【\[]?\s*(?:{_NUM_DATE}|{_CN_DATE})\s*[）)】\]]?\s*(?:(?:来源|作者|浏览|点击|发布|字号|编辑|阅读|访问)\S*.*)?$"
)


# --- organization -------------------------------------------------------------------

# Where a name was found, and how much that place is worth (docs/METADATA.md).
SOURCE_WEIGHTS: dict[str, float] = {
    "title": 10,  # the report's title: 宿州市人民政府2016年政府信息公开工作年度报告
    "named": 9,  # an opening sentence naming the report: 现公布XX2018年…报告
    "signature": 7,  # the name above the date at the end
    "compiled": 6,  # 由XX编制
    "line": 6,  # a line among the first ones that is only a name
    "abbreviated": 5,  # XX（以下简称…）
    "narrative": 4,  # the subject of the opening narrative: 2022年，XX坚持…
    "self": 4,  # the one body of the level the report calls itself (我县)
    "field": 3,  # the page's 来源:/发布机构: field
    "subject": 2,  # the subject of the year's first sentence, named once (2024年，XX坚持…)
}
_AGREE = 1.5  # each further source naming the same body
_SELF_MATCH = 2.0  # the report calls itself what the body is (我局 and a 局)


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str  # canonical form
    source: str  # a key of SOURCE_WEIGHTS


def organization(segments: Sequence[str], text: str) -> str | None:
    """The issuing body: the best-scored candidate, extended to the fullest form the text writes.

    ``segments``: the report's lines, long ones cut at sentence ends (``_segments``).
    """
    head = _head(segments)
    best = choose(list(_candidates(segments, head, text)), text)
    return _fullest(best, segments, head) if best else None


def choose(candidates: Sequence[Candidate], text: str) -> str | None:
    """The body with the highest score; ties go to the candidate found first (the more reliable source).

    Names of one body (one ends with the other: 建新镇人民政府, 遂溪县建新镇人民政府) pool their
    sources; the group is named by its candidate from the most reliable source.
    """
    if not candidates:
        return None
    self_kind = _self_kind(text)
    groups: dict[str, list[Candidate]] = {}  # shortest name of the body -> its candidates
    for c in candidates:
        same = next((k for k in groups if k.endswith(c.name) or c.name.endswith(k)), None)
        if same is None:
            groups[c.name] = [c]
        elif len(c.name) < len(same):
            groups[c.name] = [*groups.pop(same), c]
        else:
            groups[same].append(c)

    def score(members: list[Candidate]) -> float:
        weights = sorted({c.source: SOURCE_WEIGHTS[c.source] for c in members}.values(), reverse=True)
        kind = _body_kind(members[0].name)
        fit = 0.0 if not self_kind or not kind else _SELF_MATCH if kind == self_kind else -_SELF_MATCH
        return weights[0] + _AGREE * (len(weights) - 1) + fit

    first = {k: min(candidates.index(c) for c in members) for k, members in groups.items()}
    members = groups[max(groups, key=lambda k: (score(groups[k]), -first[k]))]
    return max(members, key=lambda c: (SOURCE_WEIGHTS[c.source], len(c.name))).name


def _core(name: str) -> str:
    """A name without the places written before it: what names of one body share."""
    g = gazetteer()
    rest = name
    for word, _ in g.leading(name):
        rest = rest[len(word) :]
    return rest or name


def _body_kind(name: str) -> str | None:
    """What kind of body a name is, as a report would call itself: 县, 区, 市, 乡, 镇, 街道 or 局/委/办."""
    if name.endswith("街道办事处"):
        return "街道"
    if m := re.search(r"(县|区|市|乡|镇|旗)人民政府$", name):
        return m.group(1)
    if name.endswith(("局", "分局")):
        return "局"
    return None


def _self_kind(text: str) -> str | None:
    """How the report mostly calls itself: 我县 -> 县, 本局 -> 局 (None when it never does)."""
    refs = Counter(re.findall(r"[我本](街道|[县区市乡镇局])", text))
    return refs.most_common(1)[0][0] if refs else None


def _segments(lines: Sequence[Line]) -> list[str]:
    """Non-blank lines, a long line cut at sentence ends and space runs (reports saved as one line)."""
    out: list[str] = []
    for ln in lines:
        if ln.kind == "blank" or not ln.text.strip():
            continue
        if len(ln.text) <= _LONG_LINE:
            out.append(ln.text)
            continue
        for piece in re.split(r"(?<=[。！？!?])|\s{1,}(?=\S)", ln.text):
            if piece.strip():
                out.append(piece)
    return out


_LONG_LINE = 200


def _candidates(segments: Sequence[str], head: Sequence[str], text: str) -> Iterator[Candidate]:
    """Canonical, validated names with where each was found, most reliable source first."""
    opening = _BOOK_TITLE.sub("《》", "\n".join(head))
    raw: Iterable[tuple[str, str | None]] = chain(
        (("title", n) for n in _from_titles(head)),
        (("named", n) for n in _named_reports("\n".join(head))),
        (("line", n) for n in _name_lines(head)),
        (("compiled", m.group(1)) for m in _COMPILED_BY.finditer(opening)),
        (
            ("abbreviated", _trailing_name(opening[max(0, m.start() - 32) : m.start()]))
            for m in _ABBREVIATED.finditer(opening)
        ),
        (("signature", n) for n in _signature_names(segments)),
        (("field", m.group(1)) for m in _SOURCE.finditer(text[:3000])),
        _narrative_subjects(head, text),
        (("self", n) for n in _self_referenced(head, text)),
    )
    for source, r in raw:
        if r and (name := canonical_name(r, keep_office=source in ("title", "named"))):
            yield Candidate(name, source)


def _head(segments: Sequence[str], n: int = 15) -> list[str]:
    """The first segments with content (table pipes and spaces squeezed out): where the title sits."""
    out = []
    for seg in segments:
        compact = _FIELD_LABEL.sub("", _SPACE.sub("", seg))
        if compact:
            out.append(compact)
        if len(out) >= n:
            break
    return out


def _from_titles(head: Sequence[str]) -> Iterator[str]:
    """Names in a report title, also one broken over two lines (宿州市人民政府2016年 / 政府信息公开…)."""
    for line in head:
        yield from _title_names(line)
    for line, following in pairwise(head):
        if len(line) < 30 and re.search(r"年度?$", line) and not re.search(r"报告|年报", line):
            yield from _title_names(line + following)
        elif len(line) <= 30 and _YEAR_ONLY_TITLE.match(following) and _plausible(canonical_name(line) or ""):
            yield from _title_names(line + following)  # 孝感市人民政府办公室 / 2020年政府信息公开工作年度报告


def _title_names(title: str) -> Iterator[str]:
    """The body a title names before its year, after it, or (no year) before 政府信息公开."""
    if len(title) > 80:
        return
    if m := _ORG_FIRST.match(title):
        yield m.group("org")
    if m := _YEAR_FIRST.match(title):
        yield m.group("org") + (m.group("gov") or "")
    if len(title) <= 40 and re.search(r"报告|年报", title) and (m := _NO_YEAR.match(title)):
        yield m.group("org") + (m.group("gov") or "")
    if len(title) <= 60 and "《" not in title and (m := _TITLE_TAIL.search(title)) and m.start() > 0:
        yield _trailing_name(title[: m.start()]) or ""  # after page chrome: 发布时间:2014-02-25XX县人民政府2013年…


def _name_lines(head: Sequence[str]) -> Iterator[str]:
    """A line that is only a name, among the first lines (above or below the title)."""
    for line in head[:6]:
        if len(line) <= 30 and _plausible(canonical_name(line) or ""):
            yield line


# compiled once: these run for every opening line and candidate name
_NAMED_LEAD = re.compile(r"^[了《\s]+")
_NAMED_END = re.compile(r"[，,。；;\n（）《》]")
_REPORT_WORD = re.compile(r"报告|年报")
_YEAR_PHRASE_RE = re.compile(_YEAR_PHRASE)
_NOT_NAME_CHAR = re.compile(rf"[^{_CJK}（）]")
_NAME_CHARS = re.compile(rf"[{_CJK}（）]{{3,30}}")


def _named_reports(opening: str) -> Iterator[str]:
    """The report named inside an opening sentence: 现公布XX2018年…报告 / 现编制形成了《XX2023年…报告》."""
    for m in _NAMING_VERB.finditer(opening):
        rest = _NAMED_LEAD.sub("", opening[m.end() : m.end() + 80])
        rest = _NAMED_END.split(rest)[0]
        if not _REPORT_WORD.search(rest):
            continue
        if n := _ORG_FIRST.match(rest):
            yield n.group("org")
        if n := _YEAR_FIRST.match(rest):
            yield n.group("org") + (n.group("gov") or "")
        if (y := _YEAR_PHRASE_RE.search(rest)) and y.start() > 0:
            yield _trailing_name(rest[: y.start()]) or ""  # the name right before the year, after any junk


def _signature_names(segments: Sequence[str]) -> Iterator[str]:
    """The signature at the end: a name followed by a date, on one line or two."""
    tail = segments[-12:]
    for i, line in enumerate(tail):
        if (m := _ANY_DATE.search(line)) and m.start() > 0 and not line[m.end() :].strip():
            before = _SPACE.sub("", line[: m.start()])
            yield before if len(before) <= 40 else _trailing_name(before) or ""
        elif i + 1 < len(tail) and _DATE_ONLY.match(tail[i + 1]) and len(line) <= 40:
            yield _SPACE.sub("", line)


def _narrative_subjects(head: Sequence[str], text: str) -> Iterator[tuple[str, str]]:
    """The subject of an opening sentence (2015年,桦郊乡各部门…) when the report speaks of itself alike (我乡).

    The subject must read as places (桦郊乡, 北京市昌平区), optionally followed by 人民政府 or
    by a department (泉州市统计局), or as a department of the report's own level (县乡村振兴局,
    with 我局): free text is never taken for a name.
    """
    for line in head:
        if len(line) < 15 or not (m := _NARRATIVE.match(line)):
            continue
        rest = m.group("rest")
        ends = _place_ends(rest, min(len(rest), 20))
        for k in range(min(len(rest), 20), 2, -1):
            name = rest[:k]
            if not _is_place_led(name, ends) or not _known_start(name) or not _plausible(canonical_name(name) or ""):
                continue
            level = "街道" if name.endswith("街道") else name[-1]
            # it speaks of itself so (names in cited documents' titles do not count)
            if re.search(f"[我本全]{level}", text) or _BOOK_TITLE.sub("《》", text).count(name) >= 2:
                yield "narrative", name
            elif m.group("year"):
                yield "subject", name
            break
        if (d := _LEVEL_DEPARTMENT.match(rest)) and re.search(f"[我本]{d.group()[-1]}", text):
            yield "narrative", d.group()


def _known_start(name: str) -> bool:
    """A name that starts with a county or a higher unit starts with one of the division table.

    充分发挥县…, 全年区… read as places by their suffix but are sentence fragments; townships,
    streets and zones are not in the table and pass.
    """
    unit = re.match(rf"[{_CJK}]{{1,8}}?(?:街道|自治区|自治州|自治县|省|市|州|县|区|旗|盟|乡|镇)", name)
    if not unit or unit.group().endswith(("乡", "镇", "街道")) or _NOT_GOV_PLACE.search(unit.group()):
        return True
    return bool(gazetteer().leading(name))


def _place_ends(text: str, upto: int) -> list[int]:
    """Every ``j`` (3 to ``upto``) where ``text[:j]`` reads as places alone (it ends with a suffix's last character)."""
    return [j for j in range(3, upto + 1) if text[j - 1] in _SUFFIX_LAST and _place_prefix(text, end=j) == text[:j]]


_SUFFIX_LAST = frozenset(suffix[-1] for suffix in _PLACE_SUFFIX.split("|"))


def _is_place_led(name: str, ends: Sequence[int]) -> bool:
    """Places, then at most 人民政府 or a short department name: 北京市昌平区, 泉州市统计局.

    ``ends``: ``_place_ends`` of a text that ``name`` begins (the places are read once for every
    length of name tried, not once per length and prefix)."""
    j = max((e for e in ends if e <= len(name)), default=0)
    if not j:
        return False
    tail = name[j:]
    return tail in ("", "人民政府", "政府") or (len(tail) <= 8 and bool(_NAME_SUFFIX.search(tail)))


def _self_referenced(head: Sequence[str], text: str) -> Iterator[str]:
    """The one body of the level the report calls itself (我县, 本局) that the opening lines name."""
    refs = Counter(re.findall(r"[我本]([县区市乡镇局委办厅])", text))
    if not refs:
        return
    level = refs.most_common(1)[0][0]
    names: set[str] = set()
    for line in head[:10]:
        for m in re.finditer(f"{level}人民政府" if level in "县区市乡镇" else level, line):
            if level in "县区市乡镇":
                name = _place_prefix(line, end=m.start() + 1)
            else:
                name = _trailing_name(line[max(0, m.end() - 32) : m.end()]) or ""
            if name and (canon := canonical_name(name)):
                names.add(canon)
    if len(names) == 1:
        yield names.pop()


def _trailing_name(before: str) -> str | None:
    """The name that ends exactly where ``before`` ends, cut after the last word that precedes names.

    可在兴海县人民政府（ -> 兴海县人民政府; XX市人民政府办公室（以下简称…） -> the whole name.
    """
    tail = re.search(rf"[{_CJK}（）]{{2,30}}$", before[-32:])  # the match ends the string: the whole line is quadratic
    if not tail:
        return None
    s = tail.group()
    starts = [k for k in range(len(s) - 1, -1, -1) if k == 0 or s[k - 1] in _LEFT_STOP]
    return next((s[k:] for k in starts if _plausible(canonical_name(s[k:]) or "")), None)


def canonical_name(raw: str, keep_office: bool = False) -> str | None:
    """A name in the form annotators write it, or None when it is not a plausible name.

    Spaces and label words (名称：, 编制单位) go; web spam inserted into the name is cut out
    (北京市<spam>官网:发展和改革委员会); a stray character before a known place goes
    (年平潭县人民政府); an office that publishes for its government becomes that government
    (always for a 领导小组办公室, and for 办公室/办公厅 unless ``keep_office``: the title names the
    office as the body); a bare city, county or township becomes its 人民政府 (政府 alone
    likewise); a bare 街道 becomes its 街道办事处.
    """
    name = _SPACE.sub("", raw).strip("：:，,。、")
    name = _LABEL_WORDS.sub("", name)
    if _NOT_NAME_CHAR.search(name):
        name = _strip_spam(name) or ""
    name = _without_stray(name)
    if (m := _GROUP_OFFICE.match(name)) or (not keep_office and (m := _SUB_OFFICE.match(name))):
        name = m.group(1)
    if name.endswith("政府") and not name.endswith("人民政府"):  # 建新镇政府; 迎宾路街道办事处政府信息公开
        stem = name[:-2]
        if not (_is_government_place(stem) or _STREET.match(stem) or _plausible(stem)):
            return None
        name = stem + "人民政府" if _is_government_place(stem) else stem
    if _STREET.match(name):
        name += "办事处"
    elif _is_government_place(name) or _PROVINCE.fullmatch(name):
        name += "人民政府"
    return name if _plausible(name) else None


def _without_stray(name: str) -> str:
    """Drop one or two characters before a known place when the name does not start with one (年平潭县…)."""
    g = gazetteer()
    if not name or g.leading(name):
        return name
    for k in (1, 2):
        words = g.leading(name[k:])
        if words and len(words[0][0]) >= 3:
            return name[k:]
    return name


def _is_government_place(name: str) -> bool:
    """A city, county, district or township (not a province, not a development zone): it has a 人民政府."""
    return bool(_GOV_PLACE.match(name)) and not _NOT_GOV_PLACE.search(name) and _place_prefix(name, 1) == name


def _strip_spam(name: str) -> str | None:
    """Cut keyword spam that a mirror site inserted after the place: keep the place and what follows the colon."""
    if not re.search(r"[:：]", name):
        return None
    after = re.split(r"[:：]", name)[-1]
    if re.search(rf"[^{_CJK}]", after) or not after:
        return None
    place = re.match(rf"^(?:[{_CJK}]{{2,7}}?(?:{_PLACE_SUFFIX}))+", name)
    if not place:
        return after if _plausible(after) else None
    return place.group() + after


def _plausible(name: str) -> bool:
    """CJK only, of name length, ending with a body's suffix, free of sentence words."""
    suffix = _NAME_SUFFIX.search(name)
    return bool(
        suffix
        and suffix.start() > 0
        and _NAME_CHARS.fullmatch(name)
        and (not _BAD_START.match(name) or _LEVEL_DEPARTMENT.fullmatch(name))
        and not _BAD_INNER.search(name)
        and not _LEFT_STOP.intersection(name)
    )


def _fullest(name: str, segments: Sequence[str], head: Sequence[str]) -> str:
    """``name`` with the places that the opening lines or the signature write right before it.

    微山县两城镇人民政府 in a contact line extends 两城镇人民政府; a postal address (地址:松阳县枫坪乡政府)
    names a building, not the body, and extends nothing.  A province is never added
    (annotators name a city or county body without it), nor a place the report does not write
    before the name (the county of a township goes to ``region``, not into the name).
    """
    sources = _ADDRESS.sub("", _SPACE.sub("", "\n".join([*head[:8], *segments[-12:]])))
    core = name.removesuffix("人民政府")
    gov = core != name
    best = name
    for m in islice(re.finditer(re.escape(core) + ("(?:人民)?政府" if gov else ""), sources), 50):
        prefix = _PROVINCE.sub("", _place_prefix(sources, end=m.start()))
        if len(prefix) + len(name) > len(best):
            best = prefix + name
    return best


_ADDRESS = re.compile(r"地址[:：]?[^，,。；;）)\n]*")
_SUFFIX_AT_END = re.compile(rf"(?:{_PLACE_SUFFIX})$")
_CJK_CHAR = re.compile(f"[{_CJK}]")


def _place_prefix(before: str, min_core: int = 2, end: int | None = None) -> str:
    """Place names that end exactly where ``before`` ends (广元市朝天区), read right to left.

    A place is two (``min_core``) to seven characters before its suffix; it ends on the left at a
    non-CJK character, a word that precedes names (与, 在, 请…) or the suffix of the place above it.
    ``end`` reads ``before[:end]`` without copying it (callers scan long lines match by match).
    """
    units: list[str] = []
    pos = len(before) if end is None else end
    # suffixes are 1-3 characters: search the last 4 only (searching the whole prefix is quadratic in long lines)
    # at most four units (province, city, county, township): a run of place-like words reads in bounded time
    while len(units) < 4 and (m := _SUFFIX_AT_END.search(before, max(0, pos - 4), pos)):
        start = m.start()
        while (
            start > 0
            and m.start() - start <= 7  # a longer core is no place: stop reading
            and _CJK_CHAR.match(before[start - 1])
            and before[start - 1] not in _PLACE_STOP
        ):
            if m.start() - start >= max(min_core, 2) and _SUFFIX_AT_END.search(before, max(0, start - 4), start):
                break
            start -= 1
        unit = before[start:pos]
        if not min_core <= m.start() - start <= 7 or _BAD_START.match(unit):
            break
        units.insert(0, unit)
        pos = start
    return "".join(units)


def _counties(text: str) -> Iterator[str]:
    """Codes of the county-level places of the division table (XX县, XX区, XX市) a text names.

    Postal addresses count here: they say where the body sits, though they do not name it.
    """
    for place in mentioned(text):
        if place.level == "county":
            yield place.code


# --- region, level, key -------------------------------------------------------------


def region(organization: str | None, segments: Sequence[str], text: str) -> Place | None:
    """The place the report puts its body in: the places its name starts with, resolved in the table.

    A body named without a known place (a township, 县商务局, 我局) takes the one county-level
    place (for 市XX局: the one city) that the title, the opening lines and the signature name;
    a development zone takes none (its own name is its place).
    """
    if not organization:
        return None
    g = gazetteer()
    near = "\n".join([*segments[:15], *segments[-12:]])
    words = g.leading(organization)
    if words:
        return g.resolve(words, mentioned(text[:5000]))
    rest = _core(organization)
    if _ZONE_LED.match(rest) or _CENTRAL.match(rest):
        return None
    level = rest[0] if _LEVEL_DEPARTMENT.fullmatch(rest) else None
    if level in ("市", "州"):
        cities = {p.code for p in mentioned(near) if p.level == "city"}
        return g.by_code[cities.pop()] if len(cities) == 1 else None
    if level == "省":
        provinces = {p.code for p in mentioned(near) if p.level == "province"}
        return g.by_code[provinces.pop()] if len(provinces) == 1 else None
    counties = set(_counties(near))
    if level in ("县", "区"):
        counties = {c for c in counties if g.by_code[c].name.endswith(level)}
    return g.by_code[counties.pop()] if len(counties) == 1 else None


def level_of(organization: str | None, place: Place | None) -> Level | None:
    """central, province, city, county, township, street or department; None when the name does not say."""
    if not organization:
        return None
    if place is None and _CENTRAL.match(organization):
        return "central"
    if organization.endswith(("街道办事处", "街道")):
        return "street"
    gov = re.sub(r"(?:人民政府|政府)$", "", organization)
    words = gazetteer().leading(gov)
    if gov != organization or (words and "".join(w for w, _ in words) == gov):
        if re.search(r"[乡镇]$", gov):
            return "township"
        if words and "".join(w for w, _ in words) == gov and place is not None:
            return place.level
        if re.search(r"(?:县|旗)$", gov):
            return "county"
        if re.search(r"(?:省|自治区)$", gov):
            return "province"
        return None
    if _ZONE.search(_core(organization)):
        return None
    return "department" if _DEPARTMENT.search(organization) else None


def organization_key(organization: str | None, place: Place | None = None) -> str | None:
    """One identity for one body across years: simplified, no spaces, the guide's suffix rules, region first.

    The places written before the name are replaced by the full chain of its region from the
    division table (綦江区人民政府 and 重庆市綦江区人民政府 -> 重庆市綦江区人民政府); a name without
    a known place gets its region's chain in front (枫坪乡人民政府 in 松阳县 ->
    浙江省丽水市松阳县枫坪乡人民政府); a bare level before a department is the region's unit of
    that level (县商务局 in 武强县 -> 河北省衡水市武强县商务局).  A zone's 管委会 is the zone.
    """
    if not organization:
        return None
    name = canonical_name(organization, keep_office=True) or _SPACE.sub("", organization)
    name = name.replace("管委会", "管理委员会")
    if _ZONE.search(zone := re.sub(r"(?:党工委)?管理委员会$", "", name)):
        name = zone
    g = gazetteer()
    words = g.leading(name)
    rest = name[sum(len(w) for w, _ in words) :]
    place = place or g.resolve(words)
    if _LEVEL_DEPARTMENT.fullmatch(rest) and place is not None:
        rest = rest[1:]
    prefix = "".join(p.name for p in g.chain(place)) if place else "".join(w for w, _ in words)
    return prefix + (rest or "人民政府")


# --- year ---------------------------------------------------------------------------


def report_year(lines: Sequence[Line], text: str) -> int | None:
    """The year the figures cover: the title's year, else the statistical period, else the most frequent."""
    for ln in lines[:15]:
        if ln.kind in ("title", "paragraph") and (m := _YEAR_TITLE.search(ln.text)) and len(ln.text) < 80:
            return int(m.group(1))
    if m := _PERIOD.search(text):
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text[:5000]) if 2000 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


# --- publication date ---------------------------------------------------------------


def published(lines: Sequence[Line], text: str, year: int | None = None) -> str | None:
    """When the report was published: a labelled page date, else the signature date, else a date line on top.

    Dates inside the narrative are never taken; a date before the covered year is not a
    publication date.
    """
    content = [ln.text for ln in lines if ln.kind != "blank"]
    found = [_labelled_date(text[:3000]), _signature_date(content[-12:]), _top_date(content[:8])]
    for date in found:
        if date and (year is None or int(date[:4]) >= year):
            return date
    return None


def _labelled_date(text: str) -> str | None:
    """The page's publication date; 成文日期 (when the document was signed) only when nothing else is given."""
    found: list[tuple[int, str]] = []
    for m in _DATE_LABEL.finditer(text):
        if (d := _ANY_DATE.match(text, m.end())) and (iso := _date_of(d)):
            rank = 2 if re.match(r"成文|生成", m.group()) else 1 if re.match(r"日期|时间|更新", m.group()) else 0
            found.append((rank, iso))
    return min(found, key=lambda f: f[0])[1] if found else None


def _signature_date(tail: Sequence[str]) -> str | None:
    """The last line that is a date, or a name followed by a date (昆都仑区人民政府  2018年3月14日)."""
    for line in reversed(tail):
        if m := _DATE_ONLY.match(line):
            return _date_of(m)
        m2 = _ANY_DATE.search(line)
        if m2 and not line[m2.end() :].strip() and _plausible(canonical_name(line[: m2.start()]) or ""):
            return _date_of(m2)
    return None


def _top_date(head: Sequence[str]) -> str | None:
    """A date standing on its own line below the title: （2010年3月5日） / 2022年01月18日来源:…"""
    for line in head:
        if m := _DATE_ONLY.match(line):
            return _date_of(m)
    return None


def _date_of(m: re.Match[str]) -> str | None:
    """ISO date from a match of ``_NUM_DATE`` or ``_CN_DATE`` groups (whichever matched)."""
    groups = [g for g in m.groups() if g is not None]
    if len(groups) != 3:
        return None
    y, mo, d = groups
    if not y.isdigit():
        y = "".join(str(_cn_digit(c)) for c in y)
        mo, d = str(cn_number(mo)), str(cn_number(d))
    return _iso(y, mo, d)


def _cn_digit(c: str) -> int:
    return 0 if c in _CN_ZERO else "一二三四五六七八九".index(c) + 1


def cn_number(s: str) -> int:
    """Value of a Chinese numeral up to 99: 三 -> 3, 十四 -> 14, 二十 -> 20, 三十一 -> 31."""
    if "十" not in s:
        return _cn_digit(s) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_cn_digit(tens) if tens else 1) * 10 + (_cn_digit(ones) if ones else 0)


def _iso(y: str, m: str, d: str) -> str | None:
    month, day = int(m), int(d)
    return f"{y}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


# --- template -----------------------------------------------------------------------


def template_for(year: int | None, detected: Template | None) -> Template | None:
    """What the tables say wins; else the template in force for the report year."""
    if detected is not None:
        return detected
    if year is None:
        return None
    return "pre2019" if year <= 2018 else "2019" if year <= 2020 else "2021"


def extract_meta(lines: Sequence[Line], text: str, detected: Template | None = None) -> Meta:
    """All metadata fields of one report."""
    year = report_year(lines, text)
    segments = _segments(lines)
    org = organization(segments, text)
    place = region(org, segments, text)
    return Meta(
        organization=org,
        year=year,
        published=published(lines, text, year),
        template=template_for(year, detected),
        organization_key=organization_key(org, place),
        region="".join(p.name for p in gazetteer().chain(place)) if place else None,
        level=level_of(org, place),
    )
