"""Accounts (账号管理) on the real platform: office and unit-admin administration, grants, If-Match, links,
events, xlsx import (all or nothing) and export, the audit log, and the operator's CLI."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from integration.projects.accounts_support import (
    NEW_PASSWORD,
    audit_actions,
    bearer,
    create,
    outbox_payloads,
    person,
    sign_in,
    unit_id,
)
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from gongjian_projects.accounts import commands
from support.platform import Platform


async def _make_zone_part_of(platform: Platform, zone: str, county: str) -> None:
    async with platform.context("projects-api").sessionmaker() as session, session.begin():
        await session.execute(
            text(
                "UPDATE projects.units SET parent_unit_id = (SELECT id FROM projects.units WHERE name = :county) "
                "WHERE name = :zone"
            ),
            {"zone": zone, "county": county},
        )


async def test_a_unit_admin_manages_accounts_of_its_unit_and_the_units_under_it_only(
    platform: Platform,
) -> None:
    await _make_zone_part_of(platform, "恒口示范区", "汉滨区")
    county_admin = await person(platform, ["unit-admin"], "汉滨区")
    admin = county_admin.headers

    own = await create(platform, ["reporter"], "汉滨区", headers=admin)
    assert own.status_code == 201, own.text
    zone = await create(platform, ["liaison", "reviewer"], "恒口示范区", headers=admin)
    assert zone.status_code == 201, zone.text
    elsewhere = await create(platform, ["reporter"], "宁陕县", headers=admin)
    assert elsewhere.status_code == 403
    assert elsewhere.json()["errors"][0]["field"] == "unit_id"
    above = await create(platform, ["office"], "汉滨区", headers=admin)
    assert above.status_code == 403 and above.json()["type"].endswith("/role-not-grantable")

    other = (await create(platform, ["reporter"], "宁陕县")).json()
    assert (await platform.client.get(f"/api/v1/accounts/{other['id']}", headers=admin)).status_code == 404
    patched = await platform.client.patch(
        f"/api/v1/accounts/{other['id']}", json={"display_name": "x"}, headers=admin | {"If-Match": '"1"'}
    )
    assert patched.status_code == 404
    reset = await platform.client.post(f"/api/v1/accounts/{other['id']}/password-reset", headers=admin)
    assert reset.status_code == 404

    listed = await platform.client.get("/api/v1/accounts", params={"limit": 500}, headers=admin)
    assert listed.status_code == 200, listed.text
    names = {item["username"] for item in listed.json()["items"]}
    assert names == {county_admin.username, own.json()["username"], zone.json()["username"]}
    assert listed.json()["total"] == 3
    # the office's own account is above a unit-admin: it may not grant office nor touch office accounts
    hanbin = await unit_id(platform, "汉滨区")
    office_here = (await create(platform, ["office"], "汉滨区")).json()
    promote = await platform.client.patch(
        f"/api/v1/accounts/{office_here['id']}",
        json={"display_name": "y"},
        headers=admin | {"If-Match": '"1"'},
    )
    assert promote.status_code == 403
    assert hanbin

    # a reporter administers no accounts at all
    reporter = await person(platform, ["reporter"], "汉滨区")
    assert (await platform.client.get("/api/v1/accounts", headers=reporter.headers)).status_code == 403


async def test_the_list_filters_by_unit_role_active_and_search(platform: Platform) -> None:
    first = (await create(platform, ["reporter"], "白河县", display_name="白河填报员")).json()
    await create(platform, ["liaison"], "白河县")
    white_river = await unit_id(platform, "白河县")
    by_unit = await platform.client.get("/api/v1/accounts", params={"unit_id": white_river})
    assert by_unit.json()["total"] == 2
    by_role = await platform.client.get(
        "/api/v1/accounts", params={"unit_id": white_river, "role": "reporter"}
    )
    assert [item["id"] for item in by_role.json()["items"]] == [first["id"]]
    searched = await platform.client.get("/api/v1/accounts", params={"q": "白河填报"})
    assert [item["id"] for item in searched.json()["items"]] == [first["id"]]
    page = await platform.client.get("/api/v1/accounts", params={"limit": 1, "offset": 1})
    assert set(page.json()) == {"items", "total", "limit", "offset"} and len(page.json()["items"]) == 1
    inactive = await platform.client.get("/api/v1/accounts", params={"active": "false"})
    assert inactive.json()["total"] == 0


async def test_patch_needs_if_match_and_records_the_change(platform: Platform) -> None:
    account = (await create(platform, ["reporter"], "岚皋县", email="a@example.cn")).json()
    path = f"/api/v1/accounts/{account['id']}"
    read = await platform.client.get(path)
    assert read.headers["ETag"] == '"1"'
    assert (await platform.client.patch(path, json={"phone": "13800000000"})).status_code == 428
    stale = await platform.client.patch(path, json={"phone": "13800000000"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    done = await platform.client.patch(
        path, json={"phone": "13800000000", "email": None}, headers={"If-Match": read.headers["ETag"]}
    )
    assert done.status_code == 200, done.text
    assert done.headers["ETag"] == '"2"'
    assert done.json()["phone"] == "13800000000" and done.json()["email"] is None
    assert (
        await platform.client.patch(path, json={"active": None}, headers={"If-Match": '"2"'})
    ).status_code == 422
    bad_email = await platform.client.patch(path, json={"email": "no-at-sign"}, headers={"If-Match": '"2"'})
    assert bad_email.status_code == 422

    created = await outbox_payloads(platform, "account-created", account["id"])
    updated = await outbox_payloads(platform, "account-updated", account["id"])
    assert len(created) == 1 and created[0]["roles"] == ["reporter"] and created[0]["token_version"] == 0
    assert updated[-1]["phone"] == "13800000000" and updated[-1]["token_version"] == 0
    disabled = await platform.client.patch(path, json={"active": False}, headers={"If-Match": '"2"'})
    assert disabled.status_code == 200
    gone = await outbox_payloads(platform, "account-disabled", account["id"])
    assert gone[-1]["active"] is False and gone[-1]["token_version"] == 1
    assert {"account-created", "account-updated", "account-disabled"} <= set(
        await audit_actions(platform, account["id"])
    )


async def test_an_account_is_linked_to_its_leader_and_unit_contacts(platform: Platform) -> None:
    county = await unit_id(platform, "汉阴县")
    contact_unit = await platform.client.get(f"/api/v1/units/{county}")
    body = contact_unit.json()
    added = await platform.client.patch(
        f"/api/v1/units/{county}",
        json={"contacts": [{"role": "liaison", "name": "张三", "phone": "13900000000"}]},
        headers={"If-Match": contact_unit.headers["ETag"]},
    )
    assert added.status_code == 200, added.text
    contact_id = added.json()["contacts"][0]["id"]
    leader = await platform.client.post(
        "/api/v1/leaders", json={"name": "李四", "level": "county", "unit_id": county}
    )
    assert leader.status_code == 201, leader.text
    account = (await create(platform, ["liaison", "leader"], "汉阴县")).json()
    linked = await platform.client.patch(
        f"/api/v1/accounts/{account['id']}",
        json={"contact_ids": [contact_id], "leader_id": leader.json()["id"]},
        headers={"If-Match": '"1"'},
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["links"] == {"contact_ids": [contact_id], "leader_id": leader.json()["id"]}
    event = (await outbox_payloads(platform, "account-updated", account["id"]))[-1]
    assert event["links"] == {"contact_ids": [contact_id], "leader_id": leader.json()["id"]}
    # the unit edits its contact list: the same person keeps their id, so the account stays linked
    current = await platform.client.get(f"/api/v1/units/{county}")
    edited = await platform.client.patch(
        f"/api/v1/units/{county}",
        json={
            "contacts": [
                {"role": "leader", "name": "王五"},
                {"role": "liaison", "name": "张三", "phone": "13900000001"},
            ]
        },
        headers={"If-Match": current.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.text
    kept = {c["name"]: c for c in edited.json()["contacts"]}
    assert kept["张三"]["id"] == contact_id and kept["张三"]["phone"] == "13900000001"
    still = await platform.client.get(f"/api/v1/accounts/{account['id']}")
    assert still.json()["links"]["contact_ids"] == [contact_id]
    unlinked = await platform.client.patch(
        f"/api/v1/accounts/{account['id']}",
        json={"contact_ids": [], "leader_id": None},
        headers={"If-Match": '"2"'},
    )
    assert unlinked.json()["links"] == {"contact_ids": [], "leader_id": None}
    assert body["name"] == "汉阴县"


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "账号"
    sheet.append(["用户名", "姓名", "单位", "角色", "邮箱", "手机"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def _upload(platform: Platform, content: bytes, headers: dict[str, str] | None = None) -> Any:
    return await platform.client.post(
        "/api/v1/accounts/import", files={"file": ("accounts.xlsx", content)}, headers=headers
    )


async def test_the_import_is_all_or_nothing_and_names_each_bad_cell(platform: Platform) -> None:
    bad = _xlsx(
        [
            ["hb-liaison", "王五", "汉滨区", "联络员", "ww@example.cn", "13700000000"],
            ["hb-reporter", "赵六", "不存在的县", "填报员", None, None],
            ["hb-liaison", "钱七", "汉滨区", "超级用户", None, None],
            ["admin", "孙八", "汉滨区", "reporter", "not-an-email", None],
        ]
    )
    refused = await _upload(platform, bad)
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"].endswith("/import-rejected")
    fields = {(error["field"], error["rule"]) for error in refused.json()["errors"]}
    assert {
        ("账号!C3", "unknown-unit"),
        ("账号!A4", "unique"),
        ("账号!D4", "role"),
        ("账号!E5", "string_pattern_mismatch"),
        ("账号!A5", "unique"),
    } <= fields, fields
    assert (await platform.client.get("/api/v1/accounts", params={"q": "hb-"})).json()["total"] == 0

    good = _xlsx(
        [
            ["hb-liaison", "王五", "汉滨区", "联络员", "ww@example.cn", "13700000000"],
            ["ns-reporter", "赵六", "宁陕县", "填报员、联络员", None, None],
        ]
    )
    imported = await _upload(platform, good)
    assert imported.status_code == 201, imported.text
    rows = {row["username"]: row for row in imported.json()["accounts"]}
    assert imported.json()["imported"] == 2 and set(rows) == {"hb-liaison", "ns-reporter"}
    signed = await sign_in(platform, "ns-reporter", rows["ns-reporter"]["initial_password"])
    assert signed.status_code == 200, signed.text
    me = await platform.client.get("/api/v1/auth/me", headers=bearer(signed.json()["access_token"]))
    assert me.json()["roles"] == ["reporter", "liaison"] or set(me.json()["roles"]) == {"reporter", "liaison"}
    assert len(await outbox_payloads(platform, "account-created", rows["hb-liaison"]["id"])) == 1


async def test_a_unit_admin_imports_only_its_own_units_and_grantable_roles(platform: Platform) -> None:
    unit_admin = await person(platform, ["unit-admin"], "紫阳县")
    content = _xlsx(
        [["zy-1", "甲", "紫阳县", "reporter", None, None], ["zy-2", "乙", "宁陕县", "office", None, None]]
    )
    refused = await _upload(platform, content, unit_admin.headers)
    assert refused.status_code == 422
    fields = {(error["field"], error["rule"]) for error in refused.json()["errors"]}
    assert {("账号!C3", "own-unit"), ("账号!D3", "not-grantable")} <= fields


async def test_the_export_downloads_the_accounts(platform: Platform) -> None:
    account = (await create(platform, ["reporter"], "平利县", display_name="平利填报员")).json()
    response = await platform.client.get("/api/v1/accounts/export.xlsx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("用户名", "姓名", "单位", "角色", "邮箱", "手机")
    assert (account["username"], "平利填报员", "平利县", "reporter") in {row[:4] for row in rows}


async def test_the_audit_lists_and_exports_what_happened_to_an_account(platform: Platform) -> None:
    account = (await create(platform, ["reporter"], "镇坪县")).json()
    assert (await sign_in(platform, account["username"], "wrong-password-1")).status_code == 401
    await sign_in(platform, account["username"], account["initial_password"])
    await platform.client.post(f"/api/v1/accounts/{account['id']}/password-reset")
    actions = await audit_actions(platform, account["id"])
    assert actions == ["password-reset", "sign-in", "sign-in-failed", "account-created"]
    only_failures = await platform.client.get(
        "/api/v1/accounts/audit", params={"action": "sign-in-failed", "since": "2000-01-01"}
    )
    assert all(entry["action"] == "sign-in-failed" for entry in only_failures.json()["items"])
    assert only_failures.json()["total"] >= 1
    none_yet = await platform.client.get("/api/v1/accounts/audit", params={"until": "2000-01-01"})
    assert none_yet.json()["total"] == 0
    exported = await platform.client.get("/api/v1/accounts/audit.xlsx", params={"account_id": account["id"]})
    assert exported.status_code == 200
    rows = list(load_workbook(BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == actions


async def test_the_operator_creates_resets_and_disables_accounts_from_the_command_line(
    platform: Platform,
) -> None:
    settings = platform.settings["projects-api"]
    created = await commands.create_account(
        settings, username="cli-reporter", display_name="命令行填报员", unit="汉滨区", roles=["reporter"]
    )
    signed = await sign_in(platform, "cli-reporter", created.password)
    assert signed.status_code == 200, signed.text
    token = signed.json()["access_token"]
    changed = await platform.client.post(
        "/api/v1/auth/password",
        json={"current_password": created.password, "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert changed.status_code == 204
    reset = await commands.reset_password(settings, "cli-reporter")
    assert (await sign_in(platform, "cli-reporter", reset.password)).status_code == 200
    await commands.disable(settings, "cli-reporter")
    assert (await sign_in(platform, "cli-reporter", reset.password)).status_code == 401
    assert (await outbox_payloads(platform, "account-disabled", str(created.account_id)))[-1][
        "active"
    ] is False


async def test_nobody_resets_their_own_password_and_a_missing_unit_is_a_404(platform: Platform) -> None:
    office = await person(platform, ["office"], None)
    own = await platform.client.post(
        f"/api/v1/accounts/{office.account_id}/password-reset", headers=office.headers
    )
    assert own.status_code == 403 and own.json()["errors"][0]["rule"] == "own-account"
    # nothing changed: the office's token still works, its password too
    assert (await platform.client.get("/api/v1/auth/me", headers=office.headers)).status_code == 200
    assert (await sign_in(platform, office.username, NEW_PASSWORD)).status_code == 200

    nowhere = await create(platform, ["reporter"], None, unit_id="7f2a5bdd-bf33-4931-a67b-1bf0a8323808")
    assert nowhere.status_code == 404 and nowhere.json()["errors"][0]["field"] == "unit_id"
    weak = await create(platform, ["reporter"], "汉滨区", initial_password="short")
    assert weak.status_code == 422 and weak.json()["type"] == "/problems/weak-password"


async def test_the_audit_reads_the_first_and_the_last_day_of_the_calendar(platform: Platform) -> None:
    # Shanghai midnight of 0001-01-01 is no UTC instant, and the day after 9999-12-31 is none: both were 500s
    edges = {"since": "0001-01-01", "until": "9999-12-31"}
    listed = await platform.client.get("/api/v1/accounts/audit", params=edges)
    assert listed.status_code == 200 and listed.json()["total"] >= 1, listed.text
    exported = await platform.client.get("/api/v1/accounts/audit.xlsx", params=edges)
    assert exported.status_code == 200 and exported.content.startswith(b"PK")
