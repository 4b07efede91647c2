"""Start and stop a throwaway CNCF Distribution registry for the tests.

The tests talk to the real server (Debian package ``docker-registry``) rather
than to a mock, so that header quirks, paging and delete semantics are the
ones users meet. Each :class:`RegistryServer` owns a temporary directory that
holds its config, its storage and its log.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

__all__ = [
    "RegistryServer",
    "RegistryUnavailableError",
    "find_registry_binary",
]

INSTALL_HINT = (
    "The CNCF Distribution registry is needed to run the tests but was not "
    "found on PATH (looked for 'docker-registry' and 'registry'). Install the "
    "Debian package: sudo apt-get install docker-registry"
)

_BINARY_NAMES = ("docker-registry", "registry")
_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 5.0
# A fixed secret keeps the registry from warning about a random one on every
# start, which would otherwise fill the log we show when something goes wrong.
_HTTP_SECRET = "tagyard-test-secret"


class RegistryUnavailableError(RuntimeError):
    """The registry binary is missing or the server did not come up."""


def find_registry_binary() -> str:
    """Return the path of the registry executable, or raise with an install hint."""
    for name in _BINARY_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise RegistryUnavailableError(INSTALL_HINT)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RegistryServer:
    """A registry process on ``127.0.0.1`` with filesystem storage in a temp dir.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    ``delete_enabled=False`` makes the registry refuse manifest deletes with
    405, as many production registries do.
    """

    def __init__(
        self,
        *,
        delete_enabled: bool = True,
        root: Path | None = None,
        login: tuple[str, str] | None = None,
    ):
        self.delete_enabled = delete_enabled
        self.login = login
        self._owned_tmp: tempfile.TemporaryDirectory[str] | None = None
        if root is None:
            self._owned_tmp = tempfile.TemporaryDirectory(prefix="tagyard-registry-")
            root = Path(self._owned_tmp.name)
        self.root = root
        self.storage_dir = root / "storage"
        self.config_path = root / "config.yml"
        self.log_path = root / "registry.log"
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``: the registry part of an image reference."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://{self.host}"

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def config_text(self) -> str:
        """The YAML the registry is started with (written by :meth:`start`)."""
        delete = "true" if self.delete_enabled else "false"
        # A JSON string is a valid YAML scalar, whatever the temp path holds.
        storage = json.dumps(str(self.storage_dir))
        # No blob descriptor cache: blobs removed by garbage_collect() must
        # answer 404 at once. No upload purging: nothing to purge in a
        # throwaway storage, and it would walk the storage in the background.
        return (
            "version: 0.1\n"
            "log:\n"
            "  level: warn\n"
            "  formatter: text\n"
            "  accesslog:\n"
            "    disabled: true\n"
            "storage:\n"
            "  filesystem:\n"
            f"    rootdirectory: {storage}\n"
            "  delete:\n"
            f"    enabled: {delete}\n"
            "  maintenance:\n"
            "    uploadpurging:\n"
            "      enabled: false\n"
            "http:\n"
            f"  addr: 127.0.0.1:{self.port}\n"
            f"  secret: {_HTTP_SECRET}\n" + self._auth_text()
        )

    def _auth_text(self) -> str:
        # With a login, the registry asks for HTTP Basic credentials checked
        # against an htpasswd file, which CNCF Distribution reads as bcrypt.
        if self.login is None:
            return ""
        import bcrypt

        user, password = self.login
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
        path = self.root / "htpasswd"
        path.write_text(f"{user}:{hashed}\n")
        return (
            "auth:\n"
            "  htpasswd:\n"
            "    realm: tagyard-tests\n"
            f"    path: {json.dumps(str(path))}\n"
        )

    def start(self) -> RegistryServer:
        """Start the server and wait until ``GET /v2/`` answers 200."""
        if self.running:
            return self
        binary = find_registry_binary()
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        # Another process may grab the free port between our probe and the
        # registry's bind; a fresh port on the next attempt settles that.
        last_error: RegistryUnavailableError | None = None
        for _attempt in range(3):
            if self.port == 0 or last_error is not None:
                self.port = _free_port()
            self.config_path.write_text(self.config_text(), encoding="utf-8")
            try:
                self._launch(binary)
                return self
            except RegistryUnavailableError as error:
                last_error = error
                if "address already in use" not in str(error):
                    break
        assert last_error is not None
        raise last_error

    def _launch(self, binary: str) -> None:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [binary, "serve", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + _START_TIMEOUT
        auth = httpx.BasicAuth(*self.login) if self.login else None
        with httpx.Client(timeout=1.0, auth=auth) as client:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    code = self._process.returncode
                    self._process = None
                    raise RegistryUnavailableError(
                        f"registry exited with status {code} while starting\n"
                        + self.log_tail()
                    )
                try:
                    if client.get(f"{self.url}/v2/").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        self.stop()
        raise RegistryUnavailableError(
            f"registry did not answer GET {self.url}/v2/ within "
            f"{_START_TIMEOUT:.0f}s\n" + self.log_tail()
        )

    def stop(self) -> None:
        """Stop the server: terminate, then kill if it does not exit in time."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=_STOP_TIMEOUT)

    def close(self) -> None:
        """Stop the server and remove its temporary directory, if it owns one."""
        self.stop()
        if self._owned_tmp is not None:
            self._owned_tmp.cleanup()
            self._owned_tmp = None

    def restart(self) -> None:
        """Stop and start again on the same port and storage."""
        self.stop()
        self.start()

    def garbage_collect(self, *, delete_untagged: bool = False) -> str:
        """Run ``garbage-collect`` on the storage and return its output.

        Safe while the server runs, as long as nothing is pushed meanwhile;
        removed blobs answer 404 at once. Only blobs that no manifest
        references go. With ``delete_untagged``, manifests that no tag points
        at go too, and distribution 2.8 counts the children of an index among
        them, so multi-platform images lose their platform manifests.
        """
        # On storage that never held a repository the collector fails with
        # "Path not found" instead of doing nothing.
        if not (self.storage_dir / "docker/registry/v2/repositories").is_dir():
            return ""
        binary = find_registry_binary()
        command = [binary, "garbage-collect", str(self.config_path)]
        if delete_untagged:
            command.append("--delete-untagged")
        result = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=60
        )
        if result.returncode != 0:
            raise RegistryUnavailableError(
                f"garbage-collect failed with status {result.returncode}\n"
                + result.stdout
                + result.stderr
            )
        return result.stdout + result.stderr

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the registry log, for error messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no registry log)"
        tail = text.splitlines()[-lines:]
        return "registry log tail:\n" + "\n".join(tail)

    def __enter__(self) -> RegistryServer:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
