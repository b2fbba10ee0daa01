"""docker-compose.yml, the gateway's nginx config and the Dockerfile, checked without a Docker engine:
images and builds, environment names and values against the settings classes, ports, dependencies, and
where nginx sends every prefix each service owns."""

from __future__ import annotations

import os
import re
import shlex
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel

from gongjian.assembly import PlatformSettings
from gongjian.serve import nginx_upstream, render_gateway_routes
from gongjian.services import SERVICES, ServiceEntry, service
from gongjian_shared.auth import JWKS_PATH, generate_private_key_pem
from gongjian_shared.events.registry import STREAM_PRODUCERS
from gongjian_shared.service import routed_prefixes
from gongjian_shared.settings import BaseServiceSettings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"
NGINX = ROOT / "deploy" / "gateway" / "nginx.conf"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"

# What an operator exports before `docker compose up`; the values only have to be valid.
DEPLOY_VARIABLES = {
    "GONGJIAN_AUTH_SIGNING_KEY": generate_private_key_pem(),
    "GONGJIAN_POSTGRES_PASSWORD": "0123abcd" * 3,
    "GONGJIAN_ADMIN_PASSWORD": "admin-deploy-password",
}
SECRET_VARIABLES = set(DEPLOY_VARIABLES)
VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<modifier>:?[-?+][^}]*)?\}")
NGINX_IMAGE_FILES = {"/etc/nginx/mime.types"}
DEPENDENCY_CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


# --- reading the files -------------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def services() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose()["services"]
    return found


def interpolate(value: Any) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match["name"]
        assert name in DEPLOY_VARIABLES, f"docker-compose.yml uses an undocumented variable {name}"
        return DEPLOY_VARIABLES[name]

    return VARIABLE.sub(substitute, str(value))


def command(spec: dict[str, Any]) -> list[str]:
    raw = spec.get("command", [])
    return shlex.split(raw) if isinstance(raw, str) else [str(part) for part in raw]


def option(args: list[str], name: str) -> list[str]:
    return [args[index + 1] for index, arg in enumerate(args) if arg == name]


def gongjian_containers(action: str) -> dict[str, str]:
    """Container name -> the service it runs ("" when none), for `gongjian <action> [SERVICE]` containers."""
    found = {}
    for name, spec in services().items():
        args = command(spec)
        if args[:2] == ["gongjian", action]:
            found[name] = args[2] if len(args) > 2 and not args[2].startswith("-") else ""
    return found


def api_container(service_name: str) -> str:
    containers = [name for name, served in gongjian_containers("serve").items() if served == service_name]
    assert len(containers) == 1, f"{service_name}: expected one `gongjian serve` container, got {containers}"
    return containers[0]


def serve_port(container: str) -> int:
    return int(option(command(services()[container]), "--port")[0])


def env_names(model: type[BaseModel], prefix: str) -> Iterator[str]:
    """Every environment variable a settings model reads, with pydantic-settings' `__` nesting."""
    for field_name, field in model.model_fields.items():
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        nested = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if nested:
            yield from env_names(nested[0], f"{prefix}{field_name.upper()}__")
        else:
            yield f"{prefix}{field_name.upper()}"


def valid_env_names(entries: list[ServiceEntry], *, platform: bool = False) -> set[str]:
    names = {name for entry in entries for name in env_names(entry.settings_class, entry.env_prefix)}
    if platform:
        names |= set(env_names(PlatformSettings, "GONGJIAN_"))
    return names


def container_env(container: str) -> dict[str, str]:
    return {
        key: interpolate(value) for key, value in (services()[container].get("environment") or {}).items()
    }


def settings_in(container: str, entry: ServiceEntry) -> BaseServiceSettings:
    # Exactly the container's environment: nothing from the machine running the test leaks in.
    with mock.patch.dict(os.environ, container_env(container), clear=True):
        return entry.settings_class()


# nginx: a small parser for the subset the gateway uses (blocks, directives, include), and its location choice.


