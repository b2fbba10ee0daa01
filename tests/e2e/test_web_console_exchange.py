"""The office's imports, exports and delivery audit in a real browser (issue 13): a project import with a bad row
is refused whole with that row's error shown, the fixed file imports, and the month's statistics download as an xlsx
that opens; an accounts import shows its errors, then the new accounts with one-time passwords that sign in; the
delivery audit lists the deliveries a one-click reminder made.

Same platform and Chromium as test_web_console.py (its fixtures, a platform of this module's own); the journeys
are web/e2e/journey-exchange.mjs, with screenshots under web/test-results/<journey>/ (a trace there on failure).
What the browser showed is checked against the public API.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from e2e import test_web_console as web_console
from e2e.test_accounts_journey import SHANGHAI, Person
from e2e.test_web_console import Console, _assert_accessible, _project, run_journey
from openpyxl import Workbook, load_workbook

from support.reports import report

# The console's fixtures (the built web/dist, Chromium, the platform), registered in this module by name.
built, chromium, console = web_console.built, web_console.chromium, web_console.console


def _journey(console: Console, name: str, downloads: Path, **data: Any) -> dict[str, Any]:
    office = {"username": console.office.username, "password": console.office.password}
    return run_journey(
        "journey-exchange.mjs",
        name,
        {"base": console.server.base, "office": office, "downloads": str(downloads)} | data,
    )


def _filled_template(console: Console, route: str, rows: list[list[Any]], path: Path) -> Path:
    """The API's own import template with `rows` below its header row, saved at `path`."""
    template = console.journey.http.get(route, headers=console.office.headers)
    assert template.status_code == 200, template.text
    workbook = load_workbook(BytesIO(template.content))
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _project_row(name: str, unit: str, year: int) -> list[Any]:
    return [name, "重点", None, unit, "新开工", 30000, 8000, f"{year}-04-01", f"{year + 1}-06-30"]


def _named(console: Console, name: str) -> list[dict[str, Any]]:
    answer = console.journey.http.get(
        "/api/v1/projects",
        params={"year": console.year, "q": name, "limit": 50},
        headers=console.office.headers,
    )
    assert answer.status_code == 200, answer.text
    return [project for project in answer.json()["items"] if project["name"] == name]


