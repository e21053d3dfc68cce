"""``edition serve``: the live preview of the web edition.

It builds the web edition (``web_edition.build``, with the last printed pages there are:
no PDF is laid out on every save), serves ``<out>/web`` on 127.0.0.1 and builds again when
a file of the project changes: watchfiles (inotify, not a poll of every input) reports the
change, a build runs, and the pages open in a browser reload themselves.

The reload: every HTML page served gets a small script (``/__edition/live.js``) that
asks ``/__edition/state`` (a few bytes: the build's number and its problems) four
times a second.  A new number with no problem reloads the page; a failed build leaves
the last good pages in place and shows the problems over the page, each with its file
and line, until a build succeeds.  Only this server adds the script: the files in
``<out>/web`` are the same as ``edition build web`` writes.
"""

from __future__ import annotations

import http.server
import json
import sys
import threading
from pathlib import Path

from .diagnostics import BookError, Diagnostic, Reporter

LIVE_JS = """(function () {
  var seen = null, box = null;
  function show(problems) {
    if (!box) {
      box = document.createElement("div");
      box.id = "edition-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;" +
        "margin:0;padding:0.8em 1em;background:#7a1010;color:#fff;font:14px/1.4 monospace;" +
        "white-space:pre-wrap;z-index:99";
      document.body.appendChild(box);
    }
    box.textContent = "The last build failed; these pages are the last good ones.\\n\\n" + problems.join("\\n");
  }
  function ask() {
    fetch("/__edition/state", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen === null) { seen = s.build; }
      if (s.problems.length) { show(s.problems); }
      else if (s.build !== seen) { window.location.reload(); return; }
      else if (box) { box.remove(); box = null; }
      seen = s.build;
    }).catch(function () {}).finally(function () { setTimeout(ask, 250); });
  }
  ask();
})();
"""
TAG = b'<script src="/__edition/live.js"></script>'


class Preview:
    """The state of the preview: the number of the last build and its problems."""

    def __init__(self, root: Path, out_dir: Path, strict: bool = False):
        self.root = root
        self.out_dir = out_dir
        self.strict = strict
        self.build_number = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def build(self, search: bool = True) -> bool:
        """Build the web edition; True if it succeeded (the pages were replaced).  With
        ``search`` False the pages come first and the search index after them
        (``refresh_search``): the page reloads without waiting for Pagefind."""
        from .web_edition import build

        reporter = Reporter(strict=self.strict)
        try:
            build(self.root, reporter, out_dir=self.out_dir, stale_pages=True, search=search)
        except BookError as exc:
            diags = reporter.items + [d for d in exc.diagnostics if d not in reporter.items]
            problems = [d.format() for d in _sorted(diags)]
            ok = False
        else:
            problems = []
            ok = True
            for d in _sorted(reporter.items):
                print(d.format(), file=sys.stderr, flush=True)
        for p in problems:
            print(p, file=sys.stderr, flush=True)
        with self.lock:
            self.build_number += 1
            self.problems = problems
        print(("built the web edition" if ok else "build failed: the last good pages stay")
              + f" (build {self.build_number})", file=sys.stderr, flush=True)
        return ok

    def state(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build_number, "problems": self.problems}).encode()


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.file, d.line or 0, d.code, d.message))


def make_server(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    site = preview.out_dir / "web"

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(site), **k)

        def log_message(self, *a):  # quiet: the builds say what matters
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def _send(self, data: bytes, ctype: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == "/__edition/state":
                return self._send(preview.state(), "application/json")
            if path == "/__edition/live.js":
                return self._send(LIVE_JS.encode(), "text/javascript; charset=utf-8")
            if path.endswith("/"):
                path += "index.html"
            if path.endswith(".html"):
                file = Path(self.translate_path(path))
                try:
                    data = file.read_bytes()
                except OSError:
                    return super().do_GET()
                at = data.rfind(b"</body>")
                data = data[:at] + TAG + b"\n" + data[at:] if at >= 0 else data + TAG
                return self._send(data, "text/html; charset=utf-8")
            return super().do_GET()

    return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)


def watch(preview: Preview, stop: threading.Event) -> None:
    """Build again after every change of a project file (not the outputs or caches)."""
    import watchfiles

    out = preview.out_dir.resolve()
    root = preview.root.resolve()
    skip = {".git", ".cache", "__pycache__", "node_modules", ".venv"}

    def wanted(change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        if p == out or out in p.parents:
            return False
        rel = p.relative_to(root).parts if root in p.parents else ()
        return not any(part in skip or part.startswith(".#") for part in rel) and not p.name.endswith("~")

    for _changes in watchfiles.watch(root, watch_filter=wanted, stop_event=stop, debounce=100,
                                     step=20, rust_timeout=500, yield_on_timeout=False):
        print("changed: building", file=sys.stderr, flush=True)
        if preview.build(search=False):
            from .render.web import WebError, refresh_search

            try:
                refresh_search(preview.out_dir / "web")
            except (WebError, OSError) as exc:
                print(f"search index not refreshed: {exc}", file=sys.stderr, flush=True)


def serve(root: Path, out_dir: Path | None, port: int, strict: bool = False) -> int:
    out = out_dir or root / "build"
    preview = Preview(root, out, strict)
    first = preview.build()
    if not first and not (out / "web" / "index.html").is_file():
        print("nothing to serve yet: fix the problems above (the server starts anyway and "
              "builds again on every change)", file=sys.stderr, flush=True)
        (out / "web").mkdir(parents=True, exist_ok=True)
    server = make_server(preview, port)
    url = f"http://127.0.0.1:{server.server_port}/"
    print(f"serving the web edition at {url} (Ctrl-C stops)", flush=True)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("stopped serving", file=sys.stderr)
    finally:
        stop.set()
        server.server_close()
    return 0
