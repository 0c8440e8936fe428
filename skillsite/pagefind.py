"""Pagefind, driven as a service: pages in, the files of their search index out.

Pagefind's ``--service`` mode takes requests on its standard input and answers on its
standard output (each message is base64-encoded JSON, followed by a comma): make an
index, add an HTML page, get the index's files. skillsite talks to it directly rather
than through the ``pagefind`` package's ``PagefindIndex``: that client polls for answers
every 100 ms, one answer per poll (an index of 500 pages would wait 50 s for them), and
reads an index's files through a 2 MB pipe buffer its own documentation warns can
deadlock. Here the requests are written all at once and the answers read as they come,
by a thread, so neither side ever waits for the other's pipe.

Pages are numbered in the order they are added, so an index is a function of its pages
(the command line's ``--site`` numbers them in the order the file system lists them).
Nothing is written to disk: the files come back as bytes.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

BINARY_VARIABLE = "PAGEFIND_BINARY_PATH"
"""An environment variable naming the binary to use, as Pagefind's own wrapper reads it."""
CHUNK_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
"""How many word positions Pagefind puts into one chunk of its word index (default 20,000).
Pagefind reads it from the environment only; test_search_format.py pins that it still does."""
TIMEOUT_SECONDS = 600
"""The longest one index may take (a hung Pagefind never hangs the build)."""
INSTALL_HINT = "install it with: pip install 'pagefind[extended]' (or set PAGEFIND_BINARY_PATH to the binary)"


class PagefindFailed(Exception):
    """Pagefind is missing, could not run, or refused a request; the message says which."""


def find_binary() -> Path | None:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one the ``pagefind[extended]``
    or ``pagefind[bin]`` package ships, else ``pagefind_extended`` or ``pagefind`` on PATH."""
    named = os.environ.get(BINARY_VARIABLE)
    if named:
        return Path(named)
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            shipped = __import__(module).get_executable()
        except (ImportError, AttributeError, OSError):
            continue
        if shipped:
            return Path(shipped)
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


def binary_identity() -> str:
    """What the index depends on of the binary: its path, size and modification time
    (another version is another file), or why there is none."""
    binary = find_binary()
    if binary is None:
        return "missing: the Pagefind binary was not found"
    try:
        status = binary.stat()
    except OSError:
        return f"missing: the Pagefind binary was not found at {binary}"
    return f"{binary}:{status.st_size}:{status.st_mtime_ns}"


def index_pages(pages: Sequence[tuple[str, str]], language: str | None = None,
                chunk_size: int | None = None) -> dict[str, bytes]:
    """The files of a Pagefind index of ``pages`` ((URL, HTML), numbered in this order),
    by path inside the bundle. ``language`` forces the index's language (its word
    segmentation and stemming) whatever the pages' ``lang``; ``chunk_size``: word positions
    per chunk of the word index. No pages: Pagefind's scripts alone. Raises PagefindFailed."""
    binary = find_binary()
    if binary is None or not binary.is_file():
        raise PagefindFailed(f"the Pagefind binary was not found{f' at {binary}' if binary else ''}")
    env = {**os.environ, "NO_COLOR": "1"}
    if chunk_size:
        env[CHUNK_VARIABLE] = str(chunk_size)
    with _Service(binary, env) as service:
        index = service.ask({"type": "NewIndex", "config": {"force_language": language} if language else None})
        index_id = index["index_id"]
        service.ask_all({"type": "AddFile", "index_id": index_id, "file_path": None, "url": url, "file_contents": html}
                        for url, html in pages)
        files = service.ask({"type": "GetFiles", "index_id": index_id})["files"]
    return {file["path"]: base64.b64decode(file["content"]) for file in files}


class _Service:
    """One ``pagefind --service`` process: requests written, answers read by a thread."""

    def __init__(self, binary: Path, env: dict[str, str]):
        self._deadline = time.monotonic() + TIMEOUT_SECONDS
        self._errors = tempfile.TemporaryFile()  # a file, not a pipe: its log can never block it
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors, env=env)
        except OSError as exc:
            self._errors.close()
            raise PagefindFailed(f"Pagefind ({binary}) could not run: {exc}") from None
        self._answers: queue.Queue = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._process.stdin.close()  # Pagefind ends when its input does
        except OSError:
            pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._errors.close()

    def ask(self, payload: dict) -> dict:
        return self.ask_all([payload])[-1]

    def ask_all(self, payloads) -> list[dict]:
        """Send every request, then wait for every answer (in the order sent)."""
        sent = []
        try:
            for payload in payloads:
                self._next_id += 1
                sent.append(self._next_id)
                message = json.dumps({"message_id": self._next_id, "payload": payload}).encode("utf-8")
                self._process.stdin.write(base64.b64encode(message) + b",")
            self._process.stdin.flush()
        except OSError:
            raise PagefindFailed(f"Pagefind stopped: {self._log()}") from None
        answers: dict[int, dict] = {}
        while len(answers) < len(sent):
            try:
                answer = self._answers.get(timeout=max(0.0, self._deadline - time.monotonic()))
            except queue.Empty:
                self._process.kill()
                raise PagefindFailed(f"Pagefind did not finish within {TIMEOUT_SECONDS} seconds") from None
            if answer is None:
                raise PagefindFailed(f"Pagefind stopped: {self._log()}")
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                raise PagefindFailed(f"Pagefind refused a page: {payload.get('message')}")
            answers[answer.get("message_id")] = payload
        return [answers[number] for number in sent]

    def _read(self) -> None:
        """Answers, one per comma, onto the queue; None when the output ends."""
        pending = b""
        stream = self._process.stdout
        try:
            while chunk := stream.read1(1 << 20):
                pending += chunk
                *complete, pending = pending.split(b",")
                for message in complete:
                    self._answers.put(json.loads(base64.b64decode(message)))
        except (OSError, ValueError):
            pass
        self._answers.put(None)

    def _log(self) -> str:
        """The end of what Pagefind wrote to its error output, on one line."""
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", "replace")
        status = self._process.returncode
        return (" ".join(text.split())[-400:] or "no message") + (f" (exit status {status})" if status else "")
