"""The gateway serves a built web console at / with history-mode fallback, and the API stays the API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gongjian.gateway import Gateway
from gongjian.services import SERVICES
from gongjian.web import built_console

INDEX = '<!doctype html><html lang="zh-CN"><body><div id="app"></div></body></html>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "web-assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "web-assets" / "index-abc123.js").write_text("console.log('攻坚')")
    (tmp_path / "favicon.ico").write_bytes(b"\0\1")
    return tmp_path


def _gateway(dist: Path | None) -> Gateway:
    apps = {entry.name: entry.create_app(entry.settings_class()) for entry in SERVICES}
    return Gateway(apps, built_console(dist))


async def _get(gateway: Gateway, path: str, method: str = "GET") -> httpx.Response:
    transport = httpx.ASGITransport(app=gateway)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        return await client.request(method, path)


async def test_the_console_answers_its_routes_with_index_html(dist: Path) -> None:
    gateway = _gateway(dist)
    for path in ("/", "/login", "/projects/5f0c/report", "/accounts?q=hb"):
        response = await _get(gateway, path)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["cache-control"] == "no-cache"
    asset = await _get(gateway, "/web-assets/index-abc123.js")
    assert asset.text == "console.log('攻坚')"
    assert "immutable" in asset.headers["cache-control"]
    assert (await _get(gateway, "/favicon.ico")).content == b"\0\1"


async def test_a_missing_asset_and_a_path_outside_the_build_are_not_index_html(dist: Path) -> None:
    gateway = _gateway(dist)
    assert (await _get(gateway, "/web-assets/gone-000.js")).status_code == 404
    escaped = await _get(gateway, "/web-assets/../../etc/passwd")
    assert "root:" not in escaped.text


async def test_the_api_and_the_docs_stay_theirs(dist: Path) -> None:
    gateway = _gateway(dist)
    unknown = await _get(gateway, "/api/v1/no-such-thing")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert (await _get(gateway, "/api/nothing")).status_code == 404
    assert (await _get(gateway, "/openapi/projects-api.json")).json()["info"]["title"]
    assert "swagger" in (await _get(gateway, "/docs")).text.lower()
    assert (await _get(gateway, "/openapi.json")).json()["info"]["title"]
    # the event contract (AsyncAPI) stays the gateway's too
    assert (await _get(gateway, "/asyncapi.json")).json()["asyncapi"].startswith("3.")
    assert (await _get(gateway, "/asyncapi")).text != INDEX
    posted = await _get(gateway, "/login", method="POST")
    assert posted.status_code in (404, 405)
    assert posted.text != INDEX


async def test_without_a_build_the_gateway_serves_the_api_only(tmp_path: Path) -> None:
    assert built_console(tmp_path) is None
    assert built_console(None) is None
    gateway = _gateway(None)
    root = await _get(gateway, "/")
    assert root.json()["openapi"] == "/openapi.json"
    assert (await _get(gateway, "/login")).status_code == 404
