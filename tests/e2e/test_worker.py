"""`polywire worker`: extra delivery runners in their own processes share the outbox with the server's own,
through leases, so every copy goes out exactly once per delivery however many runners there are."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_delivery_support import all_in_state, embargo_in, submit, subscribe, wait_for_report
from tests.support.receiver import Receiver
from tests.support.server import PolywireServer


@pytest.fixture
def workers(server: PolywireServer) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    log = Path(server.data_dir) / "workers.log"
    with log.open("ab") as out:
        for _ in range(2):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "polywire.cli", "worker"], env=server.env, stdout=out, stderr=out
                )
            )
    # Ready means migrated, signal handlers installed and looping: each worker says so once.
    deadline = time.monotonic() + 30
    while log.read_text().count("polywire worker delivering") < len(started):
        for process in started:
            assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"workers did not become ready:\n{log.read_text()}"
        time.sleep(0.05)
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_three_runners_deliver_each_copy_once(
    server: PolywireServer, receiver: Receiver, workers: list[subprocess.Popen[bytes]]
) -> None:
    """With the server and two workers running, an embargoed release to 40 outlets reaches each exactly once."""
    outlets = [subscribe(receiver, server, f"/w/{i}") for i in range(40)]
    release = submit(server, embargo=embargo_in(2.5))
    arrived = receiver.wait_for(40, timeout=15)
    time.sleep(1.0)  # a duplicate, if any runner sent one, would arrive now
    per_path = Counter(hook.path for hook in receiver.received)
    assert per_path == {outlet.path: 1 for outlet in outlets}
    assert len({hook.headers["webhook-id"] for hook in arrived}) == 40
    final = wait_for_report(server, release["id"], all_in_state("delivered", 40), timeout=10)
    assert all(item["attempts"] == 1 for item in final["items"])


def test_a_worker_stops_cleanly_on_sigterm(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM lets a worker finish what it has in flight and exit with status 0."""
    worker = workers[0]
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0
