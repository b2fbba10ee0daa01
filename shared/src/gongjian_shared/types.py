"""Input types every request schema and parameter uses, so bad input is a 422 naming the field, never a 500.

Text (each refuses NUL, lone surrogates and the control characters its kind cannot hold):

- ``Name`` / ``name(max_length)``: a name or title. NFC-normalised, trimmed, not empty after trimming, single
  line (no C0/C1 control, no U+2028/U+2029).
- ``Line`` / ``line(max_length)``: single-line free text (a code, an address, a phone): no C0/C1 control
  character (tab included), not trimmed.
- ``Multiline`` / ``multiline(max_length)``: multi-line free text (a description, a comment): tab and newline
  allowed (CRLF is stored as LF), no other control character.

Lengths: ``Name`` holds at most 200 characters, ``Line`` and ``Multiline`` are unbounded; narrow or set a length
with ``Annotated[Multiline, Field(min_length=1, max_length=4000)]`` (mypy sees ``str``; the error still comes out
as ``string_too_long``), widen ``Name`` only through the factory (``LongName = name(500)``, typed ``Any``).

Integers bounded to the PostgreSQL column they are stored in: ``SmallInt`` (-32768..32767), ``Int32``, ``Int64``;
other bounds come from ``bounded(ge, le)``. Query helpers: ``Year`` (2000..2100, the plan years the registry
accepts), ``Limit`` (1..500, a page), ``Offset`` (0..2**31-1). Use them as ``Annotated[Offset, Query()] = 0``.

``Money`` / ``money(...)``: a ``Decimal`` accepted as a JSON number or a string of ASCII digits (optional sign
and fraction); fullwidth digits (``"１２"``), exponents and surrounding spaces are refused on purpose; written
back as a decimal string with the column's scale (``"1200.00"``). ``MoneyOut`` is the same string for response
fields (no input rules).

``NotNullPatch``: base model of PATCH schemas; an explicit ``null`` for a field listed in its ``not_nullable``
class variable is a 422 on that field (``refuse_null`` is the same check for a hand-written
``field_validator(..., mode="before")``).

Every failure is a pydantic error whose ``type`` is stable (``control_character``, ``blank``,
``money_format``, ``not_null`` ...) and whose context carries ``message_zh``, which
:func:`gongjian_shared.errors.pydantic_field_errors` renders into ``errors[]`` in English and Chinese.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

import annotated_types
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

SMALLINT_MIN, SMALLINT_MAX = -(2**15), 2**15 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
LIMIT_MAX = 500

_LINE_BREAKS = frozenset("\u2028\u2029")


def _error(rule: str, message: str, message_zh: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(rule, message, {"message_zh": message_zh, **context})


def _refuse_controls(value: str, allowed: frozenset[str] = frozenset(), *, single_line: bool = False) -> None:
    for position, char in enumerate(value):
        if char in allowed:
            continue
        category = unicodedata.category(char)
        if category == "Cc" or category == "Cs" or (single_line and char in _LINE_BREAKS):
            code = f"U+{ord(char):04X}"
            if char == "\x00":
                raise _error(
                    "control_character",
                    "must not contain a NUL character (U+0000, at position {position})",
                    f"不能包含空字符 U+0000（第 {position} 个字符）",
                    position=position,
                    character=code,
                )
            if category == "Cs":
                raise _error(
                    "control_character",
                    "must not contain an unpaired surrogate ({character}, at position {position})",
                    f"不能包含无效的 Unicode 代理字符 {code}（第 {position} 个字符）",
                    position=position,
                    character=code,
                )
            raise _error(
                "control_character",
                "must not contain the control character {character} (at position {position})",
                f"不能包含控制字符 {code}（第 {position} 个字符）",
                position=position,
                character=code,
            )


def _clean_name(value: str) -> str:
    value = unicodedata.normalize("NFC", value).strip()
    _refuse_controls(value, single_line=True)
    if not value:
        raise _error("blank", "must not be empty or only spaces", "不能为空或只有空格")
    return value


def _clean_line(value: str) -> str:
    _refuse_controls(value, single_line=True)
    return value


_MULTILINE_ALLOWED = frozenset("\t\n")


def _clean_multiline(value: str) -> str:
    value = value.replace("\r\n", "\n")
    _refuse_controls(value, _MULTILINE_ALLOWED)
    return value


def name(max_length: int = 200) -> Any:
    """A name or title of at most ``max_length`` characters."""
    return Annotated[str, annotated_types.Len(1, max_length), AfterValidator(_clean_name)]


def line(max_length: int | None = None) -> Any:
    """Single-line free text of at most ``max_length`` characters."""
    return Annotated[str, annotated_types.Len(0, max_length), AfterValidator(_clean_line)]


def multiline(max_length: int | None = None) -> Any:
    """Multi-line free text (tab and newline allowed) of at most ``max_length`` characters."""
    return Annotated[str, annotated_types.Len(0, max_length), AfterValidator(_clean_multiline)]


# Written out (not ``name(200)``) so that mypy sees ``str``; a field narrows the length with
# ``Annotated[Name, Field(max_length=100)]`` and widens it only through the factory (``LongName = name(500)``).
Name = Annotated[str, annotated_types.Len(1, 200), AfterValidator(_clean_name)]
Line = Annotated[str, AfterValidator(_clean_line)]
Multiline = Annotated[str, AfterValidator(_clean_multiline)]


def bounded(ge: int, le: int) -> Any:
    """An integer between ``ge`` and ``le`` inclusive (pick bounds the column can hold)."""
    return Annotated[int, annotated_types.Interval(ge=ge, le=le)]


SmallInt = Annotated[int, annotated_types.Interval(ge=SMALLINT_MIN, le=SMALLINT_MAX)]
Int32 = Annotated[int, annotated_types.Interval(ge=INT32_MIN, le=INT32_MAX)]
Int64 = Annotated[int, annotated_types.Interval(ge=INT64_MIN, le=INT64_MAX)]
Year = Annotated[int, annotated_types.Interval(ge=YEAR_MIN, le=YEAR_MAX)]
Limit = Annotated[int, annotated_types.Interval(ge=1, le=LIMIT_MAX)]
Offset = Annotated[int, annotated_types.Interval(ge=0, le=INT32_MAX)]


_MONEY_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


def _is_ascii_decimal(text: str) -> bool:
    if text.startswith("-"):
        text = text[1:]
    whole, _, fraction = text.partition(".")
    digits = "0123456789"
    return (
        bool(whole)
        and all(c in digits for c in whole)
        and all(c in digits for c in fraction)
        and ("." not in text or bool(fraction))
    )


def _parse_money(value: Any) -> Any:
    if isinstance(value, bool):
        raise _error(
            "money_type",
            "must be an amount (a number or a string of digits)",
            "必须是金额（数字或数字字符串）",
        )
    if isinstance(value, str):
        if not _is_ascii_decimal(value):
            raise _error(
                "money_format",
                "must be an amount written with ASCII digits 0-9, an optional '-' and '.', and no spaces",
                "金额只能用半角数字 0-9、可选的负号和小数点书写，不能有空格或全角数字",
            )
        return Decimal(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            parsed = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - str(float) always parses
            parsed = Decimal("NaN")
        if not parsed.is_finite():
            raise _error("money_format", "must be a finite amount", "金额必须是有限的数值")
        return parsed
    return value


def money(*, max_digits: int = 14, decimal_places: int = 2, ge: int | None = 0) -> Any:
    """An amount (万元 unless the field says otherwise) with the column's precision and scale."""
    quantum = Decimal(1).scaleb(-decimal_places)
    pattern = _MONEY_PATTERN if ge is None or ge < 0 else r"^[0-9]+(\.[0-9]+)?$"
    bounds = (annotated_types.Ge(ge),) if ge is not None else ()
    return Annotated[
        Decimal,
        BeforeValidator(_parse_money),
        Field(max_digits=max_digits, decimal_places=decimal_places),
        *bounds,
        PlainSerializer(
            lambda amount: str(Decimal(amount).quantize(quantum)), return_type=str, when_used="json"
        ),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", **({"minimum": ge} if ge is not None else {})},
                    {"type": "string", "pattern": pattern},
                ],
                "description": f"Amount: a number or a decimal string, at most {decimal_places} decimals.",
            },
            mode="validation",
        ),
        WithJsonSchema({"type": "string", "pattern": _MONEY_PATTERN}, mode="serialization"),
    ]


