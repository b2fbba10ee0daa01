"""`gongjian score`: the offline scorer prints the score sheet JSON, or a clear error and exit status 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from unit.scoring.scoring_builders import county_unit, department_unit, facts_dict

from gongjian_scoring.engine import load_builtin_rule_set
from gongjian_scoring.engine.cli import main


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, default=str), encoding="utf-8")
    return path


@pytest.fixture
def county_facts(tmp_path: Path) -> Path:
    return write(
        tmp_path / "facts.json",
        facts_dict([county_unit("汉滨区"), county_unit("白河县", reporting_findings=2)]),
    )


def test_prints_the_score_sheet_with_exactly_its_keys(
    county_facts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--rule-set", "2019-county", "--facts", str(county_facts)]) == 0
    out = capsys.readouterr().out
    sheet = json.loads(out)
    assert list(sheet) == ["rule_set", "as_of", "provisional", "units"]
    assert (sheet["rule_set"], sheet["as_of"], sheet["provisional"]) == ("2019-county", "2019-12-31", False)
    unit = sheet["units"][0]
    assert list(unit) == ["unit", "total", "rank", "award", "eligible", "items"]
    assert list(unit["items"][0]) == ["id", "points", "standard", "applicable", "explanation", "source_text"]
    assert (unit["unit"], unit["total"], unit["rank"], unit["award"]) == ("汉滨区", 90, 1, "first")
    assert sheet["units"][1]["total"] == 88
    for item in unit["items"]:
        assert isinstance(item["points"], int | float)
        assert isinstance(item["standard"], int | float)
    assert "汉滨区" in out  # not escaped


def test_numbers_with_cents_are_json_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    media = {"own_channels": 0, "city": 3, "provincial": 0, "central": 0}
    path = write(tmp_path / "facts.json", facts_dict([county_unit(media=media)]))
    assert main(["--rule-set", "2019-county", "--facts", str(path)]) == 0
    out = capsys.readouterr().out
    assert '"total": 90.9' in out
    assert json.loads(out)["units"][0]["items"][5]["points"] == 0.9


def test_as_of_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "facts.json", facts_dict([county_unit()], as_of="2019-11-30"))
    assert main(["--rule-set", "2019-county", "--facts", str(path), "--as-of", "2019-12-31"]) == 0
    sheet = json.loads(capsys.readouterr().out)
    assert (sheet["as_of"], sheet["provisional"]) == ("2019-12-31", False)


def test_missing_field_exits_2_naming_unit_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = county_unit("旬阳县")
    del unit["planning_funds_in_place_10k"]
    path = write(tmp_path / "facts.json", facts_dict([unit]))
    assert main(["--rule-set", "2019-county", "--facts", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "旬阳县" in captured.err
    assert "units[0].planning_funds_in_place_10k" in captured.err


def test_negative_amount_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "facts.json", facts_dict([county_unit(planning_funds_in_place_10k=-100)]))
    assert main(["--rule-set", "2019-county", "--facts", str(path)]) == 2
    assert "units[0].planning_funds_in_place_10k" in capsys.readouterr().err


def test_rule_set_of_another_kind_exits_2(county_facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rule-set", "2019-department", "--facts", str(county_facts)]) == 2
    assert "rule_set" in capsys.readouterr().err


def test_department_facts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "facts.json", facts_dict([department_unit()], rule_set="2019-department"))
    assert main(["--rule-set", "2019-department", "--facts", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["units"][0]["award"] is None  # 35% of 1 rounds to 0


def test_rule_set_from_a_file(tmp_path: Path, county_facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(load_builtin_rule_set("2019-county").model_dump_json())
    data["settings"]["a2_planning_base"] = "10"
    rule_file = tmp_path / "county-adjusted.json"
    rule_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--rule-set", str(rule_file), "--facts", str(county_facts)]) == 0
    assert json.loads(capsys.readouterr().out)["units"][0]["total"] == 80


def test_invalid_rule_set_file_exits_2(
    tmp_path: Path, county_facts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(load_builtin_rule_set("2019-county").model_dump_json())
    data["items"][5]["rule"]["cap"] = -5
    rule_file = tmp_path / "bad.json"
    rule_file.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--rule-set", str(rule_file), "--facts", str(county_facts)]) == 2
    assert "items.5.rule.cap" in capsys.readouterr().err


def test_unknown_rule_set_exits_2(county_facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rule-set", "2018-county", "--facts", str(county_facts)]) == 2
    assert "2018-county" in capsys.readouterr().err


def test_unreadable_facts_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--rule-set", "2019-county", "--facts", str(tmp_path / "absent.json")]) == 2
    assert "absent.json" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--facts", "x.json"]) == 2
    assert "gongjian score" in capsys.readouterr().err
