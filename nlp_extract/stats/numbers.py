"""Numbers as reports write them: ``56``, ``3,119``, ``1.1万``, ``三``, ``两千零五``, ``8000多``, ``近千``.

Tables and prose share one reader so that a value means the same wherever it appears.
Every parse keeps the span of the number *as written* (digits plus a 万/亿 multiplier,
never the approximation words 余/多/约 or the unit), because outputs point at that span.
"""

from __future__ import annotations

import re
from decimal import Decimal

Number = int | float

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

#: Markers of an approximate figure: before the number (约300), between it and its unit
#: (300余条), after the unit (300条左右).
APPROX_BEFORE = ("近", "约", "大约", "超过", "逾", "将近", "接近")
APPROX_INFIX = ("余", "多")
APPROX_AFTER = ("左右", "上下", "以上")

#: Cells that mean "not reported": they are never a value, in particular never zero.
NOT_REPORTED = re.compile(r"^(?:|[/／\\—\-－–~～…_.·]+|无|空|不适用|—+|--+)$")

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = f"[{CN_NUMERAL_CHARS}]+"
#: A number as written: arabic digits with an optional 万/亿, or a run of Chinese numerals.
NUMBER_RE = re.compile(rf"(?<![\d.])(?:{_ARABIC}\s*[万亿]?)(?![\d])|{_CN}")
_ARABIC_CELL = re.compile(rf"({_ARABIC})\s*([万亿]?)")  # compiled once: parse_arabic reads every table cell


def parse_arabic(text: str) -> Number | None:
    """``3,119`` -> 3119, ``96171.6`` -> 96171.6, ``1.1万`` -> 11000; None if not such a number."""
    m = _ARABIC_CELL.fullmatch(text.strip())
    if not m:
        return None
    exact = Decimal(m.group(1).replace(",", "")) * _BIG_UNITS.get(m.group(2), 1)  # 256.1亿 stays exact
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _small_section(text: str) -> int | None:
    """Value of a numeral below 10 000 (``两千零五``, ``十二``, ``一百零八``); None if malformed."""
    total, digit, seen_digit = 0, None, False
    last_unit = 10_000
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and digit != 0 and _DIGITS[ch] != 0:
                return None  # two digits in a row: 二三 is not a number
            digit = _DIGITS[ch]
            seen_digit = True
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None or digit == 0:
                if total and unit != 10:
                    return None  # 一千零百 is no number
                digit = 1  # 十二 = 12, 一千零十 = 1010, 近千 = about 1000
            total += digit * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit:
        total += digit
    return total if seen_digit or total else None


def parse_chinese(text: str) -> int | None:
    """A Chinese numeral (``三``, ``一万二千``, ``两亿``, ``〇``) as an int; None if it is not one."""
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    for big in ("亿", "万"):
        if big in text:
            head, _, tail = text.rpartition(big)
            high = parse_chinese(head) if head else 1  # 近万 = about 10 000
            if high is None or high == 0:
                return None
            low = parse_chinese(tail.lstrip("零〇○")) if tail.strip("零〇○") else 0
            if low is None or low >= _BIG_UNITS[big]:
                return None
            return high * _BIG_UNITS[big] + low
    if set(text) <= set("零〇○"):
        return 0 if len(text) == 1 else None
    return _small_section(text.lstrip("零〇○") or text)


def parse_number(text: str) -> Number | None:
    """Arabic (with 万/亿) or Chinese numerals; None for anything else."""
    text = text.strip()
    value = parse_arabic(text)
    return value if value is not None else parse_chinese(text)


_DIGIT = re.compile(r"\d")
_UNIT_SUFFIX = re.compile(r"\s*(?:万元|亿元|元|人次|条|件|个|次|篇|人|名|项|期|场|起|家|份)$")


def parse_cell(text: str) -> Number | None:
    """A table cell's value: a number, optionally followed by its unit; None if not reported or not a number.

    ``/``, ``—``, ``无`` and empty cells are "not reported" (never zero).
    """
    if not _DIGIT.search(text):  # a value has digits (most cells are labels: no pattern to try)
        return None
    cell = text.strip().strip("　 ")
    if NOT_REPORTED.match(cell):
        return None
    cell = _UNIT_SUFFIX.sub("", cell).strip()
    if not cell or NOT_REPORTED.match(cell):
        return None
    return parse_arabic(cell)


def cell_unit(text: str) -> str | None:
    """The unit a cell writes after its number (``251000元`` -> ``元``), if any."""
    m = _UNIT_SUFFIX.search(text.strip().strip("　 "))
    return m.group().strip() if m else None


_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10_000)}


def in_unit(value: Number, unit: str | None, target: str | None) -> tuple[Number, str | None]:
    """``value`` in ``unit`` expressed in ``target`` where both are amounts of money (元/万元/亿元).

    A report may write ``251000元`` where the form's unit is 万元: the figure is stored in the
    form's unit (25.1).  Other units are counts and are left as they are.
    """
    if unit == target or unit not in _TO_WAN or target not in _TO_WAN:
        return value, unit if unit is not None else target
    exact = Decimal(str(value)) * _TO_WAN[unit] / _TO_WAN[target]
    return (int(exact) if exact == exact.to_integral_value() else float(exact)), target


def is_not_reported(text: str) -> bool:
    """Empty, ``/``, ``—``, ``无``: a cell that holds no value (and is not zero)."""
    return bool(NOT_REPORTED.match(text.strip()))


def to_chinese(n: int) -> str:
    """The standard Chinese numeral of a non-negative int (``10`` -> ``十``, ``2005`` -> ``二千零五``).

    Used to test the reader by round trip; reports write numerals this way.
    """
    if n < 0:
        raise ValueError("negative numbers have no numeral here")
    if n == 0:
        return "零"
    high, rest = divmod(n, 100_000_000)
    wan, low = divmod(rest, 10_000)
    parts: list[str] = [to_chinese(high) + "亿"] if high else []
    for value, name in ((wan, "万"), (low, "")):
        if value:
            if parts and value < 1000:
                parts.append("零")
            parts.append(_section_numeral(value) + name)
    result = "".join(parts)
    return result[1:] if result.startswith("一十") else result


def _section_numeral(v: int) -> str:
    """Numeral of ``0 < v < 10000`` with inner zeros written once (``一千零五``)."""
    out: list[str] = []
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = v // unit % 10
        if d:
            if pending_zero and out:
                out.append("零")
            out.append("零一二三四五六七八九"[d] + name)
            pending_zero = False
        else:
            pending_zero = True
    return "".join(out)
