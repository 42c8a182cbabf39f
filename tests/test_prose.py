"""Prose figures of the classes issue 13 (item 6) measured as misses: channel counts beside a
website count, counts in words.  Sentences are generated over channels, verbs and numerals
(the rules were not written for these strings), plus the annotated reports that show them."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_extract.annotations import Gold, accepted_keys
from nlp_extract.normalise import normalise
from nlp_extract.stats import extract_all
from nlp_extract.stats.evaluate import DEVELOPMENT_IDS, score_statistics
from nlp_extract.stats.numbers import to_chinese
from nlp_extract.stats.prose import _MENTION, find_prose, pick


def prose(text: str, family: str = "old") -> dict[str, float]:
    """One figure per key, as the output gives them, and every figure grounded in the text."""
    norm = normalise(text)
    figures = pick(find_prose(norm.text, "old" if family == "old" else "new"))
    for f in figures:
        a, b = norm.to_raw(f.start, f.end)
        assert normalise(norm.raw[a:b]).text == norm.text[f.start : f.end]
    return {f.key: f.value for f in figures}


def numeral(n: int) -> str:
    """How a report writes a count in words: 两 for two, 十二 for twelve."""
    return "两" if n == 2 else to_chinese(n)


# --- channel counts: each count is its channel's, and neither is the total -------------------

WEBSITE = [
    "全年网上公开{n}条",
    "通过政府门户网站主动公开信息{n}条",
    "在区政府网站公开政府信息{n}条",
    "在政府信息公开专栏发布信息{n}条",
]
OTHERS = [
    ("在办公平台公开{n}条", "proactive.channels.other"),
    ("在OA办公平台公开信息{n}条", "proactive.channels.other"),
    ("通过政务微博发布信息{n}条", "proactive.channels.weibo"),
    ("通过“XX发布”政务微信公众号推送信息{n}条", "proactive.channels.wechat"),
    ("在政府公报刊登信息{n}条", "proactive.channels.gazette"),
    ("在镇政务公开栏公开信息{n}条", "proactive.channels.other"),
    ("通过电子显示屏发布信息{n}条", "proactive.channels.other"),
    ("通过报刊、广播等新闻媒体发布信息{n}条", "proactive.channels.other"),
    ("通过公示栏等形式发布信息{n}条", "proactive.channels.other"),
    ("在村务公开栏张贴信息{n}条", "proactive.channels.other"),
]
JOINS = ["，", "；", "。另外，", "，其中工作动态{k}条。此外，"]


@pytest.mark.parametrize(("website", "other", "join"), list(itertools.product(WEBSITE, OTHERS, JOINS)))
def test_a_second_channel_makes_each_count_its_channels(website: str, other: tuple[str, str], join: str) -> None:
    phrase, key = other
    text = "2012年，我局" + website.format(n=685) + join.format(k=300) + phrase.format(n=115) + "。"
    got = prose(text)
    assert got.get("proactive.channels.website") == 685
    assert got.get(key) == 115
    assert "proactive.total" not in got


@pytest.mark.parametrize("website", WEBSITE)
def test_a_lone_website_count_is_a_key_the_guide_accepts(website: str) -> None:
    """Followed only by its breakdown, the website count is the total, alternative key website."""
    got = prose("2012年，我局" + website.format(n=138) + "，其中机构职能类10条，工作动态80条。")
    assert 138 in (got.get("proactive.total"), got.get("proactive.channels.website"))


@pytest.mark.parametrize(
    "text",
    [
        "全年通过政务服务网发布信息300条。",  # a medium of no known channel: not the total either
        "通过政务新媒体发布信息300条。",  # a channel with no key of its own
        "在政务服务中心大厅公示信息20条。",
    ],
)
def test_a_count_through_a_named_medium_is_never_the_total(text: str) -> None:
    assert "proactive.total" not in prose(text)


@pytest.mark.parametrize(
    "text",
    [
        "全年主动公开政府信息340条，其中通过政府网站公开300条，通过广播电视发布信息40条。",
        "全年通过网站、微博、微信等多种渠道公开信息340条。",
        "全区通过不同渠道和方式主动公开各类政府信息340条。",
        "全年通过各类平台主动公开政府信息340条。",
    ],
)
def test_the_overall_count_stays_the_total(text: str) -> None:
    assert prose(text)["proactive.total"] == 340


HEADINGS = [
    ("政府网站公开情况", "proactive.channels.website"),
    ("我局门户网站主动公开政府信息情况", "proactive.channels.website"),
    ("政务微博", "proactive.channels.weibo"),
    ("政务微信公众号", "proactive.channels.wechat"),
    ("政府公报", "proactive.channels.gazette"),
    ("通过报刊、广播等主动公开政府信息情况", "proactive.channels.other"),
]
MARKERS = ["（一）", "(二)", "三、", "1.", "2、"]


@pytest.mark.parametrize(("heading", "marker", "inline"), list(itertools.product(HEADINGS, MARKERS, [True, False])))
def test_a_count_takes_the_channel_of_its_sub_heading(heading: tuple[str, str], marker: str, inline: bool) -> None:
    title, key = heading
    body = "2010年度发布政府信息148条，其中机构职能类信息12条，工作动态78条。"
    text = f"一、主动公开政府信息情况\n{marker}{title}" + ("。" if inline else "\n") + body
    assert prose(text) == {key: 148}


@pytest.mark.parametrize(
    "body",
    [
        "全年主动公开政府信息148条。",  # says it is the overall figure
        "全年发布政府信息148条，其中微博发布20条。",  # the sentence names its own channels
    ],
)
def test_a_sub_heading_does_not_rekey_an_overall_count(body: str) -> None:
    got = prose("（一）政府网站公开情况\n" + body)
    assert got.get("proactive.total") == 148
    assert "proactive.channels.website" not in got
    assert prose("（一）政府网站和政务微博公开情况\n全年发布政府信息148条。") == {"proactive.total": 148}


# --- counts in words -------------------------------------------------------------------------

COUNTS = [
    ("年初、年中{n}次举办业务培训。", "training.sessions"),
    ("全年{n}次组织开展政务公开专题培训。", "training.sessions"),
    ("全年举办信息公开培训班{n}期。", "training.sessions"),
    ("全年举办{n}期信息公开培训班。", "training.sessions"),
    ("全年{n}次召开政务公开工作会议。", "meetings.total"),
    ("年内{n}次组织召开专题会议研究信息公开工作。", "meetings.total"),
    ("全年共召开政务公开领导小组会议{n}次。", "meetings.total"),
    ("先后{n}次召开新闻发布会。", "response.press_conferences"),
    ("全年共举行{n}场新闻发布会。", "response.press_conferences"),
    ("全年{n}次举办新闻发布会，通报重点工作。", "response.press_conferences"),
    ("对{n}起突发事件进行了权威发布和热点回应。", "response.hotspots"),
    ("全年组织{n}期在线访谈。", "response.online_interviews"),
    ("全年共受理政府信息公开申请{n}件。", "requests.received"),
    ("配备{n}名专职工作人员。", "capacity.staff.full_time"),
]


@pytest.mark.parametrize(("template", "key"), COUNTS)
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12])
def test_counts_in_words_are_figures(template: str, key: str, n: int) -> None:
    assert prose("2018年，" + template.format(n=numeral(n))) == {key: n}
    assert prose("2018年，" + template.format(n=n)) == {key: n}  # the same count in digits


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.sampled_from(COUNTS))
def test_any_count_in_words_reads_back(n: int, count: tuple[str, str]) -> None:
    template, key = count
    assert prose(template.format(n=numeral(n))) == {key: n}


def test_counts_in_words_keep_their_place_in_traditional_script() -> None:
    norm = normalise("2018年，對兩起突發事件進行了權威發布和熱點回應。")
    (fig,) = pick(find_prose(norm.text, "old"))
    a, b = norm.to_raw(fig.start, fig.end)
    assert (fig.key, fig.value, norm.raw[a:b]) == ("response.hotspots", 2, "兩")


@pytest.mark.parametrize(
    "text",
    [
        "一是加强组织领导，召开专题会议；二是举办培训。",
        "进一步规范公开流程，统一部署全年工作，召开会议。",
        "推进“一件事一次办”改革，实行一次性告知、一条龙服务。",
        "申请人须在三个月内提出，十五个工作日内答复。",
        "每月召开一次工作例会，每季度举办一期培训。",
        "坚持每年至少召开2次专题会议。",
        "下一步，我们将举办3期培训班，召开两次新闻发布会。",
        "明年将举办三期培训班。",
        "组织干部参加2次市政府举办的培训。",
        "与网信办一起回应社会关切。",
        "在网站进行二次公示，二期工程召开会议。",
        "召开第一次会议，举办第二期培训，依照《条例》第九条公开信息。",
        "其中一部分信息通过网站公开，涉及三个部门。",
        "分三批对57项行政职权进行了调整。",
        "全县一盘棋，一张网，一个窗口受理。",
    ],
)
def test_words_that_are_no_counts(text: str) -> None:
    assert prose(text) == {}


# --- the annotated reports that show these classes ---------------------------------------------

REAL = [
    "seed-002",  # 對兩起突發事件…熱點回應
    "b30_nanshan_work_safety_bureau_2010_trad",  # （一）入口網站… 148 / 報刊、廣播 49
    "64_pufang_industrial_park_chibi_2020",  # 公示栏等形式 108 beside 网站 33
    "29_xinghua_township_2010",  # 网上 20 beside 揭示板 45; 由1人专门负责
]


@pytest.mark.parametrize("rid", REAL)
def test_real_reports_give_every_annotated_prose_figure(rid: str, gold: dict[str, Gold]) -> None:
    record = gold[rid]
    found = {(f.key, f.value) for f in pick(extract_all(normalise(record.text).text).prose)}
    for s in record.stats:
        if s["source"] == "text":
            assert any((k, s["value"]) in found for k in accepted_keys(s)), s
    wanted = {(k, s["value"]) for s in record.stats if s["source"] == "text" for k in accepted_keys(s)}
    assert found <= wanted


def test_held_out_pre2019_prose_meets_the_target(gold: dict[str, Gold]) -> None:
    """Issue 13's target, P >= 0.95 and R >= 0.85, on the annotated reports not used to develop the rules
    (not blind any more: the rules were revised after reading their errors)."""
    held_out = [g for g in gold.values() if g.id not in DEVELOPMENT_IDS and g.meta.get("template") == "pre2019"]
    scores = score_statistics(held_out)["by_template"]["pre2019"]["text"]
    assert scores["tp"] >= 30
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.85


# --- channel and key area from the words around a count, and counts of something else -----------


@pytest.mark.parametrize(
    ("channel", "key"),
    [
        ("微博", "proactive.channels.weibo"),
        ("微信公众号", "proactive.channels.wechat"),
        ("政务公开栏", "proactive.channels.other"),
        ("门户网站", "proactive.channels.website"),
    ],
)
def test_a_count_after_its_channels_clause_is_that_channels(channel: str, key: str) -> None:
    got = prose(f"我区各部门共开设新媒体数量70个。其中{channel}29个，共发布信息1992条；另有网页30个。")
    assert got.get(key) == 1992
    assert "proactive.total" not in got


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("推进安全生产信息公开", "proactive.key_areas.work_safety"),
        ("推进征地信息公开", "proactive.key_areas.land"),
        ("做好财政预决算公开", "proactive.key_areas.budget"),
        ("推进食品安全信息公开", "proactive.key_areas.food_safety"),
    ],
)
@pytest.mark.parametrize("marker", ["（11）", "3.", "（二）"])
def test_a_count_takes_the_key_area_of_its_sub_heading(title: str, key: str, marker: str) -> None:
    text = f"{marker}{title}。区应急管理局严格按照有关要求，及时发布预警信息和安全提示，全年共发布信息68条。"
    assert prose(text) == {key: 68}
    assert prose(f"{marker}推进重大建设项目信息公开。全年共发布信息68条。") == {}


@pytest.mark.parametrize(
    "text",
    [
        "科教文体卫生类信息55条，安全生产、应急管理类信息63条，民政社会保障就业类信息22条。",  # wider categories
        "环保、公共卫生、安全生产、食品药品、产品质量类信息281条。",
        "全年公开施工许可证76条、安全生产许可证121条、排水许可证5条。",  # licences, not information
        "在政府采购信息网上主动公开政府采购项目信息188条。",  # one topic on its own site
        "维护招投标系统平台网站，确保网上发布信息准确，今年累计公开政府采购项目信息2536条。",
        "建立窗口服务大厅，开设窗口24个，共受理申请136437件。",  # applications of another kind
    ],
)
def test_counts_of_something_else_give_no_figure(text: str) -> None:
    assert prose(text) == {}


def test_request_replies_counted_in_tiao_and_handled_opinion() -> None:
    text = (
        "三、政府信息依申请公开工作情况\n2013年全县共收到有关政府信息公开的申请7条，网上申请数3条，信函申请数4条；"
        "对依申请公开的答复总数3条，其中同意公开答复数2条，其它公开答复数1条。"
    )
    got = prose(text)
    assert (got["requests.received"], got["requests.answered"], got["requests.answered.granted"]) == (7, 3, 2)
    assert prose("截至目前，我区共收集网络信息近1000条，处置网络舆情70多件。") == {"response.hotspots": 70}


# The mention pattern as first written: lookbehinds first.  ``_MENTION`` reads the first character
# before checking what precedes it (for speed); both must find the same mentions.
_PLAIN_NUMBER = (
    r"(?P<num>(?<![\d.A-Za-z第])\d+(?:,\d{3})*(?:\.\d+)?(?:[ \t]*[万亿](?!元))?"
    r"|(?<![第零〇两一二三四五六七八九十百千万亿统唯同逐单专划均进不某任每之其归合如择])"
    r"[零〇两一二三四五六七八九十百千万亿]+)"
)


def _plain_mention() -> re.Pattern[str]:
    rest = _MENTION.pattern[_MENTION.pattern.index("(?P<approx>") :]
    return re.compile(_PLAIN_NUMBER + rest)


def test_the_mention_pattern_finds_what_the_plain_pattern_finds(gold) -> None:  # type: ignore[no-untyped-def]
    plain = _plain_mention()
    texts = [normalise(g.text).text for g in gold.values()]
    texts += ["统一3件，进一步1件，第3件，a1件，共一二三件、两次、1,200.5万元左右，12\n件"]
    for text in texts:
        assert [(m.span(), m.groupdict()) for m in _MENTION.finditer(text)] == [
            (m.span(), m.groupdict()) for m in plain.finditer(text)
        ]


@given(st.text(alphabet="0123456789.,第统一二两十万亿件条元次 \tA\n", max_size=30))
@settings(max_examples=300, deadline=None)
def test_the_mention_pattern_agrees_with_the_plain_one_on_any_digits(text: str) -> None:
    plain = _plain_mention()
    assert [m.span() for m in _MENTION.finditer(text)] == [m.span() for m in plain.finditer(text)]
