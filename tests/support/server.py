"""A real polywire server process for end-to-end tests: `polywire serve` on a free port, keys made by the CLI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PolywireServer:
    """Starts, stops, kills and restarts `polywire serve`; talks to it over HTTP like any client."""

    def __init__(self, data_dir: Path, *, database_url: str | None = None, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            "POLYWIRE_DATA_DIR": str(data_dir),
            "POLYWIRE_ALLOW_PRIVATE_ENDPOINTS": "1",
            # Most test servers never gate a translation: they skip the gate's 2 s warm-up at start.
            "POLYWIRE_GATE_WARM_UP": "0",
            **(env or {}),
        }
        if database_url:
            self.env["POLYWIRE_DATABASE_URL"] = database_url
        self.process: subprocess.Popen[bytes] | None = None
        self.keys: dict[str, str] = {}  # role or organisation → API key, filled by fixtures
        self.log_path = data_dir / "server.log"
        self.http = httpx.Client(base_url=self.url, timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, check: bool = True, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            [sys.executable, "-m", "polywire.cli", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"polywire {' '.join(args)} failed: {result.stderr.decode()}")
        return result

    def create_key(self, role: str, name: str, *extra: str) -> str:
        output = self.cli("keys", "create", "--role", role, "--name", name, *extra).stdout.decode()
        return output.strip().splitlines()[-1]

    def with_standard_keys(self) -> PolywireServer:
        """Make the keys most tests use, through the CLI: an admin and publishers for Acme and Globex."""
        self.keys["admin"] = self.create_key("admin", "ops")
        self.keys["acme"] = self.create_key("publisher", "acme-press", "--org", "Acme")
        self.keys["globex"] = self.create_key("publisher", "globex-press", "--org", "Globex")
        return self

    def start(self) -> PolywireServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "polywire.cli", "serve", "--port", str(self.port), "--log-level", "warning"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"polywire serve exited early:\n{self.log_path.read_text()}")
            try:
                if self.http.get("/healthz").status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"polywire serve did not become ready:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill9(self) -> None:
        """Crash the server the hard way: no shutdown hooks, no flushing."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
        self.process = None

    def close(self) -> None:
        self.stop()
        self.http.close()

    def request(self, method: str, path: str, key: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return self.http.request(method, path, headers=headers, **kwargs)
