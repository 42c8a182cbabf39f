"""Classify sentence units as measure / shortcoming / plan / none.

Both labellers are plain estimators over ``UnitContext`` objects: ``predict`` returns one
``(label or None, score)`` per unit.  ``RuleLabeller`` needs no training; it is the
baseline every evaluation prints beside the trained model (``nlp_extract.model``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .schema import LABELS, Label


@dataclass(frozen=True, slots=True)
class UnitContext:
    """What a labeller may look at for one unit (all text is analysis text)."""

    text: str
    heading_path: tuple[str, ...]
    position: float  # share of the narrative (paragraph) characters before the unit: 0 first, ~1 last
    previous: str
    next: str
    year: int | None


Prediction = tuple[Label | None, float]

# Section titles: the strongest cue (guide: "Headings are the strongest cue, not the rule").
_HEAD_SHORTCOMING = re.compile(r"不足|问题|差距|困难|短板")
_HEAD_PLAN = re.compile(
    r"改进|下一步|下步|计划|打算|安排|思路|重点工作$|工作要点|努力方向|展望|今后|明年|\d{4}年.*重点工作"
)
_HEAD_MEASURE = re.compile(
    r"工作情况|主要工作|主要做法|措施|成效|总体情况|概述|开展情况|落实情况|建设|公开情况|推进|加强|强化|完善"
)

_SHORTCOMING = re.compile(
    r"不足|存在.{0,8}问题|差距|有待|不够|薄弱|欠缺|不高|不强|不到位|不平衡|不充分|不及时|不规范|不全面|不够深入|单一|滞后|"
    r"尚未|仍需|还需|亟待|短板|较少|较低|不多|参差不齐|一定的?差距|主要表现|形式化|还存在"
)
_PLAN = re.compile(
    r"下一步|下步|今后|明年|将(?!军)|要(?:进一步|继续|加强|持续|不断|切实|着力|全面|把|以|做好|在)|拟|计划|力争|着力|"
    r"继续(?:加强|推进|做好|深化|完善|抓好|坚持|加大)|持续(?:推进|深化|加强)|进一步(?:加强|加大|提升|完善|规范|做好|推进|提高|强化)|"
    r"改进措施|努力(?:提升|推进|做好)|确保|切实(?:加强|提高|做好)"
)
_MEASURE = re.compile(
    r"加强|完善|推进|开展|印发|实现|建立|制定|落实|组织|召开|发布|公开了|做好|规范|健全|强化|深化|坚持|提升|提高|"
    r"举办|编制|设立|设置|及时|按照|严格|积极|认真|主动|围绕|依托|利用|通过|确保了|取得|完成|更新|增设|出台|推行|"
    r"了"
)
_NONE = re.compile(
    r"本报告|根据《.*》.*编制|统计期限|统计时限|电子版|联系电话|联系方式|邮编|地址|电子邮箱|如对.*有疑问|"
    r"无其他需要报告|没有其他需要报告|现将.*(如下|报告|公布)|特此报告"
)
_COUNTS = re.compile(
    r"(共|累计|全年|合计|总计|其中|收到|受理|答复|办结|公开|发布|处理).{0,20}\d+(\.\d+)?\s*(万|余|多)?\s*(件|条|次|篇|个|项|人次)"
)
_ACTION_NUMBER = re.compile(r"开展|举办|组织|召开|培训|参训|编制|制定|印发|建立|设立")


def heading_cues(path: Sequence[str], year: int | None) -> list[tuple[Label, float]]:
    """Cues of the innermost heading that has any; an outer heading speaks only when inner ones are silent."""
    for title in reversed(path):
        if _HEAD_PLAN.search(title) or (year and f"{year + 1}年" in title):
            return [("plan", 0.6)]
        if _HEAD_SHORTCOMING.search(title):
            return [("shortcoming", 0.6)]
        if _HEAD_MEASURE.search(title):
            return [("measure", 0.4)]
    return []


@dataclass(frozen=True)
class RuleLabeller:
    """Cue words in the sentence, then in its heading path; the label with the best score wins."""

    threshold: float = 0.5

    def fit(self, units: Sequence[UnitContext], labels: Sequence[Label | None]) -> RuleLabeller:
        return self  # nothing to learn: the baseline

    def predict(self, units: Sequence[UnitContext]) -> list[Prediction]:
        return [self._one(u) for u in units]

    def _one(self, u: UnitContext) -> Prediction:
        text = u.text
        if _NONE.search(text) or len(text) < 4:
            return None, 0.9
        counts = bool(_COUNTS.search(text)) and not _ACTION_NUMBER.search(text)
        scores = dict.fromkeys(LABELS, 0.0)
        for label, weight in heading_cues(u.heading_path, u.year):
            scores[label] += weight
        scores["shortcoming"] += 0.8 * bool(_SHORTCOMING.search(text))
        scores["plan"] += 0.7 * bool(_PLAN.search(text))
        if u.year and re.search(f"{u.year + 1}年", text):
            scores["plan"] += 0.4
        scores["measure"] += 0.5 * bool(_MEASURE.search(text))
        if counts:
            scores["measure"] -= 0.6
        label = max(LABELS, key=lambda k: (scores[k], -LABELS.index(k)))
        best = scores[label]
        if best < self.threshold:
            return None, round(1 - best / 2, 3)
        return label, round(min(1.0, best / 1.5), 3)
