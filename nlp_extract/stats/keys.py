"""Canonical keys and the official labels they come from (docs/INDICATORS.md, kept in step by a test).

Rows are matched to keys by their *labels*, so the labels here are the official ones;
paraphrase tolerance lives in :mod:`nlp_extract.stats.labels`, not in extra spellings here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RowKey:
    """One row of a table: its key, official label and unit (None where the form gives none)."""

    key: str
    label: str
    unit: str | None = None


# --- A. pre-2019 统计表, in the form's order -----------------------------------------

PRE2019_ROWS: tuple[RowKey, ...] = (
    RowKey("proactive.total", "（一）主动公开政府信息数", "条"),
    RowKey("proactive.normative_docs", "其中：主动公开规范性文件数", "条"),
    RowKey("proactive.normative_docs_issued", "制发规范性文件总数", "件"),
    RowKey("proactive.key_areas.total", "（二）重点领域公开政府信息数", "条"),
    RowKey("proactive.key_areas.budget", "主动公开财政预算决算、“三公经费”和行政经费信息数", "条"),
    RowKey(
        "proactive.key_areas.housing",
        "主动公开保障性安居工程建设计划、项目开工和竣工情况，保障性住房的分配和退出等信息数",
        "条",
    ),
    RowKey("proactive.key_areas.food_safety", "主动公开食品安全标准，食品生产经营许可、专项检查整治等信息数", "条"),
    RowKey("proactive.key_areas.environment", "主动公开环境核查审批、环境状况公报和重特大突发环境事件等信息数", "条"),
    RowKey(
        "proactive.key_areas.bidding",
        "主动公开招投标违法违规行为及处理情况、国有资金占控股或者主导地位依法应当招标的项目等信息数",
        "条",
    ),
    RowKey(
        "proactive.key_areas.work_safety", "主动公开生产安全事故的政府举措、处置进展、风险预警、防范措施等信息数", "条"
    ),
    RowKey(
        "proactive.key_areas.land",
        "主动公开农用地转为建设用地批准、征收集体土地批准、征地公告、征地补偿安置公示、集体土地征收结案等信息数",
        "条",
    ),
    RowKey(
        "proactive.key_areas.prices",
        "主动公开政府指导价、政府定价和收费标准调整的项目、价格、依据、执行时间和范围等信息数",
        "条",
    ),
    RowKey("proactive.key_areas.credit", "主动公开本市企业信用信息系统中的警示信息和良好信息等信息数", "条"),
    RowKey("proactive.key_areas.audit", "主动公开政府部门预算执行审计结果等信息数", "条"),
    RowKey(
        "proactive.key_areas.public_institutions",
        "主动公开行政机关对与人民群众利益密切相关的公共企事业单位进行监督管理的信息数",
        "条",
    ),
    RowKey("proactive.key_areas.other", "主动公开市人民政府决定主动公开的其他信息数", "条"),
    RowKey("proactive.channels.gazette", "1.政府公报公开政府信息数", "条"),
    RowKey("proactive.channels.website", "2.政府网站公开政府信息数", "条"),
    RowKey("proactive.channels.weibo", "3.政务微博公开政府信息数", "条"),
    RowKey("proactive.channels.wechat", "4.政务微信公开政府信息数", "条"),
    RowKey("proactive.channels.other", "5.其他方式公开政府信息数", "条"),
    RowKey("response.hotspots", "（一）回应公众关注热点或重大舆情数", "次"),
    RowKey("response.press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    RowKey("response.press_conferences.by_heads", "其中：主要负责同志参加新闻发布会次数", "次"),
    RowKey("response.online_interviews", "2.政府网站在线访谈次数", "次"),
    RowKey("response.online_interviews.by_heads", "其中：主要负责同志参加政府网站在线访谈次数", "次"),
    RowKey("response.interpretations", "3.政策解读稿件发布数", "篇"),
    RowKey("response.weibo_wechat", "4.微博微信回应事件数", "次"),
    RowKey("response.other", "5.其他方式回应事件数", "次"),
    RowKey("requests.received", "（一）收到申请数", "件"),
    RowKey("requests.received.in_person", "1.当面申请数", "件"),
    RowKey("requests.received.fax", "2.传真申请数", "件"),
    RowKey("requests.received.online", "3.网络申请数", "件"),
    RowKey("requests.received.letter", "4.信函申请数", "件"),
    RowKey("requests.closed", "（二）申请办结数", "件"),
    RowKey("requests.closed.on_time", "1.按时办结数", "件"),
    RowKey("requests.closed.extended", "2.延期办结数", "件"),
    RowKey("requests.answered", "（三）申请答复数", "件"),
    RowKey("requests.answered.already_public", "1.属于已主动公开范围数", "件"),
    RowKey("requests.answered.granted", "2.同意公开答复数", "件"),
    RowKey("requests.answered.partly_granted", "3.同意部分公开答复数", "件"),
    RowKey("requests.answered.refused", "4.不同意公开答复数", "件"),
    RowKey("requests.answered.refused.state_secret", "其中：涉及国家秘密", "件"),
    RowKey("requests.answered.refused.commercial_secret", "涉及商业秘密", "件"),
    RowKey("requests.answered.refused.privacy", "涉及个人隐私", "件"),
    RowKey("requests.answered.refused.security", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    RowKey("requests.answered.refused.not_gov_info", "不是《条例》所指政府信息", "件"),
    RowKey("requests.answered.refused.other_law", "法律法规规定的其他情形", "件"),
    RowKey("requests.answered.not_this_agency", "5.不属于本行政机关公开数", "件"),
    RowKey("requests.answered.not_exist", "6.申请信息不存在数", "件"),
    RowKey("requests.answered.amend", "7.告知作出更改补充数", "件"),
    RowKey("requests.answered.other_channel", "8.告知通过其他途径办理数", "件"),
    RowKey("review.total", "四、行政复议数量", "件"),
    RowKey("review.upheld", "（一）维持具体行政行为数", "件"),
    RowKey("review.corrected", "（二）被依法纠错数", "件"),
    RowKey("review.other", "（三）其他情形数", "件"),
    RowKey("litigation.total", "五、行政诉讼数量", "件"),
    RowKey("litigation.upheld", "（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    RowKey("litigation.corrected", "（二）被依法纠错数", "件"),
    RowKey("litigation.other", "（三）其他情形数", "件"),
    RowKey("complaints.total", "六、举报投诉数量", "件"),
    RowKey("fees.total", "七、依申请公开信息收取的费用", "万元"),
    RowKey("capacity.offices", "（一）政府信息公开工作专门机构数", "个"),
    RowKey("capacity.reading_points", "（二）设置政府信息公开查阅点数", "个"),
    RowKey("capacity.staff", "（三）从事政府信息公开工作人员数", "人"),
    RowKey("capacity.staff.full_time", "1.专职人员数", "人"),
    RowKey("capacity.staff.part_time", "2.兼职人员数", "人"),
    RowKey("capacity.budget", "（四）政府信息公开专项经费", "万元"),
    RowKey("meetings.total", "（一）召开政府信息公开工作会议或专题会议数", "次"),
    RowKey("training.sessions", "（二）举办各类培训班数", "次"),
    RowKey("training.attendees", "（三）接受培训人员数", "人次"),
)

# --- B. 2019 / 2021 templates ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of table 二: the key suffix and the header spellings of each template."""

    name: str
    headers: tuple[str, ...]
    unit: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("issued", ("本年新制作数量", "本年制发件数")),
    Column("published", ("本年新公开数量",)),
    Column("repealed", ("本年废止件数",)),
    Column("in_force", ("对外公开总数量", "现行有效件数")),
    Column("prior", ("上一年项目数量",)),
    Column("change", ("本年增/减", "本年增减")),
    Column("decisions", ("处理决定数量", "本年处理决定数量")),
    Column("amount", ("本年收费金额（单位：万元）", "采购总金额"), "万元"),
    Column("projects", ("采购项目数量",)),
)
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}


