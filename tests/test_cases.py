"""The registry protocol cases, replayed against the client through MockTransport.

Each test keeps the right value a case names (a digest, a size, a URL) so that
the whole kind of fault stays fixed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from replay import Replay, load_cases, steps

from tui.registry import mediatypes as mt
from tui.registry.auth import parse_challenges
from tui.registry.client import RegistryClient
from tui.registry.credentials import Credentials, lookup_docker_credentials
from tui.registry.errors import (
    AuthenticationFailed,
    DeleteUnsupported,
    InvalidReference,
    NotFound,
    ProtocolError,
    RegistryUnreachable,
    RepositoryUnknown,
    ServerError,
)
from tui.registry.images import Inspector
from tui.registry.manifests import compute_digest, parse_manifest
from tui.registry.models import DeletePath, ImageIndex
from tui.registry.reference import parse_reference

CASES = load_cases()
REGISTRY = "registry.example.com"


def client(replay: Replay, host: str = REGISTRY, **kwargs: Any) -> RegistryClient:
    return RegistryClient(host, transport=replay.transport(), retry_delay=0.0, **kwargs)


def test_every_case_is_covered() -> None:
    covered = {
        "RC-01", "RC-02", "RC-06", "RC-07", "RC-10", "RC-11", "RC-12", "RC-15",
        "RC-17", "RC-21", "RC-22", "RC-25", "RC-26", "RC-27", "RC-29", "RC-32",
    }  # fmt: skip
    assert set(CASES) <= covered, f"cases without a test: {set(CASES) - covered}"


async def test_rc01_null_tags_and_name_unknown_mean_no_tags() -> None:
    first, ghost = steps(CASES["RC-01"])
    replay = Replay()
    url = "https://registry.example.com/v2/team/app/tags/list?n=1000"
    replay.add("GET", url, first["response"])
    replay.add("GET", url, ghost["response"])
    replay.add("GET", url, {"status": 200, "headers": {}, "body": '{"name":"x"}'})
    registry = client(replay)
    assert await registry.tags("team/app") == []
    with pytest.raises(RepositoryUnknown):
        await registry.tags("team/app")
    assert await registry.tags("team/app") == []
    # A repository listed by the catalog that answers NAME_UNKNOWN is empty.
    replay.add("GET", url, ghost["response"])
    assert await Inspector(registry).tagged_images("team/app", catalogued=True) == []
    assert all("manifests" not in str(r.url) for r in replay.sent)


async def test_rc02_link_pagination_keeps_encoding_and_follows_to_the_end() -> None:
    first, second, quay = steps(CASES["RC-02"])
    replay = Replay()
    replay.add(
        "GET", "https://registry.example.com/v2/_catalog?n=1000", first["response"]
    )
    replay.add("GET", second["request"]["url"], second["response"])
    registry = client(replay)
    assert await registry.repositories() == ["alpha", "beta/api", "beta/web", "gamma"]
    assert replay.sent[1].url.raw_path == b"/v2/_catalog?last=beta%2Fweb&n=3"

    replay = Replay()
    replay.add(
        "GET", "https://quay.io/v2/example-org/app/tags/list?n=1000", quay["response"]
    )
    cursor = (
        "https://quay.io/v2/example-org/app/tags/list"
        "?next_page=gAAAAABexampleOpaqueCursor%3D&n=50"
    )
    replay.add(
        "GET", cursor, {"status": 200, "headers": {}, "body": '{"tags":["v2.0"]}'}
    )
    registry = client(replay, "quay.io")
    assert await registry.tags("example-org/app") == ["v1.0", "v1.1", "v1.2", "v2.0"]
    assert replay.sent[1].url.raw_path.endswith(b"gAAAAABexampleOpaqueCursor%3D&n=50")


async def test_rc02_next_link_to_another_host_is_refused() -> None:
    replay = Replay()
    page = {
        "status": 200,
        "headers": {"Link": '<https://evil.example.net/v2/_catalog?n=2>; rel="next"'},
        "body": '{"repositories":["a"]}',
    }
    replay.add("GET", "https://registry.example.com/v2/_catalog?n=1000", page)
    registry = client(replay, credentials=Credentials("user", "secret"))
    with pytest.raises(ProtocolError, match="another host"):
        await registry.repositories()
    assert len(replay.sent) == 1


async def test_rc02_path_prefix_is_kept_on_absolute_path_links() -> None:
    replay = Replay()
    page = {
        "status": 200,
        "headers": {"Link": '</v2/_catalog?last=a&n=1>; rel="next"'},
        "body": '{"repositories":["a"]}',
    }
    replay.add("GET", "https://registry.example.com/mirror/v2/_catalog?n=1000", page)
    replay.add(
        "GET",
        "https://registry.example.com/mirror/v2/_catalog?last=a&n=1",
        {"status": 200, "headers": {}, "body": '{"repositories":["b"]}'},
    )
    registry = client(replay, base_path="/mirror")
    assert await registry.repositories() == ["a", "b"]


async def test_rc06_head_without_digest_falls_back_to_get_and_hash() -> None:
    head, get = steps(CASES["RC-06"])
    replay = Replay()
    replay.add_steps([head, get])
    digest = await client(replay).resolve("team/app", "1.0")
    assert digest == (
        "sha256:1a31947765b1a3d515722b1a6ce8fca47b190d9cee43361c6bc98614c4b41e68"
    )
    assert [r.method for r in replay.sent] == ["HEAD", "GET"]
    assert replay.sent[1].headers["accept"] == mt.ACCEPT_MANIFESTS


async def test_rc07_digest_and_size_come_from_the_exact_decoded_bytes() -> None:
    (step,) = steps(CASES["RC-07"])
    replay = Replay()
    replay.add_steps([step])
    manifest = await client(replay).manifest("team/app", "1.0")
    assert manifest.digest == (
        "sha256:d2913039d7c32b6fddf758cbcfd4e3e314f14f572c0d23b08905e1db77fe26e5"
    )
    assert len(manifest.raw) == 507
    assert replay.sent[0].headers["accept-encoding"] == "identity"
    reserialised = json.dumps(json.loads(manifest.raw)).encode()
    assert compute_digest(reserialised) != manifest.digest


async def test_rc07_announced_digest_that_does_not_match_is_refused() -> None:
    (step,) = steps(CASES["RC-07"])
    response = dict(step["response"])
    response["headers"] = {
        **response["headers"],
        "Docker-Content-Digest": "sha256:" + "0" * 64,
    }
    replay = Replay()
    replay.add("GET", step["request"]["url"], response)
    with pytest.raises(ProtocolError, match="announced"):
        await client(replay).manifest("team/app", "1.0")


async def test_rc10_second_delete_of_same_digest_counts_as_done() -> None:
    delete, _tags, again = steps(CASES["RC-10"])
    replay = Replay()
    replay.add_steps([delete, again])
    registry = client(replay)
    digest = delete["request"]["url"].rsplit("/", 1)[1]
    first = await registry.delete_manifest("team/app", digest)
    second = await registry.delete_manifest("team/app", digest)
    assert first.path is DeletePath.DIGEST_DELETE and first.note is None
    assert second.note == "it was already gone"


async def test_rc11_delete_disabled_is_explained_and_not_retried() -> None:
    (step,) = steps(CASES["RC-11"])
    replay = Replay()
    replay.add_steps([step])
    digest = step["request"]["url"].rsplit("/", 1)[1]
    with pytest.raises(DeleteUnsupported) as caught:
        await client(replay).delete_manifest("team/app", digest)
    assert "storage.delete.enabled" in str(caught.value)
    assert caught.value.status == 405 and caught.value.code == "UNSUPPORTED"
    assert len(replay.sent) == 1


async def test_rc12_tag_delete_refused_falls_back_to_a_placeholder() -> None:
    (step,) = steps(CASES["RC-12"])
    base = "https://registry.example.com/v2/team/app"
    digest = "sha256:" + "ab" * 32
    empty = compute_digest(b"{}")
    replay = Replay()
    ok = {"status": 200, "headers": {"Docker-Content-Digest": digest}, "body": ""}
    replay.add("HEAD", f"{base}/manifests/1.4", ok)
    replay.add_steps([step])
    replay.add(
        "HEAD", f"{base}/blobs/{empty}", {"status": 200, "headers": {}, "body": ""}
    )
    replay.add(
        "PUT", f"{base}/manifests/1.4", {"status": 201, "headers": {}, "body": ""}
    )
    outcome_holder: dict[str, str] = {}

    def placeholder_delete(request: httpx.Request) -> httpx.Response:
        outcome_holder["deleted"] = request.url.path.rsplit("/", 1)[1]
        return httpx.Response(202)

    registry = client(replay)
    transport = registry._http._http._transport  # the replay's MockTransport
    assert isinstance(transport, httpx.MockTransport)
    original = transport.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE" and "sha256:" in request.url.path:
            return placeholder_delete(request)
        return original(request)  # type: ignore[no-any-return]

    transport.handler = handler
    outcome = await registry.delete_tag("team/app", "1.4")
    assert outcome.path is DeletePath.PLACEHOLDER
    assert outcome.digest == digest and outcome.removed_tags == ("1.4",)
    put = next(r for r in replay.sent if r.method == "PUT")
    assert compute_digest(put.content) == outcome_holder["deleted"]
    assert outcome_holder["deleted"] != digest


def test_rc15_challenge_parsing_keeps_quoted_commas_and_finds_bearer() -> None:
    header = CASES["RC-15"]["response"]["headers"]["WWW-Authenticate"]
    (challenge,) = parse_challenges([header])
    assert challenge.scheme == "bearer"
    assert challenge.params["scope"] == "repository:team/app:pull,push"
    mixed = parse_challenges(
        ['Basic realm="r", Bearer realm="https://a/t",Service="s"']
    )
    assert [c.scheme for c in mixed] == ["basic", "bearer"]
    assert mixed[1].params == {"realm": "https://a/t", "service": "s"}
    escaped = parse_challenges([r'Bearer realm="https://a/t",scope="x\"y"'])
    assert escaped[0].params["scope"] == 'x"y'


async def test_rc15_token_request_carries_each_scope() -> None:
    (step,) = steps(CASES["RC-15"])
    replay = Replay()
    url = "https://registry.example.com/v2/team/app/tags/list?n=1000"
    replay.add("GET", url, step["response"])
    token_url = (
        "https://auth.example.com/token?service=registry.example.com"
        "&scope=repository%3Ateam%2Fapp%3Apull%2Cpush"
    )
    replay.add(
        "GET", token_url, {"status": 200, "headers": {}, "body": '{"token":"T1"}'}
    )
    replay.add("GET", url, {"status": 200, "headers": {}, "body": '{"tags":["a"]}'})
    registry = client(replay, credentials=Credentials("ci", "pw"))
    assert await registry.tags("team/app") == ["a"]
    token_request = replay.sent[1]
    assert token_request.headers["authorization"].startswith("Basic ")
    assert replay.sent[2].headers["authorization"] == "Bearer T1"

    # Harbor: several scopes separated by spaces become several parameters.
    harbor = (
        'Bearer realm="https://h/t",service="s",'
        'scope="repository:a:pull repository:b:pull"'
    )
    replay = Replay()
    replay.add(
        "GET", url, {"status": 401, "headers": {"WWW-Authenticate": harbor}, "body": ""}
    )
    replay.add(
        "GET",
        "https://h/t?service=s&scope=repository%3Aa%3Apull&scope=repository%3Ab%3Apull",
        {"status": 200, "headers": {}, "body": '{"access_token":"T2"}'},
    )
    replay.add("GET", url, {"status": 200, "headers": {}, "body": '{"tags":[]}'})
    assert await client(replay).tags("team/app") == []


async def test_rc17_token_fields_and_expiry() -> None:
    case = CASES["RC-17"]
    for step in steps(case):
        replay = Replay()
        url = "https://registry.example.com/v2/team/app/tags/list?n=1000"
        realm = str(httpx.URL(step["request"]["url"]).copy_with(query=None))
        challenge = (
            f'Bearer realm="{realm}",service="s",scope="repository:team/app:pull"'
        )
        replay.add(
            "GET",
            url,
            {"status": 401, "headers": {"WWW-Authenticate": challenge}, "body": ""},
        )
        replay.add(
            "GET",
            f"{realm}?service=s&scope=repository%3Ateam%2Fapp%3Apull",
            step["response"],
        )
        replay.add("GET", url, {"status": 200, "headers": {}, "body": '{"tags":["x"]}'})
        replay.add("GET", url, {"status": 200, "headers": {}, "body": '{"tags":["x"]}'})
        registry = client(replay)
        assert await registry.tags("team/app") == ["x"]
        expected = json.loads(step["response"]["body"])
        token = expected.get("token") or expected["access_token"]
        assert replay.sent[2].headers["authorization"] == f"Bearer {token}"
        # A second call reuses the token only while it is fresh: an issued_at
        # far in the past means the Harbor token has already expired.
        await registry.tags("team/app")
        reused = "authorization" in replay.sent[3].headers
        assert reused == ("issued_at" not in expected)


def test_rc21_docker_hub_names() -> None:
    for text in ("alpine:3.19", "docker.io/alpine:3.19", "index.docker.io/alpine:3.19",
                 "registry.hub.docker.com/library/alpine:3.19"):  # fmt: skip
        ref = parse_reference(text)
        assert (ref.api_host, ref.repository, ref.tag) == (
            "registry-1.docker.io",
            "library/alpine",
            "3.19",
        )
    assert parse_reference("registry.example.com/alpine").repository == "alpine"


async def test_rc21_hub_token_flow_uses_the_challenge() -> None:
    (step,) = steps(CASES["RC-21"])
    replay = Replay()
    replay.add_steps([step])
    replay.add(
        "GET",
        "https://auth.docker.io/token?service=registry.docker.io"
        "&scope=repository%3Alibrary%2Falpine%3Apull",
        {"status": 200, "headers": {}, "body": '{"token":"HUB"}'},
    )
    digest = "sha256:" + "cd" * 32
    replay.add(
        "HEAD",
        step["request"]["url"],
        {"status": 200, "headers": {"Docker-Content-Digest": digest}, "body": ""},
    )
    assert await client(replay, "docker.io").resolve("library/alpine", "3.19") == digest


def test_rc22_docker_config_credentials() -> None:
    document = json.loads(CASES["RC-22"]["response"]["body"])

    def find(host: str) -> Credentials | None:
        return lookup_docker_credentials(host, document=document).credentials

    hub = find("docker.io")
    assert hub is not None and (hub.username, hub.password) == ("hubuser", "pa:ss:word")
    local = find("registry.example.com:5000")
    assert local is not None and (local.username, local.password) == ("ci", "s3cret")
    assert find("registry.example.com") is None
    quay = find("quay.io")
    assert quay is not None and (quay.username, quay.password) == ("quser", "qpass")
    acr = find("acrexample.azurecr.io")
    assert acr is not None and acr.identity_token == "REFRESH-TOKEN-PLACEHOLDER"
    assert acr.password is None
    # ghcr.io's empty entry asks the desktop store, which is not installed here.
    ghcr = lookup_docker_credentials("ghcr.io", document=document)
    assert ghcr.credentials is None and "docker-credential-desktop" in (
        ghcr.warning or ""
    )
    ecr = lookup_docker_credentials(
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com", document=document
    )
    assert "docker-credential-ecr-login" in (ecr.warning or "")
    assert "SECRET" not in repr(Credentials("u", "SECRET", "TOKEN"))


async def test_rc22_identity_token_is_a_refresh_token() -> None:
    replay = Replay()
    url = "https://acrexample.azurecr.io/v2/team/app/tags/list?n=1000"
    challenge = (
        'Bearer realm="https://acrexample.azurecr.io/oauth2/token",'
        'service="acrexample.azurecr.io",scope="repository:team/app:pull"'
    )
    replay.add(
        "GET",
        url,
        {"status": 401, "headers": {"WWW-Authenticate": challenge}, "body": ""},
    )
    replay.add(
        "POST",
        "https://acrexample.azurecr.io/oauth2/token",
        {"status": 200, "headers": {}, "body": '{"access_token":"ACR"}'},
    )
    replay.add("GET", url, {"status": 200, "headers": {}, "body": '{"tags":["1"]}'})
    registry = client(
        replay, "acrexample.azurecr.io", credentials=Credentials(identity_token="RT")
    )
    assert await registry.tags("team/app") == ["1"]
    form = dict(httpx.QueryParams(replay.sent[1].content.decode()))
    assert form["grant_type"] == "refresh_token" and form["refresh_token"] == "RT"


async def test_rc25_html_error_pages_become_short_messages() -> None:
    (html_page, ecr) = steps(CASES["RC-25"])
    replay = Replay()
    for _ in range(3):
        replay.add("GET", html_page["request"]["url"], html_page["response"])
    with pytest.raises(ServerError) as caught:
        await client(replay).repositories()
    message = str(caught.value)
    assert "502 Bad Gateway" in message and "<" not in message
    assert len(replay.sent) == 3  # bounded retries of an idempotent GET

    replay = Replay()
    replay.add_steps([ecr])
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    digest = ecr["request"]["url"].rsplit("/", 1)[1]
    with pytest.raises(NotFound, match="does not serve this path"):
        await client(replay, host).delete_manifest("team/app", digest)
    assert len(replay.sent) == 1  # a DELETE is never retried


async def test_rc25_malformed_json_is_a_protocol_error() -> None:
    replay = Replay()
    replay.add(
        "GET",
        "https://registry.example.com/v2/_catalog?n=1000",
        {
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "body": "{oops",
        },
    )
    with pytest.raises(ProtocolError, match="not JSON"):
        await client(replay).repositories()


async def test_rc26_blob_redirect_drops_authorization() -> None:
    first, s3 = steps(CASES["RC-26"])
    replay = Replay()
    blob_url = first["request"]["url"]
    challenge = 'Bearer realm="https://registry.example.com/token",service="r"'
    replay.add(
        "GET",
        blob_url,
        {"status": 401, "headers": {"WWW-Authenticate": challenge}, "body": ""},
    )
    token = {"status": 200, "headers": {}, "body": '{"token":"REGISTRY-TOKEN"}'}
    replay.add("GET", "https://registry.example.com/token?service=r", token)
    replay.add("GET", blob_url, first["response"])
    replay.add(
        "GET", s3["request"]["url"], {"status": 200, "headers": {}, "body": "{}"}
    )
    registry = client(replay, credentials=Credentials("u", "p"))
    digest = blob_url.rsplit("/", 1)[1]
    assert await registry.blob("team/app", digest) == b"{}"
    to_storage = replay.sent[-1]
    assert to_storage.url.host.endswith("amazonaws.com")
    assert "authorization" not in to_storage.headers
    assert "authorization" in replay.sent[-2].headers


def test_rc27_attestations_are_not_platforms() -> None:
    response = CASES["RC-27"]["response"]
    raw = response["body"].encode()
    index = parse_manifest(
        raw, compute_digest(raw), response["headers"]["Content-Type"]
    )
    assert isinstance(index, ImageIndex)
    assert compute_digest(raw) == response["headers"]["Docker-Content-Digest"]
    assert [str(d.platform) for d in index.platform_entries] == [
        "linux/amd64",
        "linux/arm64",
    ]
    assert len(index.attestation_entries) == 2


async def test_rc29_index_size_dedupes_blobs_across_platforms() -> None:
    replay = Replay()
    for step in steps(CASES["RC-29"]):
        replay.add_steps([step])
    # The config blobs are not part of the case; a registry that lost them
    # still yields correct sizes.
    unknown = '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}'
    for config in (
        "15bb04d9cb3817ba57f751dc189c10dbd906b0587dcb4f252c95df1c4ba8c036",
        "1abfa0bb372b4c6bedfe943ff8d5ad1b1ee5a004abeb05c1a3cda9cb134fee2f",
    ):
        replay.add(
            "GET",
            f"https://registry.example.com/v2/team/app/blobs/sha256:{config}",
            {"status": 404, "headers": {}, "body": unknown},
        )
    inspector = Inspector(client(replay))
    image = await inspector.image("team/app", "2.0")
    assert image.size == 57_702_939
    assert [p.size for p in image.platforms] == [30_201_469, 28_701_470]
    assert image.size != 645
    assert image.warnings == ()


async def test_rc29_wrong_descriptor_size_in_an_index_is_reported() -> None:
    replay = Replay()
    index, amd64, arm64 = steps(CASES["RC-29"])
    wrong = json.loads(index["response"]["body"])
    wrong["manifests"][0]["size"] = 999
    raw = json.dumps(wrong)
    response = {**index["response"], "body": raw}
    response["headers"] = {
        **response["headers"],
        "Docker-Content-Digest": compute_digest(raw.encode()),
    }
    replay.add("GET", index["request"]["url"], response)
    replay.add_steps([amd64, arm64])
    unknown = '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}'
    for _ in range(2):
        for step in (amd64, arm64):
            config = json.loads(step["response"]["body"])["config"]["digest"]
            replay.add(
                "GET",
                f"https://registry.example.com/v2/team/app/blobs/{config}",
                {"status": 404, "headers": {}, "body": unknown},
            )
    image = await Inspector(client(replay)).image("team/app", "2.0")
    assert len(image.warnings) == 1 and "declares 999 bytes" in image.warnings[0]


def test_rc32_reference_grammar() -> None:
    ref = parse_reference("127.0.0.1:5000/img:tag")
    assert (ref.registry, ref.repository, ref.tag) == ("127.0.0.1:5000", "img", "tag")
    ipv6 = parse_reference("[fd00::5]:5000/team/app@sha256:" + "a" * 64)
    assert ipv6.registry == "[fd00::5]:5000" and ipv6.digest
    assert (
        parse_reference("Registry.Example.COM/team").registry == "registry.example.com"
    )
    assert parse_reference("localhost/app").registry == "localhost"
    for bad in ("fd00::5:5000/app", "host/Team/app", "app:-bad", "app@sha256:abc"):
        with pytest.raises(InvalidReference):
            parse_reference(bad)


async def test_rc32_tls_failure_suggests_plain_http() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number")

    registry = RegistryClient(
        "registry.example.com:5000", transport=httpx.MockTransport(refuse)
    )
    with pytest.raises(RegistryUnreachable) as caught:
        await registry.ping()
    assert "TLS" in str(caught.value) and "insecure" in str(caught.value)
    assert str(caught.value).count("https://registry.example.com:5000/v2/") == 1


async def test_credentials_never_reach_messages_or_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    replay = Replay()
    url = "https://registry.example.com/v2/_catalog?n=1000"
    basic = {
        "status": 401,
        "headers": {"WWW-Authenticate": 'Basic realm="r"'},
        "body": "",
    }
    replay.add("GET", url, basic)
    replay.add("GET", url, basic)
    caplog.set_level("DEBUG")
    registry = client(replay, credentials=Credentials("user", "hunter2"))
    with pytest.raises(AuthenticationFailed) as caught:
        await registry.repositories()
    encoded = base64.b64encode(b"user:hunter2").decode()
    assert replay.sent[1].headers["authorization"] == f"Basic {encoded}"
    for text in (str(caught.value), repr(caught.value), caplog.text):
        assert "hunter2" not in text and encoded not in text
