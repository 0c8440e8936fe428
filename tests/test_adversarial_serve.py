"""Adversarial: ``skillsite serve`` against web pages and clients that misbehave.

A web page elsewhere can make its own host name resolve to 127.0.0.1 (DNS rebinding) and
then read the preview, drafts and all, as if it were its own: its requests name its own
host. And a client can open live-reload connections, or connections that send nothing,
without end. The preview answers only requests naming 127.0.0.1 or localhost (with its
port), and no connection holds one of its threads for good."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import article

# serve with its bounds shortened, so that the test sees them end
_SERVE = """
import sys
import skillsite.server as server
server._STREAM_SECONDS = 6.0
server._KEEPALIVE_SECONDS = 0.5
server._IDLE_SECONDS = 2.0
from skillsite.cli import main
sys.argv = ["skillsite", "serve", sys.argv[1], "--port", "0"]
main()
"""


class Served:
    def __init__(self, root: Path):
        self.process = subprocess.Popen([sys.executable, "-c", _SERVE, str(root)], stderr=subprocess.PIPE, text=True)
        log = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            log.append(line)
            match = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.port = int(match.group(1))
                threading.Thread(target=lambda: [None for _ in self.process.stderr], daemon=True).start()
                return
        raise AssertionError("serve did not start: " + "".join(log))

    def request(self, path: str, host: str | None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.putrequest("GET", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        try:
            return response.status, response.read()
        finally:
            connection.close()

    def threads(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"^Threads:\s+(\d+)", status, re.M).group(1))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def served(site):
    root = site({"content/jobs/a.md": article("Published"),
                 "content/jobs/wip.md": article("Secret draft plans", "Not for anyone's eyes yet.\n", draft="true")})
    server = Served(root)
    for _ in range(100):  # until the first build is served
        if server.request("/articles/wip/", f"127.0.0.1:{server.port}")[0] == 200:
            break
        time.sleep(0.1)
    yield server
    server.stop()


FOREIGN_HOSTS = ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}", "localhost.evil.example",
                 "127.0.0.2:{port}", "127.0.0.1:1", "localhost:{port}0", "[::1]:{port}", "0.0.0.0:{port}",
                 "127.0.0.1:{port}@evil.example", " evil.example", "", None]


def test_serve_answers_only_requests_naming_its_loopback_address(served):
    port = served.port
    for host in ("127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "127.0.0.1", "localhost"):
        status, body = served.request("/articles/wip/", host.format(port=port))
        assert status == 200 and b"Secret draft plans" in body, host
    for host in FOREIGN_HOSTS:
        for path in ("/articles/wip/", "/", "/_skillsite/events", "http://127.0.0.1/articles/wip/"):
            status, body = served.request(path, None if host is None else host.format(port=port))
            assert status == 421, (host, path, status)
            assert b"Secret" not in body and b"answers only at http://127.0.0.1:" in body


def _open_stream(port: int) -> socket.socket:
    """A live-reload connection, once the server has answered it (its headers read)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(f"GET /_skillsite/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    connection.recv(1)
    return connection


def _read_until_closed(connection: socket.socket, seconds: float) -> bytes:
    connection.settimeout(seconds)
    data = b""
    try:
        while chunk := connection.recv(4096):
            data += chunk
    except TimeoutError:
        data += b"<still open>"
    return data


def test_live_reload_connections_are_bounded_in_number_and_time(served):
    baseline = served.threads()
    streams = [_open_stream(served.port) for _ in range(40)]
    time.sleep(1.0)
    assert served.threads() <= baseline + 16 + 2  # the streams served at once, and a little slack
    # those over the limit were told to come back later and closed at once; the others end by
    # themselves (after _STREAM_SECONDS), telling the browser to reconnect
    answers = [_read_until_closed(stream, 10.0) for stream in streams]
    assert not any(b"<still open>" in data for data in answers)
    assert sum(b"retry: 5000" in data and b"data: " not in data for data in answers) == 40 - 16
    assert sum(b"retry: 1000" in data and b"data: " in data for data in answers) == 16
    for stream in streams:
        stream.close()
    time.sleep(0.5)
    assert served.threads() <= baseline + 1
    again = _open_stream(served.port)  # a slot is free again
    assert b"data: " in _read_until_closed(again, 10.0)
    again.close()


def test_connections_that_send_nothing_are_closed(served):
    baseline = served.threads()
    idle = [socket.create_connection(("127.0.0.1", served.port), timeout=10) for _ in range(40)]
    idle[0].sendall(b"GET /articles/a/ HTTP/1.1\r\nHost: 127.0.0.1")  # a request never finished
    time.sleep(0.5)
    assert served.threads() >= baseline + 5  # they do take a thread each, for now
    time.sleep(3.0)
    assert served.threads() <= baseline + 1
    assert all(b"<still open>" not in _read_until_closed(connection, 2.0) for connection in idle)
    for connection in idle:
        connection.close()
    status, body = served.request("/articles/a/", f"127.0.0.1:{served.port}")
    assert status == 200 and b"Published" in body