def nginx_tree(text: str, mounts: dict[str, Path]) -> list[tuple[str, list[str], Any]]:
    tokens = re.findall(r'"[^"]*"|[{};]|[^\s{};"]+', re.sub(r"#[^\n]*", "", text))
    position = 0

    def block() -> list[tuple[str, list[str], Any]]:
        nonlocal position
        directives: list[tuple[str, list[str], Any]] = []
        words: list[str] = []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                if words[0] == "include" and words[1] not in NGINX_IMAGE_FILES:
                    assert words[1] in mounts, f"nginx includes {words[1]}, which the gateway does not mount"
                    directives += nginx_tree(mounts[words[1]].read_text(encoding="utf-8"), mounts)
                else:
                    directives.append((words[0], words[1:], None))
                words = []
            elif token == "{":
                directives.append((words[0], words[1:], block()))
                words = []
            elif token == "}":
                return directives
            else:
                words.append(token)
        assert not words, f"nginx config ends inside a directive: {words}"
        return directives

    return block()


def children(tree: list[tuple[str, list[str], Any]], name: str) -> list[tuple[list[str], Any]]:
    return [(args, body) for directive, args, body in tree if directive == name]


def gateway_nginx() -> list[tuple[str, list[str], Any]]:
    """The config as the gateway container sees it, with its includes resolved through the mounts."""
    mounts = {}
    for volume in services()["gateway"]["volumes"]:
        source, target, *_ = volume.split(":")
        mounts[target] = (ROOT / source).resolve()
    assert mounts.get("/etc/nginx/nginx.conf") == NGINX
    return nginx_tree(NGINX.read_text(encoding="utf-8"), mounts)


def nginx_server(tree: list[tuple[str, list[str], Any]]) -> Any:
    (http,) = children(tree, "http")
    ((_, server),) = children(http[1], "server")
    return server


def nginx_upstreams(tree: list[tuple[str, list[str], Any]]) -> dict[str, list[str]]:
    (http,) = children(tree, "http")
    return {
        args[0]: [server[0][0] for server in children(body, "server")]
        for args, body in children(http[1], "upstream")
    }


def route(server: Any, path: str) -> str:
    """The upstream nginx proxies `path` to: `=` first, then the longest prefix (no regex is used)."""
    locations = children(server, "location")
    assert all(args[0] in ("=", "^~") or args[0].startswith("/") for args, _ in locations), "regex location"
    for args, body in locations:
        if args[0] == "=" and args[1] == path:
            return proxied(body)
    prefixes = [(args[-1], body) for args, body in locations if args[0] != "=" and path.startswith(args[-1])]
    assert prefixes, f"no nginx location for {path}"
    return proxied(max(prefixes, key=lambda item: len(item[0]))[1])


def proxied(body: Any) -> str:
    ((target,), _) = children(body, "proxy_pass")[0]
    assert target.startswith("http://")
    return str(target.removeprefix("http://"))


# --- docker-compose.yml --------------------------------------------------------------------------------------


