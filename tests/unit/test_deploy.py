"""deploy/: the image, the compose file and the HTTP manifest hold together (checked by
reading them, as no container engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
HTTP_ONLY = {"url", "request_url", "redirect_urls", "socket_mode_enabled"}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if not line.startswith("#")
    ]


def test_compose_runs_two_http_replicas_on_postgresql_behind_one_port() -> None:
    services = compose()["services"]
    bots = {name: s for name, s in services.items() if name.startswith("serve-")}
    assert len(bots) == 2
    published = [port for s in services.values() for port in s.get("ports", [])]
    assert len(published) == 1 and "ports" in services["proxy"]
    for bot in bots.values():
        assert bot.get("command", ["servebot", "run", "--http"]) == ["servebot", "run", "--http"]
        assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        url = bot["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
    assert services["migrate"]["command"] == ["servebot", "db", "upgrade"]
    assert "healthcheck" in services["postgres"]


def test_the_proxy_shares_requests_between_both_replicas() -> None:
    bots = [name for name in compose()["services"] if name.startswith("serve-")]
    config = (DEPLOY / "nginx.conf").read_text()
    assert all(f"server {name}:3000" in config for name in bots)


def test_compose_holds_no_secret_only_interpolations() -> None:
    services = compose()["services"]
    for service in services.values():
        for name, value in (service.get("environment") or {}).items():
            if any(word in name for word in ("TOKEN", "SECRET", "PASSWORD")):
                assert re.fullmatch(r"\$\{[A-Z_]+(:\?[^}]*|:-)\}", str(value)), name
    text = (DEPLOY / "compose.yaml").read_text()
    assert not re.search(r"(xox[bpa]|xapp)-[0-9A-Za-z]", text)


def test_the_image_installs_the_package_as_the_readme_does_and_runs_unprivileged() -> None:
    steps = dockerfile()
    kinds = [kind for kind, _ in steps]
    assert re.match(r"python:3\.1[1-9]-slim", dict(steps)["FROM"])
    [install] = [args for kind, args in steps if kind == "RUN" and "pip install" in args]
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e ." in readme  # the README's install: this package, from its root
    assert re.search(r"pip install .*'\.\[postgres\]'", install)
    user = next(args for kind, args in steps if kind == "USER")
    assert user not in ("root", "0") and kinds.index("USER") < kinds.index("CMD")
    assert "/healthz" in dict(steps)["HEALTHCHECK"]
    assert dict(steps)["CMD"] == '["servebot", "run", "--http"]'


def strip_http(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_http(v) for k, v in value.items() if k not in HTTP_ONLY}
    if isinstance(value, list):
        return [strip_http(v) for v in value]
    return value


def test_the_http_manifest_is_the_socket_mode_one_with_request_urls() -> None:
    socket = yaml.safe_load((DEPLOY / "manifest.yml").read_text())
    http = yaml.safe_load((DEPLOY / "manifest-http.yml").read_text())

    assert strip_http(http) == strip_http(socket)
    assert http["settings"]["socket_mode_enabled"] is False
    urls = [
        http["settings"]["event_subscriptions"]["request_url"],
        http["settings"]["interactivity"]["request_url"],
        http["features"]["slash_commands"][0]["url"],
    ]
    assert all(url.endswith("/slack/events") for url in urls)
    assert http["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
