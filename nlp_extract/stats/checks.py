"""Consistency checks: the templates' own sums, and tables against prose.

A check names the keys, gives the values in its message and the offsets of every figure
involved, so a reader can jump to the cells that disagree.  Approximate figures take no
part in equalities.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..schema import Check
from .keys import APPLICANTS, RESULTS, TABLE3_ROWS
from .model import Figure, warning


@dataclass(frozen=True)
class SumRule:
    """``total`` equals the sum of ``parts`` (or, with ``at_least``, the parts cover at least the total)."""

    name: str
    total: str
    parts: tuple[str, ...]
    at_least: bool = False


def _parts(prefix: str, names: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{n}" for n in names)


#: Sums of the pre-2019 统计表 (requests, review, litigation); key areas, channels and staff hold for any report.
OLD_SUMS: tuple[SumRule, ...] = (
    SumRule(
        "sum.requests.received",
        "requests.received",
        _parts("requests.received", ("in_person", "fax", "online", "letter")),
    ),
    SumRule("sum.requests.closed", "requests.closed", _parts("requests.closed", ("on_time", "extended"))),
    SumRule(
        "sum.requests.answered",
        "requests.answered",
        _parts(
            "requests.answered",
            (
                "already_public",
                "granted",
                "partly_granted",
                "refused",
                "not_this_agency",
                "not_exist",
                "amend",
                "other_channel",
            ),
        ),
    ),
    SumRule(
        "sum.requests.answered.refused",
        "requests.answered.refused",
        _parts(
            "requests.answered.refused",
            ("state_secret", "commercial_secret", "privacy", "security", "not_gov_info", "other_law"),
        ),
    ),
    SumRule(
        "sum.proactive.key_areas",
        "proactive.key_areas.total",
        _parts(
            "proactive.key_areas",
            (
                "budget",
                "housing",
                "food_safety",
                "environment",
                "bidding",
                "work_safety",
                "land",
                "prices",
                "credit",
                "audit",
                "public_institutions",
                "other",
            ),
        ),
    ),
    SumRule(
        "sum.proactive.channels",
        "proactive.total",
        _parts("proactive.channels", ("gazette", "website", "weibo", "wechat", "other")),
        at_least=True,
    ),
    SumRule("sum.review", "review.total", _parts("review", ("upheld", "corrected", "other"))),
    SumRule("sum.litigation", "litigation.total", _parts("litigation", ("upheld", "corrected", "other"))),
)
COMMON_SUMS: tuple[SumRule, ...] = (
    SumRule("sum.capacity.staff", "capacity.staff", _parts("capacity.staff", ("full_time", "part_time"))),
)


def new_sums(template: str) -> tuple[SumRule, ...]:
    """Table 三's rules per applicant column and per row, and table 四's totals."""
    rows = [r.key for r in TABLE3_ROWS[template]]
    outcomes = [r for r in rows if r not in ("new", "carried_in", "handled", "carried_out")]
    rules: list[SumRule] = []
    for applicant, _ in APPLICANTS:
        rules.append(
            SumRule(
                f"sum.requests.handled.{applicant}",
                f"requests.handled.{applicant}",
                tuple(f"requests.{r}.{applicant}" for r in outcomes),
            )
        )
    for row in rows:
        rules.append(
            SumRule(
                f"sum.requests.{row}.total",
                f"requests.{row}.total",
                tuple(f"requests.{row}.{a}" for a, _ in APPLICANTS[:-1]),
            )
        )
    for group in ("review", "litigation.direct", "litigation.after_review"):
        rules.append(SumRule(f"sum.{group}", f"{group}.total", tuple(f"{group}.{r}" for r in RESULTS[:-1])))
    return tuple(rules)


def check_sum(rule: SumRule, by_key: Mapping[str, Figure]) -> Check | None:
    total = by_key.get(rule.total)
    parts = [by_key[k] for k in rule.parts if k in by_key]
    if total is None or not parts or total.approx or any(p.approx for p in parts):
        return None
    s = sum(p.value for p in parts)
    complete = len(parts) == len(rule.parts)
    if rule.at_least:
        bad = complete and s < total.value
    else:
        bad = (complete and abs(s - total.value) > 1e-6) or (not complete and s > total.value + 1e-6)
    if not bad:
        return None
    terms = " + ".join(f"{p.key.rsplit('.', 1)[-1]} {_fmt(p.value)}" for p in parts)
    relation = "at least" if rule.at_least else "equal to"
    message = f"{rule.total} is {_fmt(total.value)}, but {terms} = {_fmt(s)} (should be {relation} it)"
    if not complete:
        message += f"; {len(rule.parts) - len(parts)} part(s) not reported"
    return warning(rule.name, message, [total, *parts])


def balance_checks(by_key: Mapping[str, Figure]) -> list[Check]:
    """The table's own rule (本列数据的勾稽关系): 一 + 二 = 三(七) + 四, per applicant column."""
    out = []
    for applicant, _ in APPLICANTS:
        names = [f"requests.{r}.{applicant}" for r in ("new", "carried_in", "handled", "carried_out")]
        figs = [by_key.get(n) for n in names]
        if any(f is None for f in figs):
            continue
        new, carried_in, handled, carried_out = (f for f in figs if f is not None)
        left, right = new.value + carried_in.value, handled.value + carried_out.value
        if abs(left - right) > 1e-6:
            message = (
                f"column {applicant}: new {_fmt(new.value)} + carried in {_fmt(carried_in.value)} = {_fmt(left)}, "
                f"but handled {_fmt(handled.value)} + carried out {_fmt(carried_out.value)} = {_fmt(right)}"
            )
            out.append(warning(f"sum.requests.balance.{applicant}", message, [new, carried_in, handled, carried_out]))
    return out


