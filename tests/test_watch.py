"""``edition build --watch``: builds, builds again when an input changes, reports a broken
input and goes on watching, and stops cleanly on Ctrl-C.  No timing is asserted: the waits
are generous deadlines, not measurements."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from conftest import ROOT, SmallBook, chapter_text

WRAPPER = """\
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C, however the tests were started
from edition.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Lines:
    """The lines a process writes to one stream, read on a thread."""

    def __init__(self, stream) -> None:
        self.q: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.q.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.q.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} in {timeout} s; seen: {self.seen}")


def test_watch_rebuilds_reports_and_stops(tmp_path):
    book = SmallBook(tmp_path / "book")
    book.book(["01-one.md"])
    book.chapter("01-one.md", "One", "The first text.\n")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, "-C", str(book.root), "build", "epub",
                             "--watch", "--interval", "0.2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    out, err = Lines(proc.stdout), Lines(proc.stderr)
    try:
        out.wait_for("wrote ")
        err.wait_for("watching ")
        epub = book.root / "build" / "small-book.epub"
        first = epub.read_bytes()

        book.write("chapters/01-one.md", chapter_text("One", "A changed text.\n"))
        err.wait_for("inputs changed: building")
        out.wait_for("wrote ")
        second = epub.read_bytes()
        assert second != first

        book.write("chapters/01-one.md", "no front matter any more\n")  # a mistake
        err.wait_for("[chapter.front-matter]")
        err.wait_for("build failed: nothing was written")
        assert epub.read_bytes() == second  # the last good edition stays
        assert proc.poll() is None  # and the watch goes on

        book.write("chapters/01-one.md", chapter_text("One", "Mended.\n"))
        out.wait_for("wrote ")
        assert epub.read_bytes() not in (first, second)
        time.sleep(0.5)  # idle: the next Ctrl-C ends the watch, not a build
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        err.wait_for("stopped watching")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_watch_outside_a_book_fails_at_once(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(tmp_path), "build", "--watch"],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == 1 and "[book.missing]" in proc.stderr and "Traceback" not in proc.stderr
