"""The published event contract at the gateway: `/asyncapi.json` (the AsyncAPI 3.0 document) and `/asyncapi`
(the same as one server-rendered page, no script and no outside file, so it reads on an intranet)."""

from __future__ import annotations

import functools
import re
from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

from gongjian_shared.events.asyncapi import render_asyncapi

ASYNCAPI_JSON = "/asyncapi.json"
ASYNCAPI_PAGE = "/asyncapi"
COMPONENT_REF = "#/components/schemas/"

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h2{border-bottom:2px solid #b22;padding-bottom:.2em;margin-top:2em}
section.message{border:1px solid #ddd;border-radius:6px;padding:.2em 1em 1em;margin:1em 0}
table{border-collapse:collapse;width:100%;font-size:.92em}td,th{border:1px solid #ddd;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f4f4f4}code{background:#f4f4f4;padding:0 .2em}
nav a{margin-right:1em}
"""


@functools.cache
def asyncapi_document() -> dict[str, Any]:
    return render_asyncapi()


def install_event_contract(app: FastAPI) -> None:
    """Serve the AsyncAPI document and its page; both are public, like /openapi.json and /docs."""

    @app.get(ASYNCAPI_JSON, include_in_schema=False)
    async def asyncapi_json() -> JSONResponse:
        """The AsyncAPI 3.0 document of every topic and event (事件契约)."""
        return JSONResponse(asyncapi_document())

    @app.get(ASYNCAPI_PAGE, include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        """The event contract as a page."""
        return HTMLResponse(render_page(asyncapi_document()))


def type_of(schema: dict[str, Any]) -> str:
    """A short reading of a field's schema: `string (uuid)`, `integer | null`, `array of UnitContact`."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(COMPONENT_REF)
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(type_of(variant) for variant in schema[key])
    if "const" in schema:
        return f"<code>{escape(repr(schema['const']))}</code>"
    if "enum" in schema:
        return "one of " + ", ".join(f"<code>{escape(str(value))}</code>" for value in schema["enum"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    detail = schema.get("format") or schema.get("pattern")
    return escape(kind) + (f" <small>({escape(str(detail))})</small>" if detail else "")


def fields_table(schema: dict[str, Any]) -> str:
    required = set(schema.get("required", ()))
    rows = "".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{type_of(field)}</td>"
        f"<td>{'yes' if name in required else 'no'}</td>"
        f"<td>{escape(str(field.get('description', '')))}</td></tr>"
        for name, field in schema.get("properties", {}).items()
    )
    return (
        "<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>" + rows + "</table>"
    )


def prose(text: str) -> str:
    """Escaped text, with `backticks` as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def message_section(message_id: str, message: dict[str, Any], schemas: dict[str, Any]) -> str:
    headers = message["headers"]["properties"]
    payload_ref = message["payload"]["properties"]["payload"]
    payload = schemas[str(payload_ref["$ref"]).removeprefix(COMPONENT_REF)]
    return (
        f'<section class="message" id="message-{escape(message_id)}"><h3>{escape(message["title"])}</h3>'
        f"<p>{prose(message.get('summary', ''))}</p>"
        f"<p><code>ce_type</code> = <code>{escape(headers['ce_type']['const'])}</code>, "
        f"<code>ce_source</code> = <code>{escape(headers['ce_source']['const'])}</code>; "
        f"payload: {type_of(payload_ref)}</p>"
        + fields_table(payload)
        + "<details><summary>headers</summary>"
        + fields_table(message["headers"])
        + "</details>"
        "<details><summary>envelope</summary>" + fields_table(message["payload"]) + "</details>"
        "</section>"
    )


def render_page(document: dict[str, Any]) -> str:
    info, components = document["info"], document["components"]
    channels = []
    for name, channel in document["channels"].items():
        messages = [str(ref["$ref"]).rsplit("/", 1)[1] for ref in channel["messages"].values()]
        channels.append(
            f'<h2 id="channel-{escape(name)}">topic <code>{escape(channel["address"])}</code></h2>'
            f"<p>{prose(channel.get('description', ''))}</p>"
            + "".join(
                message_section(mid, components["messages"][mid], components["schemas"]) for mid in messages
            )
        )
    schemas = "".join(
        f'<section class="message" id="schema-{escape(name)}"><h3>{escape(name)}</h3>'
        f"<p>{escape(str(schema.get('description', '')))}</p>{fields_table(schema)}</section>"
        for name, schema in components["schemas"].items()
    )
    nav = "".join(
        f'<a href="#channel-{escape(name)}">{escape(channel["address"])}</a>'
        for name, channel in document["channels"].items()
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(info['title'])} (事件契约)</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(info['title'])} <small>AsyncAPI {escape(document['asyncapi'])}, "
        f"version {escape(info['version'])}</small></h1>"
        f'<nav>{nav}<a href="#schemas">payload schemas</a><a href="{ASYNCAPI_JSON}">asyncapi.json</a></nav>'
        f"<p>{prose(info['description'])}</p>" + "".join(channels) + '<h2 id="schemas">payload schemas</h2>'
        f"{schemas}</body></html>"
    )