def test_every_container_has_a_build_or_a_pinned_image() -> None:
    for name, spec in services().items():
        assert "build" in spec or "image" in spec, f"{name}: neither build nor image"
        if "build" in spec:
            context = ROOT / spec["build"]["context"]
            assert (context / spec["build"]["dockerfile"]).resolve() == DOCKERFILE, name
        else:
            image = spec["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: unpinned image {image}"


def test_every_service_has_its_api_container_and_every_producer_its_relay() -> None:
    names = {entry.name for entry in SERVICES}
    assert sorted(gongjian_containers("serve").values()) == sorted(names)
    assert sorted(gongjian_containers("relay").values()) == sorted(set(STREAM_PRODUCERS.values()))
    assert [command(spec) for spec in services().values()].count(["gongjian", "seed"]) == 1


def test_every_environment_name_is_one_the_settings_classes_read() -> None:
    for name, spec in services().items():
        args = command(spec)
        if args[:1] != ["gongjian"]:
            continue
        if args[1] in ("serve", "relay", "migrate-service"):
            allowed = valid_env_names([service(args[2])])
        elif args[1] in ("seed", "migrate"):
            allowed = valid_env_names(list(SERVICES), platform=True)
        else:
            allowed = set()
        unknown = set(spec.get("environment") or {}) - allowed
        assert not unknown, f"{name}: environment names no settings class reads: {sorted(unknown)}"


def test_api_containers_are_configured_for_kafka_with_the_relay_in_its_own_container() -> None:
    postgres = container_env("postgres")
    for container, service_name in gongjian_containers("serve").items():
        settings = settings_in(container, service(service_name))
        assert settings.environment == "production", container
        assert settings.bus.kind == "kafka", container
        assert settings.bus.run_relay is False, f"{container}: its relay container publishes the outbox"
        assert settings.bus.run_consumers is True, container
        assert settings.kafka.bootstrap == "kafka:9092", container
        url = urlsplit(settings.database.url.get_secret_value())
        assert (url.hostname, url.port, url.path) == ("postgres", 5432, "/" + postgres["POSTGRES_DB"])
        assert (url.username, url.password) == (postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])


