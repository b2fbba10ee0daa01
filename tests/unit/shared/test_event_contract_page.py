"""The gateway publishes the event contract: `/asyncapi.json` and a page at `/asyncapi` that needs no CDN."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import ASGIApp

from gongjian.gateway import Gateway
from gongjian.serve import build_health_gateway
from gongjian.services import SERVICES
from gongjian_shared.errors import PROBLEM_MEDIA_TYPE
from gongjian_shared.events.asyncapi import ASYNCAPI_PATH
from gongjian_shared.events.projects import ProjectRegistered


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    return Gateway({entry.name: entry.create_app(entry.settings_class()) for entry in SERVICES})


@pytest.fixture(scope="module")
def health_gateway() -> FastAPI:
    return build_health_gateway({"projects-api": "http://127.0.0.1:9"})


async def get(app: ASGIApp, path: str, method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        return await client.request(method, path)


@pytest.mark.parametrize("which", ["gateway", "health_gateway"])
async def test_the_document_is_served_without_a_token(which: str, request: pytest.FixtureRequest) -> None:
    response = await get(request.getfixturevalue(which), "/asyncapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("which", ["gateway", "health_gateway"])
async def test_the_page_lists_topics_messages_and_fields_from_the_platform_alone(
    which: str, request: pytest.FixtureRequest
) -> None:
    page = await get(request.getfixturevalue(which), "/asyncapi")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "http://" not in text and "https://" not in text and "cdn" not in text.lower()
    assert "<script" not in text and "<link" not in text
    document = json.loads(ASYNCAPI_PATH.read_text(encoding="utf-8"))
    for channel in document["channels"].values():
        assert f"<code>{channel['address']}</code>" in text
    for message in document["components"]["messages"].values():
        assert f"<h3>{message['title']}</h3>" in text
        assert message["headers"]["properties"]["ce_type"]["const"] in text
    for field in ProjectRegistered.model_fields:
        assert f"<code>{field}</code>" in text, field
    anchors = set(re.findall(r'id="([^"]+)"', text))
    links = set(re.findall(r'href="#([^"]+)"', text))
    assert links and links <= anchors, links - anchors


async def test_only_get_and_only_the_two_paths(gateway: Gateway) -> None:
    assert (await get(gateway, "/asyncapi.json", "POST")).status_code == 405
    missing = await get(gateway, "/asyncapi/project-registered")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM_MEDIA_TYPE
