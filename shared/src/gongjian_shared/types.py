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

``Money`` / ``money(...)`` / ``Percent`` / ``Latitude`` / ``Longitude``: a ``Decimal`` accepted as a JSON number or a
string of ASCII digits within the column's precision, scale and bounds (:class:`DecimalRules`); fullwidth digits
(``"１２"``), exponents, leading zeros and surrounding spaces are refused on purpose, and the document's pattern says
so; written back as a decimal string with the column's scale (``"1200.00"``). ``MoneyOut`` is the same string
for response fields (no input rules).

``NotNullPatch``: base model of PATCH schemas; an explicit ``null`` for a field listed in its ``not_nullable``
class variable is a 422 on that field (``refuse_null`` is the same check for a hand-written
``field_validator(..., mode="before")``).

Every failure is a pydantic error whose ``type`` is stable (``control_character``, ``blank``,
``money_format``, ``not_null`` ...) and whose context carries ``message_zh``, which
:func:`gongjian_shared.errors.pydantic_field_errors` renders into ``errors[]`` in English and Chinese.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from types import UnionType
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

import annotated_types
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

SMALLINT_MIN, SMALLINT_MAX = -(2**15), 2**15 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
YEAR_MIN, YEAR_MAX = 2000, 2100
LIMIT_MAX = 500

_LINE_BREAKS = frozenset("\u2028\u2029")

# The same rules as JSON Schema patterns (ECMA-262 and Python's re read them alike), so that the documents say
# what the validators do: no C0/C1 control character (Unicode category Cc); single-line text no U+2028/U+2029;
# a name at least one character that is not a space; multi-line text tab, LF and CRLF.
# Spaces are written out, not `\s`: Python's and ECMA-262's `\s` differ (U+001C..U+001F, U+0085, U+FEFF); these
# are the characters `str.strip()` removes that are not control characters.
_SPACES = r"\u0020\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_CONTROLS = r"\u0000-\u001F\u007F-\u009F"
NO_CONTROL_PATTERN = rf"^[^{_CONTROLS}]*$"
_LINE_CHAR = rf"[^{_CONTROLS}\u2028\u2029]"
LINE_PATTERN = rf"^{_LINE_CHAR}*$"
NAME_PATTERN = rf"^{_LINE_CHAR}*[^{_CONTROLS}{_SPACES}]{_LINE_CHAR}*$"
_EMAIL_PART = rf"[^@{_CONTROLS}{_SPACES}]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"
MULTILINE_PATTERN = r"^(?:[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]|\r\n)*$"


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


def _documented(pattern: str) -> Any:
    # In the document only: the validator gives the clearer error (which character, where).
    return Field(json_schema_extra={"pattern": pattern})


def name(max_length: int = 200) -> Any:
    """A name or title of at most ``max_length`` characters."""
    return Annotated[
        str, annotated_types.Len(1, max_length), AfterValidator(_clean_name), _documented(NAME_PATTERN)
    ]


def line(max_length: int | None = None) -> Any:
    """Single-line free text of at most ``max_length`` characters."""
    return Annotated[
        str, annotated_types.Len(0, max_length), AfterValidator(_clean_line), _documented(LINE_PATTERN)
    ]


def multiline(max_length: int | None = None) -> Any:
    """Multi-line free text (tab and newline allowed) of at most ``max_length`` characters."""
    return Annotated[
        str,
        annotated_types.Len(0, max_length),
        AfterValidator(_clean_multiline),
        _documented(MULTILINE_PATTERN),
    ]


# Written out (not ``name(200)``) so that mypy sees ``str``; a field narrows the length with
# ``Annotated[Name, Field(max_length=100)]`` and widens it only through the factory (``LongName = name(500)``).
Name = Annotated[str, annotated_types.Len(1, 200), AfterValidator(_clean_name), _documented(NAME_PATTERN)]
Line = Annotated[str, AfterValidator(_clean_line), _documented(LINE_PATTERN)]
Multiline = Annotated[str, AfterValidator(_clean_multiline), _documented(MULTILINE_PATTERN)]


# An e-mail address: something@domain.tld, no spaces or control characters. Deliverability is the mail
# server's to judge: a stricter check here would refuse addresses the document admits.
Email = Annotated[str, Field(max_length=200, pattern=EMAIL_PATTERN)]


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


def _below(bound: int) -> str:
    """A regex of the whole numbers 0..bound (no leading zeros), for the integer part of a bounded decimal."""
    digits = str(bound)
    if len(digits) == 1:
        return f"[0-{bound}]"
    if set(digits) == {"9"}:
        return f"(?:0|[1-9][0-9]{{0,{len(digits) - 1}}})"
    options = ["[0-9]"] + [f"[1-9][0-9]{{{length - 1}}}" for length in range(2, len(digits))]
    if len(digits) > 1:
        # same length as the bound: a smaller digit at some place, the places before it equal
        for place, digit in enumerate(digits):
            low = 1 if place == 0 else 0
            if int(digit) > low:
                rest = len(digits) - place - 1
                tail = f"[0-9]{{{rest}}}" if rest else ""
                options.append(f"{digits[:place]}[{low}-{int(digit) - 1}]{tail}")
        options.append(digits)
    return "(?:" + "|".join(dict.fromkeys(options)) + ")"


