"""Exact arithmetic: inputs are decimals, intermediate results exact rationals, rounding only for display.

Ratios such as 11000/12000 have no finite decimal form; keeping them as fractions means a total that is
exactly x.xx5 rounds the same way however it was reached.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def exact(value: Decimal | int) -> Fraction:
    return Fraction(value)


def round_half_up(value: Fraction, places: int = 2) -> Fraction:
    """Round half away from zero, as `Decimal.quantize(..., ROUND_HALF_UP)` does."""
    scaled = abs(value) * 10**places
    rounded = math.floor(scaled + Fraction(1, 2))
    return Fraction(rounded if value >= 0 else -rounded, 10**places)


def display(value: Fraction) -> Decimal:
    """The value as shown on a score sheet: a decimal to 0.01."""
    cents = round_half_up(value)
    return (Decimal(cents.numerator) / Decimal(cents.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Fraction | Decimal | int) -> str:
    """Short display form for explanations: `32.08`, `0.5`, `35`, `-1`."""
    shown = display(value if isinstance(value, Fraction) else Fraction(value))
    text = format(shown, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_pct(ratio: Fraction) -> str:
    """A ratio as a percentage to 0.01: `91.67%`."""
    return f"{format(display(ratio * 100), 'f')}%"


def fmt_amount(value: Decimal) -> str:
    """An input amount exactly as given, without exponent or trailing zeros: `12000`, `0.5`."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_neg(magnitude: Fraction | Decimal | int) -> str:
    """A deduction of `magnitude`: `-1.5`, and `0` rather than `-0`."""
    return f"-{fmt(magnitude)}" if magnitude else "0"
