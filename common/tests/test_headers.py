"""Security headers: an enforced Content-Security-Policy, private answers, no server banner."""

import re
import urllib.request
from pathlib import Path

import pytest
from knox.models import AuthToken

from common.testing import start_asgi_server, stop_process

ROOT = Path(__file__).resolve().parents[2]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


def test_an_anonymous_page_carries_an_enforced_csp_without_inline_script_or_eval(client):
    response = client.get("/")

    directives = _directives(response)
    assert "Content-Security-Policy-Report-Only" not in response
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_a_signed_in_page_carries_the_same_csp(client, seller):
    client.force_login(seller)

    response = client.get("/negotiations/")

    assert response.status_code == 200
    assert _directives(response)["script-src"] == ["'self'"]


def test_the_csp_lets_the_chat_socket_connect_to_our_own_hosts(client):
    connect_src = _directives(client.get("/"))["connect-src"]

    assert "'self'" in connect_src
    assert "ws://127.0.0.1:*" in connect_src


def test_only_the_api_docs_page_may_load_swagger_ui_from_its_cdn(client):
    docs = _directives(client.get("/api/docs/"))

    assert "https://cdn.jsdelivr.net" in docs["script-src"]
    assert "'unsafe-eval'" not in docs["script-src"]
    assert "'unsafe-inline'" not in docs["script-src"]


def test_no_template_has_an_inline_script_or_event_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    handler = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in (ROOT / "templates").rglob("*.html")
        if "emails" not in path.parts
        for match in [*inline.finditer(path.read_text()), *handler.finditer(path.read_text())]
    ]

    assert offenders == []


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_never_stored(client, seller):
    client.force_login(seller)

    response = client.get("/negotiations/")

    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


@pytest.mark.django_db
def test_anonymous_public_pages_may_be_cached(client):
    response = client.get("/")

    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_api_responses_are_private_and_never_stored(client, seller):
    _, token = AuthToken.objects.create(user=seller)

    refused = client.get("/api/v1/negotiations/")
    answered = client.get("/api/v1/negotiations/", HTTP_AUTHORIZATION=f"Token {token}")

    assert (refused.status_code, answered.status_code) == (401, 200)
    for response in (refused, answered):
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_the_asgi_server_names_no_server_software(tmp_path):
    # /healthz runs SELECT 1, which an empty SQLite file answers.
    process, url = start_asgi_server(
        database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}", log_path=tmp_path / "server.log"
    )
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
            headers = response.headers
    finally:
        stop_process(process)

    assert headers.get("Server") is None


@pytest.mark.parametrize(
    "path", ["Dockerfile", "scripts/run.sh", "scripts/smoke_production.sh", "common/testing.py"]
)
def test_every_uvicorn_command_line_hides_the_server_banner(path):
    text = (ROOT / path).read_text()

    assert "uvicorn" in text
    assert "--no-server-header" in text