def test_a_project_import_with_a_bad_row_imports_nothing_and_shows_that_rows_error(
    console: Console, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:4]
    first, second = f"汉阴县月河物流园 {tag}", f"汉阴县凤堰古梯田保护 {tag}"
    route = "/api/v1/projects/import-template"
    bad = _filled_template(
        console,
        route,
        [
            _project_row(first, "汉阴县", console.year),
            _project_row(f"无主项目 {tag}", "不存在县", console.year),
        ],
        tmp_path / "bad.xlsx",
    )
    good = _filled_template(
        console, route, [_project_row(second, "汉阴县", console.year)], tmp_path / "good.xlsx"
    )
    provincial, _, unknown = _provincial_file(tmp_path / "provincial.xlsx", tag)
    result = _journey(
        console,
        "office-imports-and-exports",
        tmp_path,
        bad_file=str(bad),
        good_file=str(good),
        provincial_file=str(provincial),
    )
    _assert_accessible(result)
    month = datetime.now(SHANGHAI).month
    assert result["period"] == [str(console.year), str(month)]

    # the bad file: refused whole, the bad row's cell named; its good row was not imported either
    assert result["bad"]["done"] is None
    assert "文件未导入：共 1 处错误" in result["bad"]["refused"], result["bad"]
    assert result["bad"]["problems"] == [
        {"row": "3", "column": "D（责任单位*）", "message": "没有名为“不存在县”的单位"}
    ]
    assert _named(console, first) == []
    # the fixed file: imported, as the API says
    assert result["good"] == {
        "done": f"已导入 1 个项目（{console.year} 年）",
        "refused": None,
        "problems": [],
    }
    [imported] = _named(console, second)
    assert imported["unit_id"] == console.units["汉阴县"]

    # the province's file: staged row by row, the bad amount and the unknown code shown on their rows
    staged = console.journey.http.post(
        "/api/v1/provincial/batches",
        params={"year": console.year, "month": month},
        files={"file": ("provincial.xlsx", provincial.read_bytes())},
        headers=console.office.headers,
    )
    assert staged.status_code == 200 and staged.json()["duplicate"], (
        staged.text
    )  # the browser staged it first
    counts = staged.json()["counts"]
    assert (counts["rows"], counts["with_problems"], counts["applicable"]) == (2, 1, 0), counts
    assert result["provincial"]["done"] == "已校验 2 行：匹配 0 行，可应用 0 行"
    batch = staged.json()
    expected = [
        (p["row"], f"{p['column']}（{p['header']}）", p["message_zh"].split("：", 1)[1])
        for row in batch["rows"]
        for p in row["problems"]
    ]
    expected += [
        (r["row_number"], "项目代码", f"计划中没有代码为 {r['code']} 的项目") for r in batch["unmatched"]
    ]
    expected += [(r["row_number"], "项目代码", f"代码 {r['code']} 出现在多行") for r in batch["ambiguous"]]
    shown = [(p["row"], p["column"], p["message"]) for p in result["provincial"]["problems"]]
    assert shown == [
        (str(row), column, message) for row, column, message in sorted(expected, key=lambda e: e[0])
    ]
    assert ("2", "H（本月完成投资）", "“abc”不是数字") in shown, shown
    assert ("3", "项目代码", f"计划中没有代码为 {unknown} 的项目") in shown, shown
    assert result["provincial_apply_disabled"] is True

    # the month's statistics: the API's file, an xlsx that opens with the units of the JSON table in it
    downloaded = result["export"]
    assert downloaded["name"] == f"{console.year}年1-{month}月重点项目统计表.xlsx"
    workbook = load_workbook(downloaded["path"])
    sheet = workbook["月统计表"]
    cells = {str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None}
    table = console.journey.http.get(
        f"/api/v1/statistics/{console.year}/monthly",
        params={"month": month},
        headers=console.office.headers,
    ).json()
    assert table["rows"], table
    assert {row["name"] for row in table["rows"]} <= cells
    _assert_every_export_as_the_api_answers(console, result["exports"], month)


PROVINCIAL_HEADERS = ["序号", "项目代码", "项目名称", "建设地点", "金额单位", "总投资", "年度计划投资"]
PROVINCIAL_HEADERS += ["本月完成投资", "累计完成投资", "实际开工时间", "形象进度"]


