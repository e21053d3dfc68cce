"""The registry of outputs: every edition ``edition build`` can make, and what each needs.

An output is one module with a ``build(job) -> bytes`` function and one ``Output`` entry in
``OUTPUTS`` below.  The command line's targets (``edition build <name>``), the build
manifest's names (``build_manifest.variant``), the order the pipeline renders in and
``make <name>`` all come from this list; nothing else names an output.

``needs`` says what the builder is handed in its :class:`Job`:

* ``"book"``: the parsed and transformed ``Book`` (``job.book``; every output so far);
* ``"page_map"``: the print edition's page map (``job.provided["page_map"]`` when the
  PDF is laid out in this build, else the one kept beside the PDF, if current): the output
  is rendered after the output that ``provides`` it, and is made again whenever that one is;
* ``"output:<name>"``: another output's bytes (``job.made[name]``), rendered first (in
  memory only, if it was not asked for; read back from its file if that is up to date).

``writes_needs``: what the output needs is made as a target of the same build, written
and kept up to date as if it had been asked for (the booklet and the cover: the print PDF
they are made from; the web edition: the PDF whose page map gives it the printed pages).
``folder``: the output is a folder the builder writes itself, all or nothing, in a step of
``job.after`` (the web edition, ``render/web.py``'s swap); its builder returns no bytes
and it is never skipped as up to date.  ``options``: the command line's options its bytes
depend on besides the page size and print-shop (``job.options``; part of its manifest
variant).

This module imports nothing of the pipeline's (the Makefile reads the names with
``python3 -m edition.outputs``, before any dependency is installed); builders are imported
only when their output is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diagnostics import Reporter
    from .model import Book


@dataclass(frozen=True)
class Output:
    name: str  # the command line's target, the manifest's and make's name
    filename: str  # "{slug}.epub"; "{shop}" is "-print-shop" for a print-shop layout,
    #                "{profile}" "-large-print" for a --profile build
    help: str  # one line, for `edition build --help` and `python3 -m edition.outputs --help`
    builder: str  # "module:function", the function Job -> bytes
    needs: tuple[str, ...] = ("book",)  # "book", "page_map", "output:<name>"
    provides: tuple[str, ...] = ()  # what it hands later outputs (job.provided)
    in_all: bool = False  # made by `edition build all` (and plain `edition build`)
    layout: bool = False  # its bytes depend on --page-size and --print-shop
    # for a provider: "module:function" (root, out_dir) -> bool, is what it provides kept
    # from an earlier build (else it is made again when an output needing it is)
    kept: str | None = None
    writes_needs: bool = False  # the outputs it needs are targets too (written, kept current)
    folder: bool = False  # a folder, written by the builder through job.after (never skipped)
    options: tuple[str, ...] = ()  # more command-line options its bytes depend on

    def file(self, slug: str, print_shop: bool, profile: str | None = None) -> str:
        return self.filename.format(slug=slug, shop="-print-shop" if print_shop and self.layout else "",
                                    profile=f"-{profile}" if profile and self.layout else "")

    def run(self, job: Job) -> bytes:
        return _load(self.builder)(job)

    def after(self, other: Output) -> bool:
        """Does this output need ``other`` rendered first?"""
        return f"output:{other.name}" in self.needs or any(n in other.provides for n in self.needs)


OUTPUTS: list[Output] = [
    Output("epub", "{slug}.epub", "EPUB 3 (with the print edition's page list when the PDF is current)",
           "edition.render.epub_output:build", needs=("book", "page_map"), in_all=True),
    Output("kepub", "{slug}.kepub.epub", "the Kobo edition: the EPUB as kepubify makes it",
           "edition.render.kepub_output:build", needs=("book", "output:epub")),
    Output("pdf", "{slug}{profile}{shop}.pdf", "the typeset print PDF (WeasyPrint)",
           "edition.render.pdf_output:build", provides=("page_map",), in_all=True, layout=True,
           kept="edition.render.pdf_output:page_map_kept"),
    Output("booklet", "{slug}{profile}-booklet.pdf",
           "the print PDF imposed for A4 duplex and saddle stitching (--signature, --creep)",
           "edition.print_targets:booklet", needs=("book", "output:pdf"), layout=True,
           writes_needs=True, options=("signature", "creep")),
    Output("cover", "{slug}{profile}-cover.pdf", "the one-piece print cover, its spine as thick as the PDF",
           "edition.print_targets:cover", needs=("book", "output:pdf"), layout=True, writes_needs=True),
    Output("web", "web", "the web edition, a folder (build/web/; the PDF first if its page map is not current)",
           "edition.web_edition:build_output", needs=("book", "page_map"), writes_needs=True,
           folder=True),
]


def by_name() -> dict[str, Output]:
    return {o.name: o for o in OUTPUTS}


def names() -> list[str]:
    return [o.name for o in OUTPUTS]


def all_targets() -> list[str]:
    return [o.name for o in OUTPUTS if o.in_all]


def with_needs(targets: list[str]) -> list[str]:
    """``targets`` and what those with ``writes_needs`` need (the outputs it names, and the
    providers of what it needs), in registry order."""
    known = by_name()
    out = set(targets)
    todo = list(targets)
    while todo:
        o = known[todo.pop()]
        if not o.writes_needs:
            continue
        for p in OUTPUTS:
            if p.name not in out and o.after(p):
                out.add(p.name)
                todo.append(p.name)
    return [o.name for o in OUTPUTS if o.name in out]


def order(targets: list[str]) -> list[Output]:
    """The outputs to render for ``targets``, each after what it needs (an output needed by
    a target but not asked for is rendered too, in memory)."""
    known = by_name()
    wanted: list[Output] = []

    def add(o: Output, path: tuple[str, ...] = ()) -> None:
        if o in wanted:
            return
        if o.name in path:
            raise ValueError(f"outputs need each other: {' -> '.join((*path, o.name))}")
        for n in o.needs:
            if n.startswith("output:"):
                add(known[n[len("output:"):]], (*path, o.name))
        wanted.append(o)

    for o in OUTPUTS:  # registry order, so the order never depends on how targets were listed
        if o.name in targets:
            add(o)
    # providers first: an output is placed after every output it needs among those wanted
    placed: list[Output] = []
    while len(placed) < len(wanted):
        for o in wanted:
            if o not in placed and all(p in placed for p in wanted if p is not o and o.after(p)):
                placed.append(o)
                break
        else:
            raise ValueError("outputs need each other: " + ", ".join(o.name for o in wanted))
    return placed


def consumers(provider: Output) -> list[Output]:
    """The outputs that need what ``provider`` makes (directly or through another output)."""
    out: list[Output] = []
    todo = [provider]
    while todo:
        p = todo.pop()
        for o in OUTPUTS:
            if o is not provider and o not in out and o.after(p):
                out.append(o)
                todo.append(o)
    return out


def kept(provider: Output, root: Path, out_dir: Path) -> bool:
    return provider.kept is None or bool(_load(provider.kept)(root, out_dir))


@dataclass
class Job:
    """What the pipeline hands an output's builder, and what the builder hands back besides
    its bytes."""

    output: Output
    root: Path
    out_dir: Path
    book: Book
    reporter: Reporter
    progress: Callable[[str], None]
    page_size: str | None = None
    print_shop: bool = False
    profile: str | None = None  # --profile (large-print): a print layout's variant
    options: dict[str, Any] = field(default_factory=dict)  # the outputs' own options (Output.options)
    made: dict[str, bytes] = field(default_factory=dict)  # other outputs' bytes (needs "output:x")
    provided: dict[str, Any] = field(default_factory=dict)  # shared by the outputs of one build
    memo: dict[str, Any] = field(default_factory=dict)  # shared values computed once per build
    extra: list[tuple[Path, bytes]] = field(default_factory=list)  # more files to write with it
    after: list[Callable[[], None]] = field(default_factory=list)  # run once all is written
    note: str = ""  # said after "wrote <path>" (the cover's spine)

    @property
    def path(self) -> Path:
        """Where the output is written."""
        return self.out_dir / self.output.file(self.book.meta.slug, self.print_shop, self.profile)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def _load(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


if __name__ == "__main__":  # the Makefile's list of output targets
    import sys

    if "--help" in sys.argv:
        for o in OUTPUTS:
            print(f"{o.name}\t{o.help}")
    else:
        print(" ".join(names()))
