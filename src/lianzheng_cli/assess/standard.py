"""The 评分标准 of the yearly assessment: org.yaml's ``assessment.items``, else the default shipped with lz
(docs/assess.md), and the bands of 百分制."""

from __future__ import annotations

import math
from fractions import Fraction

from lianzheng_cli.model.cycle import AssessmentItem
from lianzheng_cli.model.records import Register

# The default standard: 100 points, 90 from the register itself and 10 from the assessment group.
DEFAULT_STANDARD: tuple[AssessmentItem, ...] = (
    AssessmentItem("fxfg", "风险排查覆盖", 15, "risk_coverage"),
    AssessmentItem("gfxjk", "高风险点中期监控", 15, "high_monitoring"),
    AssessmentItem("cslx", "措施按期落实", 20, "measures_on_time"),
    AssessmentItem("yjcz", "预警按时处置", 10, "warnings_closed"),
    AssessmentItem("jd", "廉洁风险交底", 10, "people_briefed"),
    AssessmentItem("cn", "廉洁承诺", 10, "people_pledged"),
    AssessmentItem("gf", "登记簿规范", 10, "lint_errors", 1.0),
    AssessmentItem("mzcp", "民主测评", 10, None),
)

# 百分制 bands, highest first: a score at or above the bound is in the band.
BANDS: tuple[tuple[float, str], ...] = ((90, "好"), (80, "较好"), (70, "一般"), (0, "差"))
BAND_TEXT = "好（90–100）、较好（80–89）、一般（70–79）、差（70以下）"  # as documents print the bands
BAND_KEYS = {"好": "good", "较好": "fairly_good", "一般": "average", "差": "poor"}


def standard_of(register: Register) -> tuple[tuple[AssessmentItem, ...], str]:
    """The items the register is assessed by, and where they come from (``org.yaml`` or ``default``)."""
    if register.org.assessment:
        return tuple(register.org.assessment), "org.yaml"
    return DEFAULT_STANDARD, "default"


def band(score: float) -> str:
    """好 90–100, 较好 80–89.9, 一般 70–79.9, 差 below 70."""
    return next(word for bound, word in BANDS if score >= bound)


def exact(value: float) -> Fraction:
    """A number as written (0.1 is one tenth, not the nearest binary fraction)."""
    return Fraction(str(value))


def one_decimal(value: Fraction) -> float:
    """Rounded to one decimal, halves up (as a person counting by hand does: 7.25 → 7.3)."""
    return math.floor(value * 10 + Fraction(1, 2)) / 10
