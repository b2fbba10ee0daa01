"""Exact arithmetic: inputs are decimals, intermediate results exact rationals, rounding only for display.

Ratios such as 11000/12000 have no finite decimal form; keeping them as fractions means a total that is
exactly x.xx5 rounds the same way however it was reached.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


@functools.lru_cache(maxsize=65_536)
def exact(value: Decimal | int) -> Fraction:
    """The exact rational value; cached, as a rule set's constants recur for every unit."""
    if isinstance(value, int):
        return Fraction(value)
    numerator, denominator = value.as_integer_ratio()
    return Fraction(numerator, denominator)


def _rounded_units(value: Fraction, places: int) -> int:
    """`value` × 10^places rounded half away from zero, in integers: floor((2|n|·10^p + d) / 2d)."""
    numerator, denominator = value.numerator, value.denominator
    rounded: int = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return rounded if numerator >= 0 else -rounded


def display(value: Fraction) -> Decimal:
    """The value as shown on a score sheet: a decimal to 0.01."""
    return Decimal(_rounded_units(value, 2)).scaleb(-2)


def fmt(value: Fraction | Decimal | int) -> str:
    """Short display form for explanations: `32.08`, `0.5`, `35`, `-1`."""
    cents = _rounded_units(value if isinstance(value, Fraction) else exact(value), 2)
    whole, part = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    return f"{sign}{whole}.{part:02d}".rstrip("0") if part else f"{sign}{whole}"


def fmt_pct(ratio: Fraction) -> str:
    """A ratio as a percentage to 0.01: `91.67%`."""
    cents = _rounded_units(ratio * 100, 2)
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{part:02d}%"


def fmt_amount(value: Decimal) -> str:
    """An input amount exactly as given, without exponent or trailing zeros: `12000`, `0.5`."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_neg(magnitude: Fraction | Decimal | int) -> str:
    """A deduction of `magnitude`: `-1.5`, and `0` rather than `-0`."""
    return f"-{fmt(magnitude)}" if magnitude else "0"
