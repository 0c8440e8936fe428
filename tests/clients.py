"""The real clients that judge the built pages: the Nu HTML checker, headless Chromium with
axe-core, and a local web server to show them the site.

Each is looked for where .ci/run installs it (npm packages in the repository's
node_modules/, Debian's chromium, Playwright from the dev extras). A test that cannot find
one is skipped with the reason, except under CI (the CI variable is set), where .ci/run has
installed everything and a missing client is a failure, never a silent skip.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
"""Headless Chromium as root, on a machine whose network reaches only package registries."""


def missing(reason: str):
    """Skip with ``reason`` locally; under CI, fail: .ci/run installs every client."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (.ci/run should have installed it)")
    pytest.skip(reason)


def vnu_command() -> list[str]:
    """``java -jar vnu.jar``: the jar from $VNU_JAR or the npm package vnu-jar."""
    jar = Path(os.environ.get("VNU_JAR") or NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar")
    java = shutil.which("java")
    if java is None:
        missing("Java is not installed, so the Nu HTML checker cannot run")
    if not jar.is_file():
        missing(f"the Nu HTML checker is not installed at {jar} (npm ci, or set VNU_JAR)")
    return [java, "-jar", str(jar)]


def axe_script() -> Path:
    """axe-core's axe.min.js from the npm package axe-core."""
    script = Path(os.environ.get("AXE_SCRIPT") or NODE_MODULES / "axe-core" / "axe.min.js")
    if not script.is_file():
        missing(f"axe-core is not installed at {script} (npm ci, or set AXE_SCRIPT)")
    return script


def chromium_path() -> str:
    """Debian's chromium (or $CHROMIUM)."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        missing("Chromium is not installed (apt-get install chromium)")
    return path


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 from a thread; yields the base URL ('http://127.0.0.1:N/')."""
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class ServeProcess:
    """``skillsite serve`` started by ``command`` (with ``--port 0``), once it says where it
    serves: ``url``; ``log``: every line it has written, read as they come."""

    def __init__(self, command: list[str], **popen):
        popen["env"] = {**popen.get("env", os.environ), "PYTHONFAULTHANDLER": "1"}  # stacks on SIGABRT (interrupt)
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, **popen)
        self.log: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            self.log.append(line)
            serving = re.fullmatch(r"Serving .+ on (http://127\.0\.0\.1:\d+/) \(drafts shown; Ctrl\+C to stop\)\n", line)
            if serving:
                self.url = serving[1]
                self._reader = threading.Thread(target=lambda: self.log.extend(self.process.stderr), daemon=True)
                self._reader.start()
                return
            if not line:
                break
        self.process.kill()
        raise AssertionError("serve did not start: " + "".join(self.log))

    def interrupt(self) -> int:
        """Ctrl+C, as serve's first line says; its exit code. Not stopped within 30 s: its
        threads' stacks (faulthandler, on SIGABRT) and its log, in the failure."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)
            self.process.wait(timeout=10)
            self._reader.join(timeout=10)
            raise AssertionError("serve did not stop on Ctrl+C within 30 s:\n" + "".join(self.log)) from None
        self._reader.join(timeout=10)
        return code

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