@dataclass(frozen=True)
class Layout:
    """One sub-table of table 二 in one template: its items and its columns, in order."""

    template: str
    items: tuple[tuple[str, tuple[str, ...]], ...]  # (item key, official labels)
    columns: tuple[str, ...]


_RULES = (("rules", ("规章",)), ("normative_docs", ("规范性文件", "行政规范性文件")))
_LICENSING_2019 = (("licensing", ("行政许可",)), ("other_services", ("其他对外管理服务事项",)))
_PENALTIES = (("penalties", ("行政处罚",)), ("enforcement", ("行政强制",)))
_FEES = (("fees", ("行政事业性收费",)),)

TABLE2_LAYOUTS: tuple[Layout, ...] = (
    Layout("2019", _RULES, ("issued", "published", "in_force")),
    Layout("2021", _RULES, ("issued", "repealed", "in_force")),
    Layout("2019", _LICENSING_2019, ("prior", "change", "decisions")),
    Layout("2021", (("licensing", ("行政许可",)),), ("decisions",)),
    Layout("2019", _PENALTIES, ("prior", "change", "decisions")),
    Layout("2021", _PENALTIES, ("decisions",)),
    Layout("2019", _FEES, ("prior", "change")),
    Layout("2021", _FEES, ("amount",)),
    Layout("2019", (("procurement", ("政府集中采购",)),), ("projects", "amount")),
)
TABLE2_ITEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *_RULES,
    *_LICENSING_2019,
    *_PENALTIES,
    *_FEES,
    ("procurement", ("政府集中采购",)),
)

