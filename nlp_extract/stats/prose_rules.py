"""The cue words that tie a number in prose to a key (INDICATORS.md, section C), as data.

Each rule says: a number with one of these units, whose *item* (the words since the
last clause mark or the previous figure) matches ``cue`` and not ``forbid``, in a
sentence about ``topic``, is ``key``.  Rules are ordered from specific to general; the
first that fits wins.  ``bare`` rules name a list item by its noun alone
(``…发布信息1205条、微博12984条``) and need a disclosure verb somewhere in the sentence.
``after`` rules read the noun that follows the unit (``开展2期全员培训``, ``其中5件维持``).
``lead`` rules name events that a count may come before (``年初、年中两次举办培训``,
``对两起突发事件进行了…热点回应``): when the words before the count give no key, their cue
is looked for in the words after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Family = Literal["old", "new"]


@dataclass(frozen=True)
class Rule:
    key: str
    cue: re.Pattern[str]
    units: frozenset[str]
    topic: str | None = None
    family: Family | None = None
    forbid: re.Pattern[str] | None = None
    section: re.Pattern[str] | None = None  # searched in the nearest headings instead of a topic
    group: str | None = None  # two rules of one group fitting one item: neither is trusted
    reach: bool = False  # may read the whole segment (official labels that contain commas)
    bare: bool = False  # the item is just the noun: the verb is shared with the list
    lead: bool = False  # the count may stand before its verb or noun (两次举办培训)


def rule(
    key: str,
    cue: str,
    units: str,
    *,
    topic: str | None = None,
    family: Family | None = None,
    forbid: str | None = None,
    section: str | None = None,
    group: str | None = None,
    reach: bool = False,
    bare: bool = False,
    lead: bool = False,
) -> Rule:
    return Rule(
        key,
        re.compile(cue),
        frozenset(units.split()),
        topic,
        family,
        re.compile(forbid) if forbid else None,
        re.compile(section) if section else None,
        group,
        reach,
        bare,
        lead,
    )


@dataclass(frozen=True)
class AfterRule:
    """A count written before its noun: the item before must match ``before``, the words after ``after``."""

    key: str
    before: re.Pattern[str]
    after: re.Pattern[str]
    units: frozenset[str]
    topic: str | None = None
    family: Family | None = None


def after_rule(
    key: str, before: str, after: str, units: str, *, topic: str | None = None, family: Family | None = None
) -> AfterRule:
    return AfterRule(key, re.compile(before), re.compile(after), frozenset(units.split()), topic, family)


KEY_AREAS = (
    ("budget", "财政预算决算|财政预决算|预决算|三公经费"),
    ("housing", "保障性安居工程|保障性住房"),
    ("food_safety", "食品安全"),
    ("environment", "环境核查|环境状况|突发环境"),
    ("bidding", "招投标|招标投标"),
    ("work_safety", "生产安全|安全生产"),
    ("land", "农用地|征收集体土地|征地|征收.{0,3}土地|征用土地|土地征收|土地征用"),
    ("prices", "政府指导价|政府定价|收费标准"),
    ("credit", "企业信用|信用信息"),
    ("audit", "审计结果"),
    ("public_institutions", "公共企事业单位"),
    ("other", "决定主动公开的其他"),
)
KEY_AREA_RE = {k: re.compile(cue) for k, cue in KEY_AREAS}
#: Channels of proactive disclosure; an item naming two kinds, or 主动公开, is the overall figure.
#: ``board`` is every other medium the forms count under 其他方式 (boards, screens, the office
#: platform, the press, broadcast, text messages, archives): its figure is ``channels.other``.
CHANNELS = {
    "website": "网站|政务网|门户网|网上|政府网|公开网|信息网|公开平台|公开专栏|公开专区",
    "weibo": "微博",
    "wechat": "微信|公众号",
    "gazette": "政府公报|公报",
    "app": "APP|客户端|头条|抖音|快手|新媒体",
    "board": "公开栏|公示栏|揭示板|宣传栏|公告栏|电子屏|显示屏|触摸屏|办公平台|OA|(?<!公)报刊|报纸|广播|电视"
    "|(?<!新)媒体|短信|档案馆|图书馆|明白纸|宣传册|宣传单",
}
#: The key of each channel's count (``app`` has none: its figure is no statistic of the forms).
CHANNEL_KEYS = {
    "website": "proactive.channels.website",
    "weibo": "proactive.channels.weibo",
    "wechat": "proactive.channels.wechat",
    "gazette": "proactive.channels.gazette",
    "app": None,
    "board": "proactive.channels.other",
}
CHANNEL_RE = {kind: re.compile(words) for kind, words in CHANNELS.items()}
_VERB = "(?:公开|发布|推送|刊登|刊发)"
#: A count of one topic (政府采购项目信息, 招聘信息), or on a topic's own site: neither a channel's nor the total.
_TOPICAL = "采购|招标|招投标|交易|招聘"
TOPICAL = re.compile(_TOPICAL)
_CHANNEL_VERB = "(?:公开|发布|推送|刊登|刊发|提供|更新|张贴|公示|播发|播放|发送|登载)"
#: A named medium the disclosure went through (在办公平台公开, 通过XX服务网发布): its count is that
#: channel's, never the overall one, even where the medium is none of the known channels.
_MEDIUM = (
    "(?:在|通过|利用|依托|借助|经由)(?!各|多|不同|全部|所有)[^、，,和及与等]{0,14}?"
    "(?:平台|网|栏|屏|报|刊|台|号|端|中心|大厅|馆|室|窗口|专区|媒体)(?:上|中|内)?"
    f"(?:主动|及时|共|累计|集中)?{_CHANNEL_VERB}"
)


def _channel_rules() -> list[Rule]:
    out = []
    keys = {"website": "website", "weibo": "weibo", "wechat": "wechat", "gazette": "gazette", "board": "other"}
    for kind, key in keys.items():
        others = "|".join(v for k, v in CHANNELS.items() if k != kind and not (kind == "gazette" and k == "board"))
        words = CHANNELS[kind] + ("|其他(?:方式|渠道)" if kind == "board" else "")
        # 微信等新媒体: more than one channel; 公示栏等形式 stays among the other media
        several = "等多种|等各种|等各类" if kind == "board" else f"(?:{words}).{{0,4}}等"
        forbid = f"{others}|{several}|申请|解读|回应|{_TOPICAL}"
        out.append(rule(f"proactive.channels.{key}", f"(?:{words}).{{0,10}}{_CHANNEL_VERB}", "条", forbid=forbid))
        out.append(rule(f"proactive.channels.{key}", f"^(?:其中)?(?:{words})(?:账号|平台)?$", "条", bare=True))
    return out


#: A category of a breakdown that lists the key area with others (安全生产、应急管理类信息63条):
#: the count is the category's, wider than the key area.
_CATEGORY_LIST = "、[^，,；;。]*类(?:信息)?$"
_REQUEST_CUE = (
    "(?:收到|受理|接收|接到|新收|共有).{0,40}申请|申请(?:总数|总量|数量|件数)|依申请公开(?:件|事项)?(?:共|为)?$"
)
_REQUEST_UNITS = "件 条 起 宗"
_NEW_TABLE3 = (
    ("granted", "予以公开|同意公开|^(?:其中)?公开$"),
    ("partly_granted", "部分公开"),
    ("refused.state_secret", "国家秘密"),
    ("refused.other_law", "法律行政法规禁止"),
    ("refused.security", "三安全一稳定"),
    ("refused.third_party", "第三方合法权益"),
    ("refused.internal", "内部事务"),
    ("refused.process", "过程性信息"),
    ("refused.enforcement_file", "行政执法案卷"),
    ("refused.inquiry", "行政查询"),
    ("not_processed.petition", "信访举报投诉"),
    ("not_processed.repeat", "重复申请"),
)

RULES: tuple[Rule, ...] = (
    rule("proactive.key_areas.total", "重点领域", "条"),
    *(
        rule(
            f"proactive.key_areas.{k}", cue, "条", group="key_area", forbid=f"重点领域|证$|{_CATEGORY_LIST}", reach=True
        )
        for k, cue in KEY_AREAS
    ),
    *(rule(f"proactive.key_areas.{k}", f"^(?:其中)?(?:{cue})(?:信息)?$", "条", bare=True) for k, cue in KEY_AREAS),
    rule("proactive.rules.issued", "(?:新增|新制定|制定|制发|出台|印发).{0,8}规章", "件 部 个", family="new"),
    rule("proactive.rules.repealed", "废止.{0,6}规章", "件 部 个", family="new"),
    rule("proactive.rules.in_force", "现行有效.{0,6}规章", "件 部 个", family="new"),
    rule("proactive.normative_docs_issued", "(?:制发|制定|印发|出台)了?.{0,6}规范性文件", "件 个 份", family="old"),
    rule("proactive.normative_docs.issued", "(?:制发|制定|印发|出台)了?.{0,6}规范性文件", "件 个 份", family="new"),
    rule("proactive.normative_docs.repealed", "废止.{0,6}规范性文件", "件 个 份", family="new"),
    rule("proactive.normative_docs.in_force", "现行有效.{0,6}规范性文件", "件 个 份", family="new"),
    rule("proactive.normative_docs", "公开.{0,16}规范性文件", "件 条 个 份"),
    rule("proactive.normative_docs", "^(?:其中)?(?:行政)?规范性文件$", "件 条 个 份", bare=True),
    *_channel_rules(),
    # one channel that has no key of its own (新媒体, APP): its figure is not the overall one
    rule(
        "",
        f"^[^、，,]*(?:{CHANNELS['app']})[^、，,]*{_VERB}",
        "条",
        forbid="|".join(v for k, v in CHANNELS.items() if k != "app"),
    ),
    rule(
        "proactive.total",
        "主动(?:公开|发布)|公开.{0,8}(?:政府|政务)信息|公开了?(?:各类|各项)?(?:政府|政务)?信息|发布.{0,6}政府信息",
        "条",
        forbid=f"重点领域|规范性文件|(?<!各)类信息|申请|解读|回应|{_TOPICAL}|{_MEDIUM}",
    ),
    rule("proactive.total", "主动公开.{0,30}信息(?:件数|数量|数)?(?:为|共|达|计)?$", "件", forbid="申请|规范性文件"),
    rule("response.press_conferences.by_heads", "主要负责.{0,10}发布会", "次 场", lead=True),
    rule("response.online_interviews.by_heads", "主要负责.{0,12}访谈", "次 期 场", lead=True),
    rule("response.press_conferences", "发布会", "次 场", forbid="发布会.{0,8}等|通气会|等.{0,6}活动", lead=True),
    rule("response.online_interviews", "在线访谈|访谈", "次 期 场", lead=True),
    rule("response.weibo_wechat", "微博.{0,2}微信.{0,4}回应", "次 件 条"),
    rule("response.other", "其他方式回应", "次 件 条"),
    rule(
        "response.interpretations",
        "解读稿件|解读文章|政策解读|解读.{0,8}(?:文件|政策)",
        "篇 条 件 个",
        forbid="图片解读|图解|视频解读",
    ),
    rule("response.interpretations", "信息|稿件|文章", "篇 条", section="解读", forbid="图片|图解|视频|网站|微博|微信"),
    rule(
        "response.hotspots",
        "回应.{0,30}(?:热点|舆情|关切|问题)|(?:热点|舆情|关切).{0,4}回应|(?:处置|应对).{0,6}舆情",
        "次 起 件 条",
        lead=True,
    ),
    rule("requests.received.in_person", "当面", "件 条", topic="requests"),
    rule("requests.received.fax", "传真", "件 条", topic="requests"),
    rule(
        "requests.received.online",
        "(?:网络|网上|在线|网站|电子邮件|互联网).{0,10}(?:申请|提交)",
        "件 条",
        topic="requests",
    ),
    rule("requests.received.letter", "信函|邮寄|来信", "件 条", topic="requests"),
    rule("requests.closed.on_time", "(?:按时|按期).{0,2}办结", "件 条", topic="requests", family="old"),
    rule("requests.closed.extended", "延期.{0,2}办结", "件 条", topic="requests", family="old"),
    *(
        rule(f"requests.answered.{k}", cue, "件 条", topic="requests", family="old")
        for k, cue in (
            ("partly_granted", "部分公开"),
            ("refused", "不同意公开|不予公开"),
            ("already_public", "已主动公开"),
            ("not_this_agency", "不属于本.{0,4}机关|非本.{0,2}机关"),
            ("not_exist", "不存在"),
            ("amend", "更改补充"),
            ("other_channel", "其他途径"),
            ("granted", "同意公开|予以公开"),
            ("refused.state_secret", "国家秘密"),
            ("refused.commercial_secret", "商业秘密"),
            ("refused.privacy", "个人隐私"),
            ("refused.security", "危及|三安全"),
            ("refused.not_gov_info", "不是.{0,8}所指|不属于.{0,4}政府信息"),
            ("refused.other_law", "法律法规规定的其他情形"),
        )
    ),
    *(
        rule(f"requests.{k}.total", cue, _REQUEST_UNITS, topic="requests", family="new", forbid="复议|诉讼")
        for k, cue in _NEW_TABLE3
    ),
    rule("requests.carried_in.total", "(?:上一?年度?|去年)结转", _REQUEST_UNITS, topic="requests", family="new"),
    rule("requests.closed", "办结", "件 条", topic="requests", family="old", forbid="按时|按期|延期|答复"),
    rule("requests.answered", "答复", "件 条", topic="requests", family="old", forbid="按时|按期|延期|率|其[他它]"),
    rule("requests.received", _REQUEST_CUE, _REQUEST_UNITS, topic="requests", family="old", forbid="复议|诉讼"),
    rule(
        "requests.new.total",
        _REQUEST_CUE,
        _REQUEST_UNITS,
        topic="requests",
        family="new",
        forbid="结转|上年|复议|诉讼|办结|办理",
    ),
    rule(
        "requests.handled.total",
        "办理(?:回复|答复)|(?:答复|回复|办结).{0,6}(?:申请|事项)",  # a bare 答复22起 may not be （七）总计
        _REQUEST_UNITS,
        topic="requests",
        family="new",
        forbid="率|按时|按期|延期|结转|收到|受理",
    ),
    *(
        r
        for topic in ("review", "litigation")
        for r in (
            rule(f"{topic}.pending", "未审结", "件 起", topic=topic, family="new"),
            rule(f"{topic}.upheld", "维持" + ("|驳回" if topic == "litigation" else ""), "件 起", topic=topic),
            rule(f"{topic}.corrected", "纠错|纠正", "件 起", topic=topic),
            rule(f"{topic}.other", "其他(?:情形|结果)", "件 起", topic=topic),
            rule(
                f"{topic}.total",
                "复议" if topic == "review" else "诉讼",
                "件 起",
                topic=topic,
                forbid="审结|维持|驳回|纠正|纠错|其他|撤销|撤诉|确认|履行",
            ),
        )
    ),
    rule("complaints.total", "信息公开.{0,12}(?:举报|投诉)|(?:举报|投诉).{0,8}信息公开", "件 起 次", family="old"),
    rule("complaints.total", "举报|投诉", "件 起 次", section="举报|投诉", family="old"),
    rule("fees.total", "(?:收取|收费).{0,12}费", "万元 元"),
    rule("capacity.offices", "专门机构", "个 家"),
    rule("capacity.reading_points", "查阅点|查阅场所|查阅室|查阅中心", "个 处"),
    rule("capacity.staff.full_time", "专职|全职", "人 名"),
    rule("capacity.staff.part_time", "兼职", "人 名"),
    rule("capacity.staff", "(?:信息公开|政务公开).{0,8}人员", "人 名"),
    rule("capacity.budget", "专项经费", "万元 元"),
    rule("meetings.total", "召开.{0,24}会议", "次 场", forbid="培训", lead=True),
    rule("training.attendees", "培训.{0,6}(?:人员|人次)|参训|参加培训|接受培训", "人次 人 名"),
    rule("training.sessions", "(?:举办|开展|组织).{0,14}培训", "次 期 场 班", forbid="会议", lead=True),
)

_NO_LIST = "[^、，,和及与]"
AFTER_RULES: tuple[AfterRule, ...] = (
    *(
        after_rule(f"{t}.{k}", "^(?:其中)?$", cue, "件 起", topic=t)
        for t in ("review", "litigation")
        for k, cue in (("upheld", "^维持" + ("|^驳回" if t == "litigation" else "")), ("corrected", "^(?:纠正|纠错)"))
    ),
    after_rule("requests.carried_out.total", "(?:另有|除|其中|尚有)?$", "^(?:结转|顺延)", "件 起", family="new"),
    after_rule(
        "response.press_conferences", "(?:举办|召开|举行|组织)了?$", f"^{_NO_LIST}{{0,8}}(?:发布会|新闻发布)", "次 场"
    ),
    after_rule("training.sessions", "(?:举办|开展|组织)了?$", f"^{_NO_LIST}{{0,6}}培训", "期 次 场 班"),
    after_rule("meetings.total", "(?:召开|组织召开)了?$", f"^{_NO_LIST}{{0,8}}会议", "次 场"),
    after_rule("capacity.staff.full_time", "(?:配备了?|配有|设有|有)?$", "^(?:专职|全职)", "人 名"),
    after_rule("capacity.staff.part_time", "(?:配备了?|配有|设有|有)?$", "^兼职", "人 名"),
    after_rule(
        "capacity.staff",
        "(?:由|安排|确定|指定|明确)了?$",
        "^(?:专门|具体)?负责(?:此项|该项|这项|(?:政府)?信息公开|政务公开)",
        "人 名",
    ),
    after_rule(
        "capacity.reading_points",
        "(?:设立|开辟|设置|建立|设)了?$",
        f"^{_NO_LIST}{{0,8}}查阅(?:点|室|场所|中心)",
        "个 处",
    ),
)

#: Words that disclose: a bare list item needs one of them in its sentence.
DISCLOSE = re.compile(_VERB)