def _provincial_file(path: Path, tag: str) -> tuple[Path, str, str]:
    """The province's monthly export (2023 layout) with a row whose amount is not a number and a row whose code
    is on no plan entry; both codes well formed. Answers the file and the two codes."""
    serial = int(tag, 16) % 1_000_000
    bad_amount, unknown = (
        f"2401-610921-04-01-{serial:06d}",
        f"2401-610921-04-01-{(serial + 1) % 1_000_000:06d}",
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(PROVINCIAL_HEADERS)
    sheet.append(
        [1, bad_amount, f"汉阴县物流园 {tag}", "汉阴县", "万元", 50000, 12000, "abc", 100, None, "主体施工"]
    )
    sheet.append([2, unknown, f"汉阴县茶园 {tag}", "汉阴县", "万元", 8000, 2000, 300, 900, None, "基础施工"])
    workbook.save(path)
    return path, bad_amount, unknown


def _export_routes(year: int, month: int) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each export button of the page (its data-export) and the API route and query it downloads."""
    quarter = (month + 2) // 3
    xlsx = {"format": "xlsx"}
    return {
        "projects-template": ("/api/v1/projects/import-template", {}),
        "accounts-template": ("/api/v1/accounts/import-template", {}),
        "targets": (f"/api/v1/plans/{year}/targets", xlsx),
        "monthly-statistics": (f"/api/v1/statistics/{year}/monthly", {"month": month} | xlsx),
        "targets-vs-actuals": (f"/api/v1/statistics/{year}/targets", {"month": month} | xlsx),
        "quarterly-bulletin": (f"/api/v1/statistics/{year}/quarterly/{quarter}", xlsx),
        "provincial-export": (f"/api/v1/provincial/export/{year}/{month}", {}),
        "reconciliation": (f"/api/v1/provincial/reconciliation/{year}/{month}", xlsx),
        "concentrated-starts": ("/api/v1/concentrated-starts", {"year": year, "quarter": quarter} | xlsx),
        "standings-county": ("/api/v1/scoring/standings.xlsx", {"year": year, "kind": "county"}),
        "standings-department": ("/api/v1/scoring/standings.xlsx", {"year": year, "kind": "department"}),
        "accounts": ("/api/v1/accounts/export.xlsx", {}),
        "accounts-audit": ("/api/v1/accounts/audit.xlsx", {}),
        "deliveries": ("/api/v1/notifications/deliveries.xlsx", {}),
    }


def _assert_every_export_as_the_api_answers(console: Console, exports: dict[str, Any], month: int) -> None:
    """Each export the page offers saved an xlsx that opens exactly when the API answers its route with one; the
    files every office can always have (templates, plan, statistics, accounts, the audit) were saved."""
    routes = _export_routes(console.year, month)
    assert set(exports) == set(routes)
    for name, (route, query) in routes.items():
        answer = console.journey.http.get(route, params=query, headers=console.office.headers)
        shown = exports[name]
        assert (shown["outcome"] == "saved") == (answer.status_code == 200), (name, shown, answer.text[:300])
        if shown["outcome"] == "saved":
            assert answer.headers["content-type"].startswith("application/vnd.openxmlformats"), name
            assert load_workbook(shown["path"]).sheetnames, name
    refused = sorted(name for name, shown in exports.items() if shown["outcome"] != "saved")
    report(
        web_console.SECTION, "exports", f"{len(exports) - len(refused)} saved; refused by the API: {refused}"
    )
    always = {"projects-template", "accounts-template", "targets", "monthly-statistics", "provincial-export"}
    always |= {"accounts", "accounts-audit", "deliveries"}
    assert {name for name in always if exports[name]["outcome"] != "saved"} == set()


def test_the_office_imports_accounts_and_sees_each_new_accounts_one_time_password(
    console: Console, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    refused_name, first, second = f"bad-{tag}", f"imp-a-{tag}", f"imp-b-{tag}"
    route = "/api/v1/accounts/import-template"
    bad = _filled_template(
        console,
        route,
        [
            [refused_name, "张填报", "汉阴县", "填报员", None, None],
            [f"bad2-{tag}", "李联络", "汉阴县", "不存在的角色", None, None],
        ],
        tmp_path / "accounts-bad.xlsx",
    )
    good = _filled_template(
        console,
        route,
        [
            [first, "王填报", "汉阴县", "填报员", None, None],
            [second, "赵联络", "石泉县", "联络员", None, None],
        ],
        tmp_path / "accounts-good.xlsx",
    )
    result = _journey(console, "office-imports-accounts", tmp_path, bad_file=str(bad), good_file=str(good))
    _assert_accessible(result)

    assert result["bad"]["done"] is None
    assert [(p["row"], p["column"], p["message"]) for p in result["bad"]["problems"]] == [
        ("3", "D（角色）", "角色为空或无法识别")
    ]
    http, office = console.journey.http, console.office.headers
    listed = http.get("/api/v1/accounts", params={"q": tag, "limit": 50}, headers=office).json()["items"]
    assert refused_name not in {account["username"] for account in listed}

    assert result["good"]["done"].startswith("已导入 2 个账号"), result["good"]
    assert [account["username"] for account in result["accounts"]] == [first, second]
    assert result["listed"] == 1
    for shown in result["accounts"]:
        signed_in = console.journey.sign_in(Person(shown["username"], shown["password"]))
        assert signed_in.status_code == 200, (shown, signed_in.text)
    created = {
        account["username"]: account
        for account in http.get("/api/v1/accounts", params={"q": tag, "limit": 50}, headers=office).json()[
            "items"
        ]
    }
    assert (created[first]["unit_id"], created[first]["roles"]) == (console.units["汉阴县"], ["reporter"])
    assert (created[second]["unit_id"], created[second]["roles"]) == (console.units["石泉县"], ["liaison"])


def _give_a_liaison(console: Console, unit_id: str, name: str) -> None:
    """The unit's liaison (联络员) in its contacts: the person the notifier tells of the unit's reminders."""
    http, office = console.journey.http, console.office.headers
    unit = http.get(f"/api/v1/units/{unit_id}", headers=office)
    assert unit.status_code == 200, unit.text
    contacts = [{"role": "liaison", "name": name}]
    changed = http.patch(
        f"/api/v1/units/{unit_id}",
        json={"contacts": contacts},
        headers=office | {"If-Match": unit.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text


def _reminder_deliveries(console: Console, unit_id: str) -> list[dict[str, Any]]:
    """The deliveries of the unit's reminder once the notifier made them (it hears the reminder by event)."""
    deadline = time.monotonic() + 60
    while True:
        answer = console.journey.http.get(
            "/api/v1/notifications/deliveries",
            params={"unit_id": unit_id, "event_type": "progress-report-due", "limit": 100},
            headers=console.office.headers,
        )
        assert answer.status_code == 200, answer.text
        items: list[dict[str, Any]] = answer.json()["items"]
        if items and all(item["status"] not in ("pending", "sending") for item in items):
            return items
        assert time.monotonic() < deadline, f"the reminder made no settled delivery: {answer.text}"
        time.sleep(0.5)


STATUS_TEXT = {"delivered": "已送达", "failed": "发送失败", "cancelled": "已取消", "digest": "待汇总发送"}


def test_the_delivery_audit_lists_the_deliveries_a_reminder_made(console: Console, tmp_path: Path) -> None:
    unit = "紫阳县"
    unit_id = console.units[unit]
    liaison = f"张联络{uuid.uuid4().hex[:4]}"
    _give_a_liaison(console, unit_id, liaison)
    _project(console, unit, "紫阳县富硒茶产业园")
    year, month = console.journey.open_this_month()
    reminded = console.journey.http.post(
        f"/api/v1/progress-reports/months/{year}/{month}/reminders",
        json={"unit_ids": [unit_id]},
        headers=console.office.headers | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert reminded.status_code == 200, reminded.text
    assert [row["unit_name"] for row in reminded.json()["reminded"]] == [unit]
    deliveries = _reminder_deliveries(console, unit_id)

    result = _journey(console, "office-audits-deliveries", tmp_path, unit=unit, expected=len(deliveries))
    _assert_accessible(result)
    assert result["total"] == f"共 {len(deliveries)} 条"
    channel_names = {
        "inbox": "站内消息",
        "email": "电子邮件",
        "wecom": "企业微信机器人",
        "dingtalk": "钉钉机器人",
        "sms": "短信",
    }
    assert [
        (
            row["title"],
            row["event"],
            row["unit"],
            row["recipient"],
            row["status"],
            row["attempts"],
            row["error"],
        )
        for row in result["rows"]
    ] == [
        (
            d["title"],
            "月报催报",
            unit,
            d["recipient_name"],
            STATUS_TEXT[d["status"]],
            str(d["attempts"]),
            d["last_error"] or "",
        )
        for d in deliveries
    ]
    assert [row["channel"] for row in result["rows"]] == [channel_names[d["channel"]] for d in deliveries]
    assert [(d["recipient_name"], d["channel"], d["status"]) for d in deliveries] == [
        (liaison, "inbox", "delivered")
    ]

    # the export, filtered as on screen: an xlsx that opens, with the reminder's line to the liaison in it
    assert result["export"]["name"] == "deliveries.xlsx"
    sheet = load_workbook(result["export"]["path"]).active
    assert sheet is not None
    lines = [{str(v) for v in row if v is not None} for row in sheet.iter_rows(values_only=True)]
    assert any({deliveries[0]["title"], liaison} <= line for line in lines), lines[:5]
