"""Sign-in and sessions (登录与会话) on the real platform: first-sign-in password change, the password policy,
lockout and its expiry, refresh rotation and reuse detection, revocation at the next request, service accounts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from integration.projects.accounts_support import NEW_PASSWORD, bearer, create, person, sign_in, unit_id
from integration.projects.conftest import Clocked

from gongjian_projects.identity import jobs as identity_jobs
from gongjian_projects.identity import service as identity_service
from support.platform import Platform


async def test_first_sign_in_requires_a_password_change_before_anything_else(platform: Platform) -> None:
    created = await create(platform, ["reporter"], "汉滨区")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["must_change_password"] is True and len(body["initial_password"]) >= 10
    shown_again = await platform.client.get(f"/api/v1/accounts/{body['id']}")
    assert "initial_password" not in shown_again.json()

    signed = await sign_in(platform, body["username"], body["initial_password"])
    assert signed.status_code == 200, signed.text
    first = bearer(signed.json()["access_token"])
    refused = await platform.client.get("/api/v1/projects", headers=first)
    assert refused.status_code == 403, refused.text
    assert refused.json()["type"].endswith("/password-change-required")
    me = await platform.client.get("/api/v1/auth/me", headers=first)
    assert me.status_code == 200 and me.json()["password_change_required"] is True

    changed = await platform.client.post(
        "/api/v1/auth/password",
        json={"current_password": body["initial_password"], "new_password": NEW_PASSWORD},
        headers=first,
    )
    assert changed.status_code == 204, changed.text
    # the token of the old password stops holding; the new password works everywhere
    assert (await platform.client.get("/api/v1/auth/me", headers=first)).status_code == 401
    assert (await sign_in(platform, body["username"], body["initial_password"])).status_code == 401
    again = await sign_in(platform, body["username"], NEW_PASSWORD)
    assert again.status_code == 200, again.text
    listed = await platform.client.get("/api/v1/projects", headers=bearer(again.json()["access_token"]))
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize(
    ("new_password", "rule"),
    [("short-1", "min-length"), ("password123", "common"), ("1q2w3e4r5t6y", "common"), (None, "username")],
)
async def test_weak_passwords_are_refused(platform: Platform, new_password: str | None, rule: str) -> None:
    created = (await create(platform, ["liaison"], "宁陕县")).json()
    token = (await sign_in(platform, created["username"], created["initial_password"])).json()["access_token"]
    weak = new_password or f"{created['username']}-Secure-2026"
    response = await platform.client.post(
        "/api/v1/auth/password",
        json={"current_password": created["initial_password"], "new_password": weak},
        headers=bearer(token),
    )
    assert response.status_code == 422, response.text
    assert response.json()["type"].endswith("/weak-password")
    assert rule in {error["rule"] for error in response.json()["errors"]}
    wrong_current = await platform.client.post(
        "/api/v1/auth/password",
        json={"current_password": "not-the-password", "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert wrong_current.status_code == 403  # the proof failed; not 401, which would end the session
    assert wrong_current.json()["errors"][0]["field"] == "current_password"


async def test_five_wrong_passwords_lock_the_username_for_fifteen_minutes(clocked: Clocked) -> None:
    platform = clocked.platform
    account = await person(platform, ["reporter"], "汉阴县")
    for _ in range(4):
        wrong = await sign_in(platform, account.username, "wrong-password-1")
        assert wrong.status_code == 401, wrong.text
    locked = await sign_in(platform, account.username, "wrong-password-1")
    assert locked.status_code == 429, locked.text
    assert locked.json()["type"].endswith("/sign-in-locked")
    assert 890 <= int(locked.headers["Retry-After"]) <= 900
    # while locked even the right password is refused, and an unknown username answers the same
    assert (await sign_in(platform, account.username, account.password)).status_code == 429
    for _ in range(5):
        ghost = await sign_in(platform, "nobody-at-all", "wrong-password-1")
    assert ghost.status_code == 429 and ghost.json()["type"] == locked.json()["type"]
    assert "Retry-After" in ghost.headers

    clocked.clock.advance(timedelta(minutes=14))
    assert (await sign_in(platform, account.username, account.password)).status_code == 429
    clocked.clock.advance(timedelta(minutes=1, seconds=1))
    unlocked = await sign_in(platform, account.username, account.password)
    assert unlocked.status_code == 200, unlocked.text

    await platform.login()
    audit = await platform.client.get(
        "/api/v1/accounts/audit", params={"account_id": account.account_id, "limit": 100}
    )
    actions = [entry["action"] for entry in audit.json()["items"]]
    assert actions.count("sign-in-failed") == 5 and "sign-in-locked" in actions and actions[0] == "sign-in"


async def test_one_address_is_limited_across_usernames(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(identity_service, "ADDRESS_FAILURE_LIMIT", 3)
    for name in ("ghost-a", "ghost-b"):
        assert (await sign_in(platform, name, "wrong-password-1")).status_code == 401
    assert (await sign_in(platform, "ghost-c", "wrong-password-1")).status_code == 429
    # the admin, from the same address, waits too
    assert (await sign_in(platform, "admin", "admin-test-password")).status_code == 429


async def test_an_unknown_username_answers_like_a_wrong_password_after_the_same_argon2_work(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = identity_service.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(identity_service, "verify_password", counting)
    account = (await create(platform, ["liaison"], "石泉县")).json()
    wrong = await sign_in(platform, account["username"], "wrong-password-1")
    unknown = await sign_in(platform, "no-such-user", "wrong-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() | {"instance": None} == unknown.json() | {"instance": None}
    assert len(calls) == 2
    # both were real argon2 verifications with the same parameters
    assert all(call.startswith("$argon2id$") for call in calls)
    assert calls[0].split("$")[3] == calls[1].split("$")[3]


async def test_refresh_rotates_and_a_reused_token_ends_the_whole_family(platform: Platform) -> None:
    account = await person(platform, ["reporter"], "紫阳县")
    first = account.refresh_token
    rotated = await platform.client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second and second != first
    me = await platform.client.get("/api/v1/auth/me", headers=bearer(rotated.json()["access_token"]))
    assert me.json()["username"] == account.username

    reused = await platform.client.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert reused.status_code == 401
    assert reused.json()["type"].endswith("/refresh-token-invalid")
    # the revocation committed although the answer was 401: the rotated token is dead too
    assert (
        await platform.client.post("/api/v1/auth/refresh", json={"refresh_token": second})
    ).status_code == 401
    audit = await platform.client.get("/api/v1/accounts/audit", params={"action": "refresh-token-reused"})
    assert [entry["account_id"] for entry in audit.json()["items"]] == [account.account_id]

    garbage = await platform.client.post("/api/v1/auth/refresh", json={"refresh_token": "not-a-token"})
    assert garbage.status_code == 401


async def test_logout_ends_the_session(platform: Platform) -> None:
    account = await person(platform, ["reporter"], "岚皋县")
    out = await platform.client.post(
        "/api/v1/auth/logout", json={"refresh_token": account.refresh_token}, headers=account.headers
    )
    assert out.status_code == 204, out.text
    refused = await platform.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refused.status_code == 401


async def _patch(platform: Platform, account_id: str, body: dict[str, Any]) -> Any:
    current = await platform.client.get(f"/api/v1/accounts/{account_id}")
    response = await platform.client.patch(
        f"/api/v1/accounts/{account_id}", json=body, headers={"If-Match": current.headers["ETag"]}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_disabled_account_is_refused_on_its_very_next_request(platform: Platform) -> None:
    account = await person(platform, ["reporter"], "平利县")
    assert (await platform.client.get("/api/v1/projects", headers=account.headers)).status_code == 200
    disabled = await _patch(platform, account.account_id, {"active": False})
    assert disabled["active"] is False
    refused = await platform.client.get("/api/v1/projects", headers=account.headers)
    assert refused.status_code == 401
    assert refused.json()["type"].endswith("/token-revoked")
    assert (await sign_in(platform, account.username, account.password)).status_code == 401
    refresh = await platform.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert refresh.status_code == 401


async def test_a_role_change_takes_effect_at_once(platform: Platform) -> None:
    account = await person(platform, ["reporter"], "镇坪县")
    await _patch(platform, account.account_id, {"roles": ["liaison"]})
    refused = await platform.client.get("/api/v1/auth/me", headers=account.headers)
    assert refused.status_code == 401 and refused.json()["type"].endswith("/token-revoked")
    again = await sign_in(platform, account.username, account.password)
    me = await platform.client.get("/api/v1/auth/me", headers=bearer(again.json()["access_token"]))
    assert me.json()["roles"] == ["liaison"]


async def test_a_password_reset_shows_a_new_one_time_password(platform: Platform) -> None:
    account = await person(platform, ["reporter"], "旬阳县")
    reset = await platform.client.post(f"/api/v1/accounts/{account.account_id}/password-reset")
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["initial_password"]
    assert (await platform.client.get("/api/v1/auth/me", headers=account.headers)).status_code == 401
    assert (await sign_in(platform, account.username, account.password)).status_code == 401
    token = (await sign_in(platform, account.username, one_time)).json()["access_token"]
    refused = await platform.client.get("/api/v1/projects", headers=bearer(token))
    assert refused.json()["type"].endswith("/password-change-required")


async def test_service_account_client_credentials_scopes_and_secret_rotation(platform: Platform) -> None:
    created = await platform.client.post(
        "/api/v1/service-accounts",
        json={"name": "provincial-db", "display_name": "省重点项目库对接", "scopes": ["projects:read"]},
    )
    assert created.status_code == 201, created.text
    client_id, secret = created.json()["client_id"], created.json()["client_secret"]
    listed = await platform.client.get("/api/v1/service-accounts")
    assert [item["username"] for item in listed.json()["items"]] == ["provincial-db"]
    assert "client_secret" not in listed.text

    async def client_token(client_secret: str) -> Any:
        return await platform.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret},
        )

    issued = await client_token(secret)
    assert issued.status_code == 200, issued.text
    assert issued.json()["refresh_token"] is None
    machine = bearer(issued.json()["access_token"])
    assert (await platform.client.get("/api/v1/projects", headers=machine)).status_code == 200
    refused = await platform.client.post(
        "/api/v1/projects", json={"name": "x"}, headers=machine | {"Content-Type": "application/json"}
    )
    assert refused.status_code == 403 and refused.json()["type"].endswith("/scope-missing")
    other = await platform.client.get("/api/v1/accounts", headers=machine)
    assert other.status_code == 403
    narrowed = await platform.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "progress:read",
        },
    )
    assert narrowed.status_code == 422 and narrowed.json()["errors"][0]["field"] == "scope"
    # a service account cannot sign in with the password form
    assert (await sign_in(platform, client_id, secret)).status_code == 401

    rotated = await platform.client.post(f"/api/v1/service-accounts/{created.json()['account']['id']}/secret")
    assert rotated.status_code == 200, rotated.text
    assert (await client_token(secret)).status_code == 401
    assert (await client_token(rotated.json()["client_secret"])).status_code == 200
    assert (await platform.client.get("/api/v1/projects", headers=machine)).status_code == 401

    unknown_scope = await platform.client.post(
        "/api/v1/service-accounts", json={"name": "tool", "display_name": "x", "scopes": ["everything"]}
    )
    assert unknown_scope.status_code == 422


async def test_unit_of_sign_in_needs_both_fields(platform: Platform) -> None:
    missing = await platform.client.post("/api/v1/auth/token", data={"username": "admin"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "password"
    assert await unit_id(platform, "汉滨区")


async def test_a_refresh_token_expires_and_stale_sign_in_records_are_purged(clocked: Clocked) -> None:
    platform = clocked.platform
    account = await person(platform, ["reporter"], "白河县")
    assert (await sign_in(platform, "someone-else", "wrong-password-1")).status_code == 401
    clocked.clock.advance(timedelta(days=14, seconds=1))
    expired = await platform.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}
    )
    assert expired.status_code == 401
    clocked.clock.advance(timedelta(days=1))
    counters, tokens = await identity_jobs.purge(platform.context("projects-api"))
    assert counters >= 2 and tokens >= 1
