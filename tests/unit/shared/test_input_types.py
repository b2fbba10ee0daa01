"""The shared input types: what each text kind holds, integer bounds, money, explicit nulls, and how their
errors reach a problem's errors[] in English and Chinese."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from gongjian_shared.errors import pydantic_field_errors
from gongjian_shared.types import (
    INT32_MAX,
    LINE_PATTERN,
    MULTILINE_PATTERN,
    NAME_PATTERN,
    Day,
    DecimalRules,
    Instant,
    Int32,
    Int64,
    Latitude,
    Limit,
    Line,
    Money,
    MoneyOut,
    Multiline,
    Name,
    NotNullPatch,
    Offset,
    Percent,
    SmallInt,
    Year,
    line,
    money,
    multiline,
    name,
)

ShortName = name(5)
ShortLine = line(5)
ShortText = multiline(5)
SignedMoney = money(ge=None, max_digits=6, decimal_places=1)


class Form(BaseModel):
    name: Name = "x"
    title: Annotated[Name, Field(max_length=3)] = "x"
    short_name: ShortName = "x"
    line: Line = ""
    short_line: ShortLine = ""
    text: Multiline = ""
    short_text: ShortText = ""
    small: SmallInt = 0
    int32: Int32 = 0
    int64: Int64 = 0
    year: Year = 2019
    limit: Limit = 1
    offset: Offset = 0
    amount: Money = Decimal(0)
    signed: SignedMoney = Decimal(0)


class Patch(NotNullPatch):
    not_nullable = ("name",)

    name: Name | None = None
    note: Multiline | None = None


def refused(**fields: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        Form(**fields)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return dict(errors[0])


def test_a_name_is_nfc_and_trimmed() -> None:
    assert Form(name="  Cafe\u0301\u3000").name == "Café"


@pytest.mark.parametrize(
    "text", ["a\x00b", "a\tb", "a\nb", "a\x1fb", "a\x7fb", "a\x85b", "a\u2028b", "a\ud800b"]
)
def test_a_name_refuses_control_characters_and_line_breaks(text: str) -> None:
    # a lone surrogate built in Python stops at pydantic's own check; one decoded from JSON at ours
    assert refused(name=text)["type"] in {"control_character", "string_unicode"}


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_a_name_is_not_blank(text: str) -> None:
    assert refused(name=text)["type"] in {"blank", "string_too_short"}


def test_name_lengths_come_from_the_factory_or_a_narrower_field() -> None:
    assert refused(short_name="abcdef")["type"] == "string_too_long"
    assert refused(title="abcd")["type"] in {"string_too_long", "too_long"}
    assert refused(name="x" * 201)["type"] == "string_too_long"
    assert Form(name="x" * 200).name == "x" * 200


def test_a_line_refuses_every_control_character_and_keeps_spaces() -> None:
    assert Form(line="  中文 line ").line == "  中文 line "
    for char in "\x00\t\n\r\x0b\x9f":
        assert refused(line=f"a{char}b")["type"] == "control_character"
    assert refused(short_line="abcdef")["type"] == "string_too_long"


def test_multiline_text_keeps_tabs_and_newlines_and_stores_crlf_as_lf() -> None:
    assert Form(text="一\t二\r\n三\n").text == "一\t二\n三\n"
    for char in "\x00\x0b\x0c\r\x1b\x85":
        assert refused(text=f"a{char}b")["type"] == "control_character"
    assert refused(short_text="abcdef")["type"] == "string_too_long"


@pytest.mark.parametrize(
    ("field", "low", "high"),
    [
        ("small", -32768, 32767),
        ("int32", -(2**31), 2**31 - 1),
        ("int64", -(2**63), 2**63 - 1),
        ("year", 2000, 2100),
        ("limit", 1, 500),
        ("offset", 0, INT32_MAX),
    ],
)
def test_integers_stay_inside_their_column(field: str, low: int, high: int) -> None:
    assert getattr(Form(**{field: low}), field) == low
    assert getattr(Form(**{field: high}), field) == high
    assert refused(**{field: low - 1})["type"] == "greater_than_equal"
    assert refused(**{field: high + 1})["type"] == "less_than_equal"
    assert refused(**{field: "30195936683908878336"})["type"] == "less_than_equal"


@pytest.mark.parametrize(
    ("given", "stored", "written"),
    [
        ("1200", Decimal("1200"), "1200.00"),
        (1200, Decimal(1200), "1200.00"),
        (12.5, Decimal("12.5"), "12.50"),
    ],
)
def test_money_takes_a_string_or_a_number_and_writes_a_decimal_string(
    given: object, stored: Decimal, written: str
) -> None:
    form = Form(amount=given)
    assert form.amount == stored
    assert form.model_dump(mode="json")["amount"] == written


@pytest.mark.parametrize("given", ["１２", "١٢", " 12", "12 ", "1e3", "12.", ".5", "+1", "", "1,200", "NaN"])
def test_money_refuses_other_digits_and_padding_on_purpose(given: str) -> None:
    assert refused(amount=given)["type"] == "money_format"


def test_money_refuses_booleans_negative_amounts_and_extra_places() -> None:
    assert refused(amount=True)["type"] == "money_type"
    assert refused(amount="-1")["type"] == "money_format"  # the documented pattern has no sign
    assert refused(amount=-1)["type"] == "greater_than_equal"
    assert refused(amount="1.234")["type"] == "money_format"
    assert refused(amount=1.234)["type"] == "decimal_max_places"
    assert refused(amount=float("inf"))["type"] == "money_format"
    assert Form(signed="-12.5").signed == Decimal("-12.5")
    assert refused(signed="123456.7")["type"] == "money_format"
    assert refused(signed=123456.7)["type"] == "decimal_max_digits"


def test_money_in_a_response_has_two_decimals() -> None:
    class Out(BaseModel):
        amount: MoneyOut

    assert Out(amount=Decimal(-3)).model_dump(mode="json") == {"amount": "-3.00"}
    assert Out.model_json_schema(mode="serialization")["properties"]["amount"]["type"] == "string"


def test_the_json_schema_of_money_admits_what_it_accepts() -> None:
    schema = Form.model_json_schema()["properties"]["amount"]
    number, text = schema["anyOf"]
    assert number == {"type": "number", "minimum": 0, "maximum": 999999999999.99, "multipleOf": 0.01}
    assert text == {"type": "string", "pattern": DecimalRules(14, 2).pattern}


DECIMAL_SAMPLES = [
    "0",
    "7",
    "12.5",
    "12.50",
    "12.505",
    "100",
    "100.0",
    "100.00",
    "100.01",
    "99.99",
    "101",
    "180",
    "180.5",
    "-0.5",
    "-90",
    "-90.000001",
    "90.000000",
    "01",
    "00",
    "1.",
    ".5",
    "+1",
    "1e3",
    "１２",
    " 1",
    "1 ",
    "",
    "999999999999.99",
    "1000000000000",
]


@pytest.mark.parametrize(
    "rules", [DecimalRules(14, 2), DecimalRules(5, 2, ge=0, le=100), DecimalRules(9, 6, ge=-90, le=90)]
)
def test_a_decimal_string_is_accepted_exactly_when_its_documented_pattern_matches(
    rules: DecimalRules,
) -> None:
    adapter: TypeAdapter[Decimal] = TypeAdapter(Annotated[Decimal, rules])
    for text in DECIMAL_SAMPLES:
        try:
            adapter.validate_python(text)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == (re.fullmatch(rules.pattern, text) is not None), (rules, text)


def test_percentages_and_coordinates_keep_their_bounds_as_numbers_too() -> None:
    percent: TypeAdapter[Decimal] = TypeAdapter(Percent)
    assert percent.validate_python(100) == 100 and percent.validate_python("99.5") == Decimal("99.5")
    for bad in (100.5, -1, "100.5", "１０"):
        with pytest.raises(ValidationError):
            percent.validate_python(bad)
    latitude: TypeAdapter[Decimal] = TypeAdapter(Latitude)
    assert latitude.validate_python("-32.684") == Decimal("-32.684")
    with pytest.raises(ValidationError):
        latitude.validate_python(90.5)


@pytest.mark.parametrize(
    "given", [0, 0.5, "0", "2026-01-01", "2026-01-01T08:00:00", "2026-01-01 08:00:00+08:00"]
)
def test_a_point_in_time_is_only_an_rfc3339_date_time_with_its_offset(given: object) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(Instant).validate_python(given)
    assert caught.value.errors()[0]["type"] == "datetime_format"


def test_rfc3339_date_times_and_iso_days_are_read() -> None:
    assert TypeAdapter(Instant).validate_python("2026-01-01T08:00:00+08:00").utcoffset() == timedelta(hours=8)
    assert TypeAdapter(Instant).validate_python("2026-01-01t00:00:00.5z").year == 2026
    assert TypeAdapter(Day).validate_python("2026-02-28") == date(2026, 2, 28)
    for bad in (0, "20260228", "2026-02-28T00:00:00Z", "２０２６-02-28"):
        with pytest.raises(ValidationError):
            TypeAdapter(Day).validate_python(bad)


def test_the_text_types_document_the_rules_they_check() -> None:
    properties = Form.model_json_schema()["properties"]
    assert properties["name"]["pattern"] == NAME_PATTERN
    assert properties["line"]["pattern"] == LINE_PATTERN
    assert properties["text"]["pattern"] == MULTILINE_PATTERN
    samples = ["ok", "  ", "", "a\x0bb", "a\u2028b", "a\tb", "a\r\nb", "a\rb", "a\x85b", " 王五 "]
    for field, pattern in (("name", NAME_PATTERN), ("line", LINE_PATTERN), ("text", MULTILINE_PATTERN)):
        for text in samples:
            try:
                Form(**{field: text})
                accepted = True
            except ValidationError:
                accepted = False
            assert accepted == (re.fullmatch(pattern, text) is not None), (field, text)


def test_a_patch_document_says_which_fields_cannot_be_null() -> None:
    properties = Patch.model_json_schema()["properties"]
    assert "anyOf" not in properties["name"] and "default" not in properties["name"]
    assert {"type": "null"} in properties["note"]["anyOf"]


def test_an_explicit_null_is_refused_only_where_it_cannot_be_stored() -> None:
    assert Patch().name is None
    assert Patch(note=None).note is None
    with pytest.raises(ValidationError) as caught:
        Patch(name=None)
    [error] = caught.value.errors()
    assert error["type"] == "not_null" and error["loc"] == ("name",)


def test_errors_reach_the_problem_in_english_and_chinese_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Form(name="a\x00b", small=40000, amount="１２")
    raw = [dict(e) | {"loc": ("body", *e["loc"])} for e in caught.value.errors()]
    by_field = {e.field: e for e in pydantic_field_errors(raw)}
    nul = by_field["body.name"]
    assert nul.rule == "control_character"
    assert nul.message.startswith("name:") and "U+0000" in nul.message
    assert nul.message_zh.startswith("name：") and "空字符" in nul.message_zh
    bound = by_field["body.small"]
    assert "32767" in bound.message and "最大为 32767" in bound.message_zh and "small" in bound.message_zh
    amount = by_field["body.amount"]
    assert "ASCII" in amount.message and "全角" in amount.message_zh
    with pytest.raises(ValidationError) as null:
        Patch(name=None)
    [not_null] = pydantic_field_errors([dict(e) | {"loc": ("body", "name")} for e in null.value.errors()])
    assert "name" in not_null.message and "name" in not_null.message_zh and "null" in not_null.message_zh


def test_a_narrowed_text_length_is_reported_as_a_string_length() -> None:
    with pytest.raises(ValidationError) as caught:
        Form(title="abcd")
    [error] = pydantic_field_errors([dict(e) | {"loc": ("body", "title")} for e in caught.value.errors()])
    assert error.rule == "string_too_long"
    assert "3 characters" in error.message and "title" in error.message_zh
