"""Loopback peers for benchmarks: a counting webhook receiver and a bare signing client, each in its own process.

The receiver (an aiohttp server, on uvloop when available) answers 204 to a POST on any path and counts what
arrives (GET /_bench/stats, GET /_bench/reset). The baseline client does what polywire's webhook channel does
without polywire around it (aiohttp session, connection limit, a Standard Webhooks signature per request): what it
achieves against the receiver is the raw loopback limit a benchmark compares polywire with, in the same run.
Everything listens and connects on 127.0.0.1 only, and every process started here is stopped on exit.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

HOST = "127.0.0.1"
STATS_PATH = "/_bench/stats"
RESET_PATH = "/_bench/reset"

# ---------------------------------------------------------------------------------------------------------------
# Process bookkeeping: everything we start is stopped on exit, normal or not.
# ---------------------------------------------------------------------------------------------------------------

_CHILDREN: list[subprocess.Popen[bytes]] = []


def spawn(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(list(args), **kwargs)
    _CHILDREN.append(process)
    return process


def stop(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    if process in _CHILDREN:
        _CHILDREN.remove(process)


def stop_all() -> None:
    for process in list(reversed(_CHILDREN)):
        stop(process, timeout=10)


def exit_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _install_uvloop() -> str:
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"


# ---------------------------------------------------------------------------------------------------------------
# Standard Webhooks signing, as polywire.deliver.signing does it (kept here so the baseline is self-contained).
# ---------------------------------------------------------------------------------------------------------------


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = sign(key, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
    return any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split())


# ---------------------------------------------------------------------------------------------------------------
# The receiver process
# ---------------------------------------------------------------------------------------------------------------


def receiver_main(port: int) -> None:
    """Answer 204 to every POST, count them; report on GET /_bench/stats. Prints its port when ready."""
    from aiohttp import web

    loop_name = _install_uvloop()

    class Counter:
        def __init__(self) -> None:
            self.reset()

        def reset(self) -> None:
            self.count = 0
            self.bytes = 0
            self.max_body = 0
            self.unsigned = 0
            self.first_at: float | None = None
            self.last_at: float | None = None
            self.paths: set[str] = set()
            self.arrivals: list[float] = []
            self.sample: dict[str, Any] | None = None

    counter = Counter()

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        now = time.time()
        counter.count += 1
        counter.bytes += len(body)
        counter.max_body = max(counter.max_body, len(body))
        counter.paths.add(request.path)
        if "webhook-signature" not in request.headers:
            counter.unsigned += 1
        if counter.first_at is None:
            counter.first_at = now
            counter.sample = {
                "path": request.path,
                "headers": {k.lower(): v for k, v in request.headers.items() if k.lower().startswith("webhook-")},
                "body": base64.b64encode(body).decode("ascii"),
            }
        counter.last_at = now
        counter.arrivals.append(now)
        return web.Response(status=204)

    async def stats(_request: web.Request) -> web.Response:
        arrivals = counter.arrivals  # appended in arrival order, so already sorted
        quantiles: dict[str, float] = {}
        if arrivals:
            quantiles = {f"p{q}": arrivals[min(len(arrivals) - 1, len(arrivals) * q // 100)] for q in (10, 50, 90)}
        return web.json_response(
            {
                "quantiles": quantiles,
                "count": counter.count,
                "bytes": counter.bytes,
                "max_body": counter.max_body,
                "unsigned": counter.unsigned,
                "distinct_paths": len(counter.paths),
                "first_at": counter.first_at,
                "last_at": counter.last_at,
                "sample": counter.sample,
                "loop": loop_name,
            }
        )

    async def reset(_request: web.Request) -> web.Response:
        counter.reset()
        return web.json_response({"ok": True})

    async def run() -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_get(STATS_PATH, stats)
        app.router.add_get(RESET_PATH, reset)
        app.router.add_post("/{tail:.*}", hook)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, HOST, port, backlog=4096, reuse_address=True)
        await site.start()
        print(f"ready {port} {loop_name}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # Bounded even if the parent dies without telling us.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=3600)
        await runner.cleanup()

    asyncio.run(run())


class ReceiverHandle:
    def __init__(self) -> None:
        self.port = free_port()
        self.process = spawn(
            [sys.executable, __file__, "_receiver", str(self.port)], stdout=subprocess.PIPE, stderr=None
        )
        assert self.process.stdout is not None
        line = _readline_with_timeout(self.process, timeout=30)
        if not line.startswith("ready"):
            raise RuntimeError(f"receiver did not start: {line!r}")
        self.loop = line.split()[2]
        self.http = httpx.Client(base_url=f"http://{HOST}:{self.port}", timeout=10, trust_env=False)

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def stats(self) -> dict[str, Any]:
        response = self.http.get(STATS_PATH)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def reset(self) -> None:
        self.http.get(RESET_PATH).raise_for_status()

    def wait_for(self, count: int, timeout: float, interval: float = 0.02) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if stats["count"] >= count:
                return stats
            if time.monotonic() > deadline:
                raise TimeoutError(f"receiver counted {stats['count']} of {count} webhooks within {timeout:.0f} s")
            time.sleep(interval)

    def close(self) -> None:
        self.http.close()
        stop(self.process)


def _readline_with_timeout(process: subprocess.Popen[bytes], timeout: float) -> str:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise TimeoutError(f"no answer from {process.args!r} within {timeout:.0f} s")
    return process.stdout.readline().decode().strip()


# ---------------------------------------------------------------------------------------------------------------
# The baseline client process: polywire's channel without polywire
# ---------------------------------------------------------------------------------------------------------------


def client_main(base_url: str, count: int, body_size: int, concurrency: int, timeout: float) -> None:
    """POST ``count`` signed copies concurrently, like WebhookChannel; print one JSON line with the timings."""
    import aiohttp

    loop_name = _install_uvloop()
    pad = max(0, body_size - len(b'{"type":"item.published","data":{"pad":""}}'))
    body = b'{"type":"item.published","data":{"pad":"' + b"x" * pad + b'"}}'
    keys = [os.urandom(32) for _ in range(64)]

    async def run() -> dict[str, Any]:
        connector = aiohttp.TCPConnector(limit=concurrency, use_dns_cache=False)
        slots = asyncio.Semaphore(concurrency)
        statuses: dict[str, int] = {}
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=timeout),
            trust_env=False,
            headers={"User-Agent": "polywire-bench/1"},
            auto_decompress=False,
        ) as session:

            async def one(i: int) -> None:
                msg_id = f"msg_bench{i:020d}"
                stamp = int(time.time())
                headers = {
                    "webhook-id": msg_id,
                    "webhook-timestamp": str(stamp),
                    "webhook-signature": sign(keys[i % len(keys)], msg_id, stamp, body),
                    "content-type": "application/json",
                }
                try:
                    async with (
                        slots,
                        session.post(
                            f"{base_url}/outlet/{i}", data=body, headers=headers, allow_redirects=False
                        ) as response,
                    ):
                        await response.content.read(4096)
                        key = str(response.status)
                except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                    key = type(exc).__name__
                statuses[key] = statuses.get(key, 0) + 1

            started = time.time()
            await asyncio.gather(*(one(i) for i in range(count)))
            finished = time.time()
        return {"started_at": started, "finished_at": finished, "statuses": statuses, "loop": loop_name}

    print(json.dumps(asyncio.run(run())), flush=True)


@dataclass
class Baseline:
    requests: int
    body_bytes: int
    concurrency: int
    seconds_client: float  # first request started → last response read, in the client
    seconds_to_first_arrival: float  # first request started → first request counted by the receiver
    seconds_to_p50_arrival: float
    seconds_to_last_arrival: float  # first request started → last request counted by the receiver
    requests_per_second: float  # requests / seconds_to_last_arrival
    statuses: dict[str, int]
    loop: str


def run_baseline(receiver: ReceiverHandle, count: int, body_size: int, concurrency: int, timeout: float) -> Baseline:
    receiver.reset()
    process = spawn(
        [
            sys.executable,
            __file__,
            "_client",
            f"http://{HOST}:{receiver.port}",
            str(count),
            str(body_size),
            str(concurrency),
            str(timeout),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        out, _ = process.communicate(timeout=timeout + 60)
    finally:
        stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"baseline client failed with exit code {process.returncode}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    stats = receiver.wait_for(count, timeout=10)
    to_arrival = stats["last_at"] - result["started_at"]
    return Baseline(
        requests=count,
        body_bytes=body_size,
        concurrency=concurrency,
        seconds_client=result["finished_at"] - result["started_at"],
        seconds_to_first_arrival=stats["first_at"] - result["started_at"],
        seconds_to_p50_arrival=stats["quantiles"]["p50"] - result["started_at"],
        seconds_to_last_arrival=to_arrival,
        requests_per_second=count / to_arrival,
        statuses=result["statuses"],
        loop=result["loop"],
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["_receiver"]:
        receiver_main(int(sys.argv[2]))
    elif sys.argv[1:2] == ["_client"]:
        _, _, url, n, size, limit, limit_timeout = sys.argv
        client_main(url, int(n), int(size), int(limit), float(limit_timeout))
    else:
        raise SystemExit("usage: loopback.py _receiver PORT | _client URL N SIZE LIMIT TIMEOUT")