# Written out for mypy: the registry's amounts (万元, NUMERIC(16, 2) columns, 14 digits accepted), not negative.
Money = Annotated[
    Decimal,
    BeforeValidator(_parse_money),
    Field(max_digits=14, decimal_places=2),
    annotated_types.Ge(0),
    PlainSerializer(
        lambda amount: str(Decimal(amount).quantize(Decimal("0.01"))), return_type=str, when_used="json"
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
            ],
            "description": "Amount: a number or a decimal string, at most 2 decimals.",
        },
        mode="validation",
    ),
    WithJsonSchema({"type": "string", "pattern": _MONEY_PATTERN}, mode="serialization"),
]

# An amount in a response: any Decimal the database holds, written as a string with two decimals.
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(
        lambda amount: str(Decimal(amount).quantize(Decimal("0.01"))), return_type=str, when_used="json"
    ),
    WithJsonSchema({"type": "string", "pattern": _MONEY_PATTERN}, mode="serialization"),
]


def _not_null_error(field: str) -> PydanticCustomError:
    return _error(
        "not_null",
        "{field} cannot be null; leave it out to keep the current value",
        f"{field} 不能为 null；不修改时请省略该字段",
        field=field,
    )


def refuse_null(value: Any, info: ValidationInfo) -> Any:
    """A ``mode="before"`` field validator body: an explicit ``null`` is a 422 on that field."""
    if value is None:
        raise _not_null_error(info.field_name or "value")
    return value


class NotNullPatch(BaseModel):
    """Base of PATCH schemas: fields listed in ``not_nullable`` may be left out but not set to ``null``.

    A field left out keeps its default (``None``, meaning "unchanged"); only an explicit ``null`` is refused,
    with the error on that field (``body.category``).
    """

    not_nullable: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_explicit_null(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name in cls.not_nullable:
            return refuse_null(value, info)
        return value
