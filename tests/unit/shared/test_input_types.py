"""The shared input types: what each text kind holds, integer bounds, money, explicit nulls, and how their
errors reach a problem's errors[] in English and Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from gongjian_shared.errors import pydantic_field_errors
from gongjian_shared.types import (
    INT32_MAX,
    Int32,
    Int64,
    Limit,
    Line,
    Money,
    MoneyOut,
    Multiline,
    Name,
    NotNullPatch,
    Offset,
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
    assert refused(amount="-1")["type"] == "greater_than_equal"
    assert refused(amount=-1)["type"] == "greater_than_equal"
    assert refused(amount="1.234")["type"] == "decimal_max_places"
    assert refused(amount=float("inf"))["type"] == "money_format"
    assert Form(signed="-12.5").signed == Decimal("-12.5")
    assert refused(signed="123456.7")["type"] == "decimal_max_digits"


def test_money_in_a_response_has_two_decimals() -> None:
    class Out(BaseModel):
        amount: MoneyOut

    assert Out(amount=Decimal(-3)).model_dump(mode="json") == {"amount": "-3.00"}
    assert Out.model_json_schema(mode="serialization")["properties"]["amount"]["type"] == "string"


def test_the_json_schema_of_money_admits_what_it_accepts() -> None:
    schema = Form.model_json_schema()["properties"]["amount"]
    assert {"type": "number", "minimum": 0} in schema["anyOf"]
    assert {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"} in schema["anyOf"]


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