APPLICANTS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_services", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)

_TABLE3_HEAD: tuple[RowKey, ...] = (
    RowKey("new", "一、本年新收政府信息公开申请数量"),
    RowKey("carried_in", "二、上年结转政府信息公开申请数量"),
    RowKey("granted", "（一）予以公开"),
    RowKey("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    RowKey("refused.state_secret", "1.属于国家秘密"),
    RowKey("refused.other_law", "2.其他法律行政法规禁止公开"),
    RowKey("refused.security", "3.危及“三安全一稳定”"),
    RowKey("refused.third_party", "4.保护第三方合法权益"),
    RowKey("refused.internal", "5.属于三类内部事务信息"),
    RowKey("refused.process", "6.属于四类过程性信息"),
    RowKey("refused.enforcement_file", "7.属于行政执法案卷"),
    RowKey("refused.inquiry", "8.属于行政查询事项"),
    RowKey("unable.not_held", "1.本机关不掌握相关政府信息"),
    RowKey("unable.needs_creation", "2.没有现成信息需要另行制作"),
    RowKey("unable.unclear", "3.补正后申请内容仍不明确"),
    RowKey("not_processed.petition", "1.信访举报投诉类申请"),
    RowKey("not_processed.repeat", "2.重复申请"),
    RowKey("not_processed.publication", "3.要求提供公开出版物"),
    RowKey("not_processed.excessive", "4.无正当理由大量反复申请"),
    RowKey("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_TABLE3_TAIL: tuple[RowKey, ...] = (
    RowKey("handled", "（七）总计"),
    RowKey("carried_out", "四、结转下年度继续办理"),
)
TABLE3_ROWS: dict[str, tuple[RowKey, ...]] = {
    "2019": (*_TABLE3_HEAD, RowKey("other", "（六）其他处理"), *_TABLE3_TAIL),
    "2021": (
        *_TABLE3_HEAD,
        RowKey("other.no_amend", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        RowKey("other.unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        RowKey("other.other", "3.其他"),
        *_TABLE3_TAIL,
    ),
}

RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
TABLE4_KEYS: tuple[str, ...] = tuple(
    f"{group}.{result}" for group in ("review", "litigation.direct", "litigation.after_review") for result in RESULTS
)


def table2_key(item: str, column: str) -> str:
    return f"proactive.{item}.{column}"


def table3_key(row: str, applicant: str) -> str:
    return f"requests.{row}.{applicant}"


def all_keys() -> frozenset[str]:
    """Every canonical key the extractor may emit (tables of all templates, and prose)."""
    keys = {r.key for r in PRE2019_ROWS}
    keys |= {table2_key(item, col) for lay in TABLE2_LAYOUTS for item, _ in lay.items for col in lay.columns}
    keys |= {table3_key(r.key, a) for rows in TABLE3_ROWS.values() for r in rows for a, _ in APPLICANTS}
    keys |= set(TABLE4_KEYS)
    keys |= {"litigation.total", "litigation.upheld", "litigation.corrected", "litigation.other", "litigation.pending"}
    keys |= {"review.pending"}
    return frozenset(keys)


# --- the form's own words for each key -----------------------------------------------------------

_MONEY_KEYS = frozenset({"fees.total", "capacity.budget", "proactive.fees.amount", "proactive.procurement.amount"})
_PRE2019_UNITS = {r.key: r.unit for r in PRE2019_ROWS}
_TABLE2_GROUP = {
    "rules": "第二十条第（一）项",
    "normative_docs": "第二十条第（一）项",
    "licensing": "第二十条第（五）项",
    "other_services": "第二十条第（五）项",
    "penalties": "第二十条第（六）项",
    "enforcement": "第二十条第（六）项",
    "fees": "第二十条第（八）项",
    "procurement": "第二十条第（九）项",
}
_TABLE3_PARENTS = {
    "refused": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
_TABLE4_GROUPS = {"review": "行政复议", "litigation.direct": "行政诉讼 未经复议直接起诉"}
_TABLE4_GROUPS["litigation.after_review"] = "行政诉讼 复议后起诉"
_RESULT_NAMES = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
_APPLICANT_NAMES = {a: ("法人或其他组织 " if a not in ("natural_person", "total") else "") + n for a, n in APPLICANTS}


def key_unit(key: str) -> str | None:
    """The unit a key's value is stored in (docs/INDICATORS.md): 万元 for amounts, the form's unit otherwise."""
    return "万元" if key in _MONEY_KEYS else _PRE2019_UNITS.get(key)


def _table2_label(key: str, template: str | None) -> str | None:
    _, item, column = key.split(".", 2)
    for lay in TABLE2_LAYOUTS:
        names = dict(lay.items)
        if item in names and column in lay.columns and (template is None or lay.template == template):
            headers = COLUMN_BY_NAME[column].headers  # (2019, 2021) spellings; for amounts (fees, procurement)
            later = item == "procurement" if column == "amount" else lay.template == "2021"
            header = headers[-1] if later else headers[0]
            return f"{_TABLE2_GROUP[item]} {names[item][-1]} · {header}"
    return _table2_label(key, None) if template is not None else None


def _table3_label(key: str, template: str | None) -> str | None:
    row, _, applicant = key.removeprefix("requests.").rpartition(".")
    rows = TABLE3_ROWS["2019" if template == "2019" else "2021"]
    spec = next((r for r in rows if r.key == row), None) or next(
        (r for rs in TABLE3_ROWS.values() for r in rs if r.key == row), None
    )
    if spec is None or applicant not in _APPLICANT_NAMES:
        return None
    parent = _TABLE3_PARENTS.get(row.split(".")[0]) if "." in row else None
    return f"{parent + ' ' if parent else ''}{spec.label} · {_APPLICANT_NAMES[applicant]}"


def form_label(key: str, template: str | None = None) -> str | None:
    """The form's own row and column names for a key (``（三）不予公开 1.属于国家秘密 · 自然人``).

    ``template`` picks the wording where the 2019 and 2021 forms differ; None for keys no form has.
    """
    row = next((r for r in PRE2019_ROWS if r.key == key), None)
    if template == "pre2019" and row is not None:
        return row.label
    group, _, result = key.rpartition(".")
    if group in _TABLE4_GROUPS and result in _RESULT_NAMES:
        return f"{_TABLE4_GROUPS[group]} · {_RESULT_NAMES[result]}"
    label = None
    if key.startswith("requests.") and key.rsplit(".", 1)[-1] in _APPLICANT_NAMES:
        label = _table3_label(key, template)
    elif key.startswith("proactive.") and key.split(".")[1] in _TABLE2_GROUP and key.count(".") == 2:
        label = _table2_label(key, template)
    return label or (row.label if row is not None else None)


_ENUMERATOR = r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d\.)?"
_CAPTIONS = ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况")


def _anchor_pattern() -> re.Pattern[str]:
    """Labels of the 2019/2021 forms that a flattened table may run together, longest first."""
    words = {"信息内容", "申请人情况", "法人或其他组织", "行政复议", "行政诉讼", *_CAPTIONS}
    words |= {"未经复议直接起诉", "复议后起诉", *_RESULT_NAMES.values()}  # table 四's headers
    words |= {h for c in COLUMNS for h in c.headers} | {n for _, names in TABLE2_ITEMS for n in names}
    words |= {name for _, name in APPLICANTS if len(name) > 2}  # 其他 and 总计 are words inside labels
    words |= {
        re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d\.)", "", r.label)
        for rows in TABLE3_ROWS.values()
        for r in rows
    }
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"第二十条第[（(][一二三四五六七八九十]+[）)]项|{_ENUMERATOR}(?:{alternatives})")


#: Labels of the forms (captions, headers, items, rows): where words that a crawler ran together are cut apart.
FORM_ANCHORS = _anchor_pattern()


def labels_table() -> str:
    """docs/INDICATORS.md's table of every key beside its form label(s) and unit (kept in step by a test)."""
    lines = ["| key | form label | unit |", "|---|---|---|"]
    for key in sorted(all_keys()):
        labels = dict.fromkeys(x for t in ("pre2019", "2019", "2021") if (x := form_label(key, t)) is not None)
        shown = " / ".join(labels) if labels else "(prose only)"
        lines.append(f"| `{key}` | {shown} | {key_unit(key) or ''} |")
    return "\n".join(lines) + "\n"