def test_relay_containers_publish_to_the_broker_the_compose_file_starts() -> None:
    kafka = container_env("kafka")
    assert "PLAINTEXT://kafka:9092" in kafka["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
    for container, service_name in gongjian_containers("relay").items():
        settings = settings_in(container, service(service_name))
        assert settings.bus.kind == "kafka", container
        assert settings.kafka.bootstrap == "kafka:9092", container
        assert urlsplit(settings.database.url.get_secret_value()).hostname == "postgres", container


def test_bootstrap_gives_every_service_its_own_database_url() -> None:
    env = container_env("bootstrap")
    with mock.patch.dict(os.environ, env, clear=True):
        platform = PlatformSettings()
    assert platform.environment == "production"
    assert platform.admin_password is not None
    for entry in SERVICES:
        # With every {PREFIX}DATABASE__URL set, `gongjian seed` starts no embedded server.
        assert urlsplit(env[f"{entry.env_prefix}DATABASE__URL"]).hostname == "postgres", entry.name


def test_only_projects_api_holds_the_signing_key_and_the_others_fetch_its_jwks() -> None:
    raw = COMPOSE.read_text(encoding="utf-8")
    for match in VARIABLE.finditer(raw):
        if match["name"] in SECRET_VARIABLES:
            assert (match["modifier"] or "").startswith(":?"), f"{match[0]} must be required, with no default"
    holders = {
        name: value
        for name, spec in services().items()
        for key, value in (spec.get("environment") or {}).items()
        if key.endswith("AUTH__SIGNING_KEYS")
    }
    assert list(holders) == [api_container("projects-api")], "only projects-api may hold the private key"
    assert VARIABLE.fullmatch(next(iter(holders.values())))
    signer = api_container("projects-api")
    jwks_url = f"http://{signer}:{serve_port(signer)}{JWKS_PATH}"
    for container, service_name in gongjian_containers("serve").items():
        auth = settings_in(container, service(service_name)).auth
        assert auth.key_problem("production") is None, container
        if service_name == "projects-api":
            assert auth.sign and len(auth.signing_keys) == 1, container
        else:
            assert not auth.sign and not auth.signing_keys, container
            assert auth.jwks_url == jwks_url, container
    # the JWKS is public through the gateway too
    assert JWKS_PATH.startswith(tuple(routed_prefixes(service("projects-api").spec)))


def test_dependencies_exist_and_wait_for_what_they_need() -> None:
    all_services = services()
    for name, spec in all_services.items():
        for target, condition in (spec.get("depends_on") or {}).items():
            assert target in all_services, f"{name} depends on a missing service {target}"
            assert condition["condition"] in DEPENDENCY_CONDITIONS, name
            if condition["condition"] == "service_healthy":
                assert has_healthcheck(all_services[target]), f"{name} waits for {target}, which has none"
    for name in [*gongjian_containers("serve"), *gongjian_containers("relay")]:
        needs = {target: c["condition"] for target, c in all_services[name]["depends_on"].items()}
        assert needs == {
            "postgres": "service_healthy",
            "kafka": "service_healthy",
            "bootstrap": "service_completed_successfully",
        }, name
    assert all_services["bootstrap"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert all_services["bootstrap"]["restart"] == "no"
    assert_acyclic(all_services)


def has_healthcheck(spec: dict[str, Any]) -> bool:
    healthcheck = spec.get("healthcheck") or {}
    if healthcheck.get("disable"):
        return False
    return "test" in healthcheck or "build" in spec  # the Dockerfile's HEALTHCHECK


def assert_acyclic(all_services: dict[str, dict[str, Any]]) -> None:
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"dependency cycle: {' -> '.join((*path, name))}"
        if name not in done:
            for target in all_services[name].get("depends_on") or {}:
                visit(target, (*path, name))
            done.add(name)

    for name in all_services:
        visit(name, ())


def test_only_the_gateway_publishes_a_port_and_it_is_8000() -> None:
    published = {name: spec["ports"] for name, spec in services().items() if spec.get("ports")}
    assert published == {"gateway": ["127.0.0.1:8000:8000"]}
    (listen,) = children(nginx_server(gateway_nginx()), "listen")
    assert listen[0] == ["8000"]
    healthcheck = re.search(r"http://127\.0\.0\.1:(\d+)/readyz", DOCKERFILE.read_text(encoding="utf-8"))
    assert healthcheck is not None
    for container in [*gongjian_containers("serve"), *gongjian_containers("health-gateway")]:
        assert serve_port(container) == int(healthcheck[1]), f"{container}: the image probes another port"
        assert option(command(services()[container]), "--host") == ["0.0.0.0"], container


# --- the gateway ---------------------------------------------------------------------------------------------


def test_nginx_routes_every_prefix_of_every_service_to_its_container() -> None:
    tree = gateway_nginx()
    server = nginx_server(tree)
    upstreams = nginx_upstreams(tree)
    for entry in SERVICES:
        container = api_container(entry.name)
        upstream = nginx_upstream(entry.name)
        assert upstreams[upstream] == [f"{container}:{serve_port(container)}"], entry.name
        for prefix in routed_prefixes(entry.spec):
            for path in (prefix, f"{prefix}/", f"{prefix}/00000000-0000-0000-0000-000000000000/sub"):
                assert route(server, path) == upstream, f"{path} should go to {entry.name}"
            assert route(server, prefix + "x") != upstream, f"{prefix}x is not {entry.name}'s"


def test_nginx_sends_healthz_and_the_docs_index_to_the_health_gateway() -> None:
    tree = gateway_nginx()
    server = nginx_server(tree)
    (container,) = gongjian_containers("health-gateway")
    upstream = nginx_upstreams(tree)[route(server, "/healthz")]
    assert upstream == [f"{container}:{serve_port(container)}"]
    assert route(server, "/docs") == route(server, "/healthz") == route(server, "/")
    upstreams = dict(item.split("=", 1) for item in option(command(services()[container]), "--upstream"))
    assert upstreams == {
        entry.name: f"http://{api_container(entry.name)}:{serve_port(api_container(entry.name))}"
        for entry in SERVICES
    }


def test_generated_routes_are_current() -> None:
    routes = ROOT / "deploy" / "gateway" / "routes.conf"
    assert routes.read_text(encoding="utf-8") == render_gateway_routes(), (
        "a service's prefixes changed: run `.venv/bin/gongjian gateway-routes > deploy/gateway/routes.conf`"
    )


# --- probes --------------------------------------------------------------------------------------------------


def test_containers_without_http_do_not_inherit_the_readiness_probe() -> None:
    silent = [*gongjian_containers("relay"), *gongjian_containers("seed")]
    assert len(silent) == len(set(STREAM_PRODUCERS.values())) + 1
    for container in silent:
        assert services()[container]["healthcheck"] == {"disable": True}, container
