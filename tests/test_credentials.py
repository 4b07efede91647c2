"""Credentials against a real registry that asks for a login.

The password holds colons on purpose: docker's ``auth`` field must be split at
the first colon only. No test may find the password, or its base64 form, in
anything tagyard writes: output, errors, the journal.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from pathlib import Path

import httpx
import pytest
from clihelpers import run
from conftest import LOGIN
from registry_server import RegistryServer
from seed import OCI_CONFIG, OCI_LAYER, OCI_MANIFEST

from tui.registry.client import RegistryClient
from tui.registry.credentials import Credentials

USER, PASSWORD = LOGIN
ENCODED = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


@pytest.fixture
def pushed(registry_with_login: RegistryServer) -> str:
    """One image tagged 1.0 and latest in ``team/app``; returns the host.

    Pushed with tagyard's own client, so that Basic auth on PUT, POST and
    upload locations is exercised too.
    """
    host = registry_with_login.host
    config = json.dumps({"created": "2024-01-01T00:00:00Z", "os": "linux"}).encode()

    async def push() -> None:
        client = RegistryClient(host, credentials=Credentials(USER, PASSWORD))
        try:
            config_digest = await client.upload_blob("team/app", config)
            layer_digest = await client.upload_blob("team/app", b"layer")
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": OCI_MANIFEST,
                    "config": {
                        "mediaType": OCI_CONFIG,
                        "digest": config_digest,
                        "size": len(config),
                    },
                    "layers": [
                        {"mediaType": OCI_LAYER, "digest": layer_digest, "size": 5}
                    ],
                }
            ).encode()
            for tag in ("1.0", "latest"):
                await client.put_manifest("team/app", tag, OCI_MANIFEST, manifest)
        finally:
            await client.aclose()

    asyncio.run(push())
    return host


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text and ENCODED not in text


def test_no_credentials_gives_a_clear_401(
    pushed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["repos", pushed], capsys)
    assert code == 1 and "HTTP 401" in err and "docker login" in err


def test_docker_config_credentials_work_and_stay_secret(
    pushed: str, private_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docker = private_state / "docker"
    docker.mkdir()
    (docker / "config.json").write_text(
        json.dumps({"auths": {f"http://{pushed}/v2/": {"auth": ENCODED}}})
    )
    code, out, err = run(["repos", pushed, "--json", "-v"], capsys)
    assert code == 0, err
    assert json.loads(out) == ["team/app"]
    code, out, err = run(["rm", f"{pushed}/team/app:1.0", "--yes"], capsys)
    assert code == 0, err
    journal = (private_state / "state" / "tagyard" / "journal.jsonl").read_text()
    assert_no_secret(out, err, journal)


def test_config_file_password_env(
    pushed: str,
    private_state: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REGISTRY_PASSWORD", PASSWORD)
    (private_state / "config.toml").write_text(
        f'[registries."{pushed}"]\nusername = "{USER}"\n'
        'password_env = "REGISTRY_PASSWORD"\n'
    )
    code, out, err = run(["tags", f"{pushed}/team/app", "--json"], capsys)
    assert code == 0, err
    assert [row["tag"] for row in json.loads(out)] == ["1.0", "latest"]


def test_wrong_password_is_refused_without_showing_it(
    pushed: str, private_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = private_state / "config.toml"
    config.write_text(
        f'[registries."{pushed}"]\nusername = "{USER}"\npassword = "not-{PASSWORD}"\n'
    )
    config.chmod(0o600)
    code, _, err = run(["repos", pushed], capsys)
    assert code == 1 and "HTTP 401" in err
    assert f"not-{PASSWORD}" not in err


def test_config_with_a_password_must_be_private(
    pushed: str, private_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = private_state / "config.toml"
    config.write_text(f'[registries."{pushed}"]\nusername = "u"\npassword = "p"\n')
    config.chmod(0o644)
    code, _, err = run(["repos", pushed], capsys)
    assert code == 1 and "chmod 600" in err


def test_unknown_config_key_is_named(
    private_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (private_state / "config.toml").write_text(
        '[registries."r.example.com"]\nusername = "u"\npasword = "typo"\n'
    )
    code, _, err = run(["repos", "r.example.com"], capsys)
    assert code == 1 and "pasword" in err


def test_credentials_do_not_follow_a_redirect_to_another_host(
    pushed: str, private_state: Path
) -> None:
    """httpx drops Authorization on a cross-origin redirect; prove it end to end."""
    seen: list[httpx.Request] = []

    def storage(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"{}")

    real = httpx.AsyncHTTPTransport()

    class Redirecting(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "storage.example.net":
                return storage(request)
            response = await real.handle_async_request(request)
            if "/blobs/" in request.url.path and response.status_code == 200:
                await response.aread()
                return httpx.Response(
                    307, headers={"Location": "https://storage.example.net/blob?sig=x"}
                )
            return response

        async def aclose(self) -> None:
            await real.aclose()

    async def fetch() -> bytes:
        client = RegistryClient(
            pushed, credentials=Credentials(USER, PASSWORD), transport=Redirecting()
        )
        try:
            layer = "sha256:" + hashlib.sha256(b"layer").hexdigest()
            return await client.blob("team/app", layer)
        finally:
            await client.aclose()

    assert asyncio.run(fetch()) == b"{}"
    assert seen and "authorization" not in seen[0].headers