def sum_checks(figures: Sequence[Figure], family: str) -> list[Check]:
    """Sums of the template's tables over the chosen figures (``family``: "old" or "new" wording)."""
    by_key = {f.key: f for f in figures}
    if family == "old":
        rules = OLD_SUMS + COMMON_SUMS
    else:
        keep = ("sum.proactive.key_areas", "sum.proactive.channels")
        rules = tuple(r for r in OLD_SUMS if r.name in keep) + COMMON_SUMS + new_sums("2021") + new_sums("2019")
        rules += (SumRule("sum.review", "review.total", _parts("review", RESULTS[:-1])),)
        rules += (SumRule("sum.litigation", "litigation.total", _parts("litigation", RESULTS[:-1])),)
    found = [c for rule in rules if (c := check_sum(rule, by_key)) is not None]
    seen: set[str] = set()
    unique = []
    for c in found:
        if c.message not in seen:
            seen.add(c.message)
            unique.append(c)
    return unique + balance_checks(by_key)


#: Prose keys that the 2019/2021 tables split into parts (行政诉讼 = direct + after review).
_DERIVED = {f"litigation.{r}": (f"litigation.direct.{r}", f"litigation.after_review.{r}") for r in RESULTS}


def _agrees(table_value: float, text: Figure) -> bool:
    """Equal, or for an approximate text figure (300余), close enough to be the same count."""
    if not text.approx:
        return abs(table_value - text.value) < 1e-6
    return 0.5 * text.value <= table_value <= 1.5 * text.value + 1


def table_vs_text(table: Sequence[Figure], text: Iterable[Figure]) -> list[Check]:
    """Where a prose figure and the table give different values for the same indicator."""
    by_key = {f.key: f for f in table}
    out: list[Check] = []
    reported: set[tuple[str, float]] = set()
    for t in text:
        if t.key in by_key:
            cells = [by_key[t.key]]
        elif t.key in _DERIVED and all(k in by_key for k in _DERIVED[t.key]):
            cells = [by_key[k] for k in _DERIVED[t.key]]
        else:
            continue
        value = sum(c.value for c in cells)
        if _agrees(value, t) or (t.key, t.value) in reported:
            continue
        reported.add((t.key, t.value))
        where = " + ".join(c.key for c in cells)
        message = f"the table says {_fmt(value)} for {where}, the text says {_fmt(t.value)}{' (approx.)' * t.approx}"
        out.append(
            warning("table_vs_text", message, [*cells, t], keys=list(dict.fromkeys([t.key, *(c.key for c in cells)])))
        )
    return out


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