@dataclass(frozen=True)
class DecimalRules:
    """A decimal input: a JSON number or a string of ASCII digits, within the column's precision and bounds.

    The document states exactly what is accepted (a string by a pattern that encodes the digits, the scale and
    a whole-number bound; a number by minimum, maximum and multipleOf), and the validator checks the same:
    fullwidth digits, exponents, spaces, leading zeros and more decimals than the column keeps are refused
    on purpose. Bounds are whole numbers and symmetric when negative amounts are allowed (``ge=-le``).
    """

    max_digits: int
    decimal_places: int
    ge: int | None = 0
    le: int | None = None
    positive: bool = False  # above zero (a divisor): with ge=0 and no upper bound only
    fixed_scale: bool = True  # written with every decimal place ("1200.00"); else as exact as given ("0.35")

    # quantum, maximum and pattern are derived once per rule (cached_property; the rule is frozen): every value
    # parsed or written reads them

    @cached_property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimal_places)

    @cached_property
    def maximum(self) -> Decimal:
        largest = Decimal(10) ** (self.max_digits - self.decimal_places) - self.quantum
        return largest if self.le is None else min(largest, Decimal(self.le))

    @cached_property
    def pattern(self) -> str:
        top = int(self.maximum)
        whole = _below(top)
        fraction = f"(?:\\.[0-9]{{1,{self.decimal_places}}})?" if self.decimal_places else ""
        sign = "-?" if self.ge is None or self.ge < 0 else ""
        if self.positive:
            digits = self.max_digits - self.decimal_places
            places = self.decimal_places
            nonzero = "|".join(f"{'0' * i}[1-9][0-9]{{0,{places - 1 - i}}}" for i in range(places))
            return f"^(?:[1-9][0-9]{{0,{digits - 1}}}{fraction}|0\\.(?:{nonzero}))$"
        if self.le is not None and self.maximum == self.le:
            # the bound itself only with zero decimals: "100", "100.0", "100.00"
            body = _below(top - 1) + fraction if top > 0 else ""
            exact = f"{top}(?:\\.0{{1,{self.decimal_places}}})?" if self.decimal_places else str(top)
            whole_part = f"(?:{body}|{exact})" if body else exact
            return f"^{sign}{whole_part}$"
        return f"^{sign}{whole}{fraction}$"

    def _parse(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise _error(
                "money_type",
                "must be a number or a string of digits",
                "必须是数字或数字字符串",
            )
        if isinstance(value, str):
            if re.fullmatch(self.pattern, value) is None:
                signed = self.ge is None or self.ge < 0
                raise _error(
                    "money_format",
                    "must be written with ASCII digits 0-9"
                    + (", an optional '-'" if signed else ", no sign")
                    + f" and an optional '.', at most {self.decimal_places} decimals, no leading zeros or spaces"
                    + ("" if self.le is None else f", at most {self.le}"),
                    "只能用半角数字 0-9"
                    + ("、可选的负号" if signed else "（不带符号）")
                    + f"和小数点书写，最多 {self.decimal_places} 位小数，不能有前导零、空格或全角数字"
                    + ("" if self.le is None else f"，不超过 {self.le}"),
                )
            return Decimal(value)
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            parsed = Decimal(repr(value))
            if not parsed.is_finite():
                raise _error("money_format", "must be a finite number", "必须是有限的数值")
            return parsed
        return value

    def _dump(self, value: Decimal) -> str:
        if self.fixed_scale:
            return str(Decimal(value).quantize(self.quantum))
        return format(Decimal(value), "f")

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        inner = core_schema.decimal_schema(
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            gt=Decimal(0) if self.positive else None,
            ge=None if self.ge is None else Decimal(self.ge),
            le=None if self.le is None else Decimal(self.le),
        )
        return core_schema.no_info_before_validator_function(
            self._parse,
            inner,
            serialization=core_schema.plain_serializer_function_ser_schema(
                self._dump, when_used="json", return_schema=core_schema.str_schema()
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if handler.mode == "serialization":
            return {"type": "string", "pattern": _MONEY_PATTERN}
        top = float(self.maximum)
        if Decimal(top) > self.maximum:  # the nearest float may lie above the bound: the one below it then
            top = math.nextafter(top, -math.inf)
        number: dict[str, Any] = {"type": "number", "maximum": top}
        if self.positive:
            number["exclusiveMinimum"] = 0
        else:
            number["minimum"] = -top if self.ge is None else self.ge
        if self.decimal_places:
            number["multipleOf"] = float(self.quantum)
        else:
            number["type"] = "integer"
        return {
            "anyOf": [number, {"type": "string", "pattern": self.pattern}],
            "description": f"A number or a decimal string, at most {self.decimal_places} decimals.",
        }


def money(*, max_digits: int = 14, decimal_places: int = 2, ge: int | None = 0, le: int | None = None) -> Any:
    """An amount (万元 unless the field says otherwise) with the column's precision and scale."""
    return Annotated[Decimal, DecimalRules(max_digits, decimal_places, ge, le)]


# The registry's amounts (万元, NUMERIC(16, 2) columns, 14 digits accepted), not negative.
Money = Annotated[Decimal, DecimalRules(14, 2)]
# A percentage with two decimals, 0..100 (形象进度, thresholds).
Percent = Annotated[Decimal, DecimalRules(5, 2, ge=0, le=100)]
Latitude = Annotated[Decimal, DecimalRules(9, 6, ge=-90, le=90)]
Longitude = Annotated[Decimal, DecimalRules(9, 6, ge=-180, le=180)]

# An amount in a response: any Decimal the database holds, written as a string with two decimals.
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(
        lambda amount: str(Decimal(amount).quantize(Decimal("0.01"))), return_type=str, when_used="json"
    ),
    WithJsonSchema({"type": "string", "pattern": _MONEY_PATTERN}, mode="serialization"),
]


_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _representable(value: datetime) -> datetime:
    """The instant itself, or the first or last instant UTC holds when its offset pushes it past them."""
    try:
        value.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if value.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)
    return value


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        raise _error(
            "datetime_format",
            "must be an RFC 3339 date-time with its offset, such as 2026-03-01T09:00:00+08:00",
            "必须是带时区的 RFC 3339 时间，例如 2026-03-01T09:00:00+08:00",
        )
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        raise _error("date_format", "must be a date written YYYY-MM-DD", "必须是 YYYY-MM-DD 格式的日期")
    return value


def _query_flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise _error("bool_parsing", "must be true or false", "必须是 true 或 false")


# A boolean query parameter: `true` or `false`, as the document says (pydantic alone also reads 0, 1, yes, on).
QueryFlag = Annotated[bool, BeforeValidator(_query_flag)]


# A point in time (`format: date-time`) and a calendar day (`format: date`), written as the document says:
# pydantic alone would also take a number of seconds (`until=0`) or a date without its time and offset.
Instant = Annotated[datetime, BeforeValidator(_rfc3339), AfterValidator(_representable)]
Day = Annotated[date, BeforeValidator(_iso_date)]


# The error type of a rule across fields reported on one of them (a rule set's id against its year): the
# document cannot state such a rule, so tools that generate valid input (tests/contract) learn it from here.
CROSS_FIELD = "cross_field"


def cross_field(message: str, message_zh: str | None = None) -> PydanticCustomError:
    """The error a model validator raises for a rule across its fields (red above yellow, dates in order)."""
    return _error(
        CROSS_FIELD, message.replace("{", "{{").replace("}", "}}"), message_zh or f"取值无效：{message}"
    )


class _WrongKind:
    """Stands in for a JSON value of the wrong kind, so that the field's own validator refuses it by name."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _of_kind(annotation: Any, value: Any) -> Any:
    """`value` itself when it is a JSON value of the kind `annotation` documents, else a `_WrongKind`."""
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        options = [option for option in get_args(annotation) if option is not type(None)]
        if value is None and len(options) < len(get_args(annotation)):
            return value
        return _of_kind(options[0], value) if len(options) == 1 else value
    if origin is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return [_of_kind(item, element) for element in value]
    if annotation is bool:
        return value if isinstance(value, bool) else _WrongKind(value)
    if annotation is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)  # JSON Schema's integer: 2000.0 is 2000
        return value if isinstance(value, int) and not isinstance(value, bool) else _WrongKind(value)
    return value


class RequestModel(BaseModel):
    """Base of request bodies: a JSON value of the wrong kind is refused, as the document says, not coerced.

    FastAPI validates bodies in pydantic's python mode, which would read ``0`` as ``false`` and ``"12"`` as an
    integer; the document says boolean and integer, so those are 422s naming the field (``12.0`` is the integer
    12, as in JSON Schema). Kinds
    carried by strings (UUIDs, days, times, decimals, enums) have their own types.
    """

    @model_validator(mode="before")
    @classmethod
    def _json_kinds(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        checked = dict(data)
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key in checked:
                checked[key] = _of_kind(field.annotation, checked[key])
        return checked


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


class NotNullPatch(RequestModel):
    """Base of PATCH schemas: fields listed in ``not_nullable`` may be left out but not set to ``null``.

    A field left out keeps its default (``None``, meaning "unchanged"); only an explicit ``null`` is refused,
    with the error on that field (``body.category``).
    """

    not_nullable: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The document says it too: a `not_nullable` field is optional, but not `null`."""
        document = handler(schema)
        target = handler.resolve_ref_schema(document)
        for name in cls.not_nullable:
            member = target.get("properties", {}).get(cls.model_fields[name].alias or name)
            if member is None:
                continue
            if "anyOf" in member:
                options = [option for option in member.pop("anyOf") if option != {"type": "null"}]
                if len(options) == 1:
                    member.update(options[0])
                else:
                    member["anyOf"] = options
            if "default" in member and member["default"] is None:
                del member["default"]
        return document

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_explicit_null(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name in cls.not_nullable:
            return refuse_null(value, info)
        return value
