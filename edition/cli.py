"""Command line: ``edition new DIR``, ``edition build [epub|kepub|pdf|all]``, ``edition check``,
``edition import``.  No logic here.

Exit status: 0 ok, 1 problems in the book, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .diagnostics import BookError, Diagnostic, Reporter
from .outputs import OUTPUTS, all_targets, names, with_needs


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edition", description="Build an edited book (EPUB 3 and print PDF) "
                                "from Markdown chapters.")
    p.add_argument("--version", action="version", version=f"edition {__version__}")
    p.add_argument("-C", "--project", type=Path, default=Path("."), metavar="DIR",
                   help="the book project (default: the current directory)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    n = sub.add_parser("new", help="write a small working book into a new or empty folder")
    n.add_argument("folder", type=Path, metavar="DIR", help="the folder of the new book")

    b = sub.add_parser("build", help="build the editions into build/")
    b.add_argument("target", nargs="?", default="all", choices=[*names(), "all"],
                   help="; ".join(f"{o.name}: {o.help}" for o in OUTPUTS)
                   + f"; all: {' and '.join(all_targets())} (the default)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--page-size", choices=["A5", "A4", "Letter"], help="override book.yaml's page_size")
    b.add_argument("--print-shop", action="store_true",
                   help="PDF for a print shop: 3 mm bleed and crop marks, written to <slug>-print-shop.pdf")
    b.add_argument("--profile", choices=["large-print"],
                   help="large print (16-18 pt), written to <slug>-large-print.pdf")
    b.add_argument("--signature", type=int, default=10, metavar="SHEETS",
                   help="booklet: sheets folded together in one signature (default: 10, 40 pages)")
    b.add_argument("--creep", type=float, default=0.0, metavar="MM",
                   help="booklet: move the innermost sheet's pages this far towards the fold")
    b.add_argument("-o", "--output", type=Path, metavar="DIR", help="output folder (default: build/)")
    b.add_argument("--force", action="store_true",
                   help="rebuild even the outputs whose inputs have not changed (see edition/build_manifest.py)")
    b.add_argument("--watch", action="store_true",
                   help="build, then build again whenever an input changes (Ctrl-C stops)")
    b.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                   help="with --watch: how often to look for changes (default: 1)")

    s = sub.add_parser("serve", help="build the web edition, serve it on 127.0.0.1 and rebuild on every change")
    s.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0: any free one)")
    s.add_argument("-o", "--output", type=Path, metavar="DIR", help="output folder (default: build/)")
    s.add_argument("--strict", action="store_true", help="treat warnings as errors")

    c = sub.add_parser("check", help="lint the book; no output is written")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")

    i = sub.add_parser("import", help="import sources (sources/sources.yaml) into chapters/")
    i.add_argument("ids", nargs="*", metavar="SOURCE-ID", help="ids in sources/sources.yaml, or a "
                   "file of sources/ not yet listed (its entry is added)")
    i.add_argument("--all", action="store_true", help="import every source")
    i.add_argument("--force", action="store_true", help="overwrite existing chapters")
    i.add_argument("--report", action="store_true",
                   help="list every correction applied and every removal")
    return p


def _print_diags(diags: list[Diagnostic]) -> None:
    for d in sorted(diags, key=lambda d: (d.file, d.line or 0, d.code, d.message)):
        print(d.format(), file=sys.stderr)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    if not enabled:
        yield lambda s: None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("building…") as status:
        yield lambda s: status.update(s)


def _build(args: argparse.Namespace, root: Path, reporter: Reporter) -> int:
    """One ``edition build``: 0, or BookError (printed by the caller)."""
    from .build_manifest import up_to_date

    targets = with_needs(all_targets() if args.target == "all" else [args.target])
    options = {k: getattr(args, k) for o in OUTPUTS for k in o.options}  # the booklet's
    skipped = None if args.force else up_to_date(root, args.output, targets, args.page_size,
                                                 args.print_shop, reporter, args.profile, options)
    if skipped is not None:  # nothing to build: the pipeline is not even imported
        _print_diags(reporter.items)
        for path in skipped:
            print(f"up to date: {path} (inputs unchanged; --force rebuilds)", flush=True)
        return 0
    from .pipeline import build

    with _progress(sys.stderr.isatty()) as say:
        result = build(root, targets, reporter, out_dir=args.output,
                       page_size=args.page_size, progress=say,
                       print_shop=args.print_shop, force=args.force, profile=args.profile,
                       options=options)
    _print_diags(reporter.items)
    for path in result.outputs:
        note = result.notes.get(path)
        print(f"wrote {path}{'/' if path.is_dir() else ''}{f' ({note})' if note else ''}", flush=True)
    for path in result.skipped:
        print(f"up to date: {path} (inputs unchanged; --force rebuilds)", flush=True)
    return 0


def _watch(args: argparse.Namespace, root: Path) -> int:
    """Build, then again after every change to an input (the build cache's digest of them:
    configuration, chapters, sources, styles, code).  A failed build is reported and the
    watch goes on; Ctrl-C stops it (during a build, the previous outputs stay untouched)."""
    import time

    from .build_manifest import inputs_digest

    interval = max(0.05, args.interval)
    if not (root / "book.yaml").is_file():  # not a book: say so once, do not watch
        return _build(args, root, Reporter(strict=args.strict))

    def once() -> None:
        reporter = Reporter(strict=args.strict)
        try:
            _build(args, root, reporter)
        except BookError as exc:
            _print_diags(reporter.items + [d for d in exc.diagnostics if d not in reporter.items])
            print("build failed: nothing was written", file=sys.stderr, flush=True)
        args.force = False  # --force applies to the first build only

    if args.target in ("pdf", "all"):  # lay out again only the units an edit touched
        from .render.pdf import keep_layouts

        keep_layouts()
    last = inputs_digest(root)
    once()
    print(f"watching {root.resolve()} for changes (Ctrl-C stops)", file=sys.stderr, flush=True)
    while True:
        try:  # idle (waiting, or reading the inputs to see whether they changed): Ctrl-C stops
            time.sleep(interval)
            now = inputs_digest(root)
            if now == last:
                continue
            time.sleep(min(interval, 0.3))  # an editor saving several files: let them all land
            if inputs_digest(root) != now:
                continue  # still changing: look again next time
        except KeyboardInterrupt:
            print("stopped watching", file=sys.stderr)
            return 0
        last = now
        print("inputs changed: building", file=sys.stderr, flush=True)
        once()


def main(argv: list[str] | None = None) -> int:
    from . import tune_gc

    tune_gc()
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 for --help
        return int(exc.code or 0)
    root: Path = args.project
    reporter = Reporter(strict=getattr(args, "strict", False))
    try:
        if args.command == "new":
            from .new import new_book

            new_book(args.folder)
            print(f"wrote a new book in {args.folder}; build it with: edition -C {args.folder} build")
            return 0
        if args.command == "check":
            from .check import check

            check(root, reporter)
            _print_diags(reporter.items)
            n_err, n_warn = len(reporter.errors), len(reporter.warnings)
            print(f"{n_err} error(s), {n_warn} warning(s)", file=sys.stderr)
            return 1 if reporter.failed() else 0
        if args.command == "import":
            from .importers.run import run_import

            written = run_import(root, args.ids, args.all, args.force, args.report, reporter)
            _print_diags(reporter.items)
            for path in written:
                print(f"wrote {path}")
            return 1 if reporter.failed() else 0
        if args.command == "serve":  # the live preview of the web edition (edition/serve.py)
            from .serve import serve

            return serve(root, args.output, args.port, args.strict)
        if args.command == "build":
            print_layouts = [o.name for o in OUTPUTS if o.layout]  # the registry's print layouts
            if args.profile and args.target not in print_layouts:
                print("edition build: --profile makes a print PDF: use it with "
                      + ", ".join(print_layouts[:-1]) + f" or {print_layouts[-1]}", file=sys.stderr)
                return 2
            if args.target == "booklet":  # before the PDF is built: a bad option costs nothing
                from .print_targets import check_booklet_options

                check_booklet_options(args.signature, args.creep)
            if args.watch:
                return _watch(args, root)
            return _build(args, root, reporter)
    except BookError as exc:
        _print_diags(reporter.items + [d for d in exc.diagnostics if d not in reporter.items])
        print("build failed: nothing was written" if args.command == "build"
              else "nothing was written" if args.command == "new"
              else f"{args.command} failed", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: previous outputs are untouched", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
