"""``build/bench.md``: the table, and how each figure was measured."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

from .measure import Sample, median, pair_ratio


def _s(x: float) -> str:
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def _r(x: float) -> str:
    return f"{x:.2f}×"


@dataclass
class Report:
    pairs: int
    pdf_pairs: int
    compare_whole: bool = True
    pdf_first: list[Sample] = field(default_factory=list)  # PDF builds with no seed
    pdf_whole: list[Sample] = field(default_factory=list)
    pdf_gc: list[Sample] = field(default_factory=list)  # WeasyPrint alone, with tune_gc()
    words: int = 0
    help: tuple[list[Sample], list[Sample]] = ([], [])
    epub: tuple[list[Sample], list[Sample]] = ([], [])
    epub_cold: tuple[list[Sample], list[Sample]] = ([], [])
    web: tuple[list[Sample], list[Sample]] = ([], [])  # edition build web vs the EPUB
    pdf: tuple[list[Sample], list[Sample]] = ([], [])
    noop: list[Sample] = field(default_factory=list)
    scale: int = 0
    pdf_scale: int = 0
    mid_scale: int = 0
    big_words: int = 0
    scaled: dict[str, Sample] = field(default_factory=dict)
    seconds: float = 0.0
    colour: str = ""  # bench.colour: even colour, ours beside Typst on the same text
    lines: str = ""  # bench.lines: how the print edition's lines are set
    watch: Sample | None = None  # child.watch: a full build and a one-word edit, one process
    notes_book: Sample | None = None  # the reader with `notes` footnotes added
    notes: int = 0
    print_rows: list[str] = field(default_factory=list)  # bench/print_outputs.py: booklet, cover

    def _pair_rows(self, label: str, xs: list[Sample], ys: list[Sample], other: str, goal: str,
                   inproc: bool = False) -> list[str]:
        rows = []
        if not ys:  # the yardstick was not run (BENCH_WEASY=0)
            return [f"| {label}, fresh process ({unit}) | {_s(median([getattr(x, attr) for x in xs]))} "
                    f"| — | — | {goal} | {len(xs)} |" for attr, unit in (("cpu", "CPU"), ("wall", "wall"))]
        for attr, unit in (("cpu", "CPU"), ("wall", "wall")):
            rows.append(f"| {label}, fresh process ({unit}) | {_s(median([getattr(x, attr) for x in xs]))} "
                        f"| {other} {_s(median([getattr(y, attr) for y in ys]))} "
                        f"| **{_r(pair_ratio(xs, ys, attr))}** | {goal} | {len(xs)} |")
        if inproc and all("build_s" in x.out for x in xs):
            ours = [x.out["build_s"] for x in xs]
            ratios = sorted(x.out["build_s"] / y.wall for x, y in zip(xs, ys, strict=True))
            rows.append(f"| {label}, in-process (after the imports; wall) | {_s(median(ours))} "
                        f"| {other} {_s(median([y.wall for y in ys]))} | **{_r(median(ratios))}** "
                        f"| {goal} | {len(xs)} |")
        return rows

    def markdown(self) -> str:
        out = ["# Build speed", "",
               f"`make bench` on {platform.machine()}, Python {platform.python_version()}, "
               f"{self._cores()} cores, shared; a copy of the reader ({self.words:,} words of "
               f"chapters). Bench time: {self.seconds:.0f} s.", "",
               "| measurement | ours (median) | yardstick (median) | ratio, median of pairs | goal | runs |",
               "|---|---|---|---|---|---|"]
        hx, hy = self.help
        if hx:
            out.append(f"| `edition --help` (wall) | {_s(median([x.wall for x in hx]))} "
                       f"| `python -c pass` {_s(median([y.wall for y in hy]))} "
                       f"| {_r(pair_ratio(hx, hy, 'wall'))} | no WeasyPrint import | {len(hx)} |")
        ex, ey = self.epub
        if ex:
            out += self._pair_rows("EPUB rebuild", ex, ey, "pandoc", "≤ 0.5×", inproc=True)
        cx, cy = self.epub_cold
        if cx:
            out += self._pair_rows("EPUB first build (no memo)", cx, cy, "pandoc", "report", inproc=True)
        wx, wy = self.web
        if wx:
            out += self._pair_rows("Web edition (pages and search index)", wx, wy, "EPUB", "≤ 1.0×")
        px, py_ = self.pdf
        if px:
            out += self._pair_rows("PDF build from the last build's page numbers", px, py_,
                                   "WeasyPrint, one pass", "≤ 1.0× wall", inproc=False)
        out += self.print_rows
        if self.pdf_first:
            out += self._pair_rows("PDF first build (no page numbers to start from)", self.pdf_first,
                                   py_, "WeasyPrint, one pass", "report", inproc=False)
        if self.pdf_whole:
            out += self._pair_rows("PDF build laying out the whole book each pass (before)",
                                   self.pdf_whole, py_, "WeasyPrint, one pass", "report")
            fx = self.pdf_first or px  # both from nothing
            out.append(f"| gain of reusing unchanged units (`render/units.py`), first builds, CPU "
                       f"| {_s(median([x.cpu for x in fx]))} | whole book {_s(median([x.cpu for x in self.pdf_whole]))} "
                       f"| **{_r(pair_ratio(fx, self.pdf_whole, 'cpu'))}** | < 1× | {len(fx)} |")
        if self.pdf_gc and py_:
            out.append(f"| gain of the CLI's GC setting (`edition.tune_gc`), on WeasyPrint alone, CPU "
                       f"| {_s(median([x.cpu for x in self.pdf_gc]))} "
                       f"| default GC {_s(median([y.cpu for y in py_]))} "
                       f"| **{_r(pair_ratio(self.pdf_gc, py_, 'cpu'))}** | report | {len(self.pdf_gc)} |")
        if self.noop:
            out.append(f"| no-op `edition build all` (wall) | {_s(median([s.wall for s in self.noop]))} "
                       f"| — | — | ≤ 0.5 s | {len(self.noop)} |")
            out.append(f"| no-op `edition build all` (CPU) | {_s(median([s.cpu for s in self.noop]))} "
                       f"| — | — | ≤ 0.5 s | {len(self.noop)} |")
        for target, s in self.scaled.items():
            if target == "epub-mid":
                continue
            base = (self.epub_cold[0] or self.epub[0]) if target == "epub" else (self.pdf_first or self.pdf[0])
            one = median([x.cpu for x in base])
            one_rss = median([x.rss_mb for x in base])
            k = self.scale if target == "epub" else self.pdf_scale
            goal = f"≈ {k}× (linear)"
            if target == "pdf" and s.out.get("pages") and base and base[0].out.get("pages"):
                # the back matter is not repeated: the book has fewer than k times the pages
                goal = f"≈ {s.out['pages'] / base[0].out['pages']:.1f}× (its pages)"
            out.append(f"| {target.upper()} of a book {k}× the size{' (first build)' if target == 'epub' else ''} "
                       f"(CPU; peak memory) "
                       f"| {_s(s.cpu)}; {s.rss_mb:.0f} MB | 1× book: {_s(one)}; {one_rss:.0f} MB "
                       f"| **{_r(s.cpu / one)}** time, {_r(s.rss_mb / one_rss)} memory "
                       f"| {goal} | 1 |")
        out += self._loop_rows()
        mid, big = self.scaled.get("epub-mid"), self.scaled.get("epub")
        if mid and big and self.epub_cold[0] and self.mid_scale:
            one = median([x.cpu for x in self.epub_cold[0]])
            first = (mid.cpu - one) / (self.mid_scale - 1)
            second = (big.cpu - mid.cpu) / (self.scale - self.mid_scale)
            out.append(f"| EPUB: CPU per added reader's worth of text (first builds) "
                       f"| {self.mid_scale}×→{self.scale}×: {_s(second)} "
                       f"| 1×→{self.mid_scale}×: {_s(first)} | **{_r(second / first)}** "
                       f"| ≈ 1× (linear) | 1 |")
        if self.lines:
            out += ["", "Lines of the print edition (`python -m bench.lines BOOK.pdf "
                    "--list`; goal: under 3 loose lines per 1,000 justified, no stranded word): "
                    + self.lines]
        if self.colour:
            out += ["", "Even colour of the body text, beside Typst setting the same paragraphs in the "
                    "same face, size and measure (`python -m bench.colour BOOK.pdf ROOT --list`; "
                    "#32's targets: over 0.40 em no more than Typst, hyphenated ends ≤ 5 %, no stack "
                    "of three, none at a leaf turn or before a paragraph's last line, ≥ 3 letters "
                    "each side, none in a name):", "", self.colour]
        out += ["", *self._pdf_stages(), "", *self._notes()]
        return "\n".join(out) + "\n"

    def _per_page(self, s: Sample) -> float | None:
        pages = s.out.get("pages") or 0
        return s.cpu / pages if pages else None

    def _loop_rows(self) -> list[str]:
        """The editor's loop and the big books: an edit under --watch, CPU per page."""
        rows = []
        w = self.watch
        if w is not None and w.out.get("full_s"):
            o = w.out
            rows.append(f"| one-word edit to `{o.get('chapter')}` under `--watch`, PDF rebuilt (wall; CPU) "
                        f"| {_s(o['edit_s'])}; {_s(o['edit_cpu_s'])} "
                        f"| full build in the same process {_s(o['full_s'])}; {_s(o['full_cpu_s'])} "
                        f"| **{_r(o['edit_s'] / o['full_s'])}** wall, {_r(o['edit_cpu_s'] / o['full_cpu_s'])} CPU "
                        f"| ≤ 0.3× | 1 |")
            units = o.get("units") or {}
            if units:
                rows.append(f"| *units laid out again / reused after the edit* | "
                            f"{units.get('laid_out')} / {units.get('reused')} | full build: "
                            f"{(o.get('full_units') or {}).get('laid_out')} laid out | — | — | 1 |")
        px = self.pdf_first or self.pdf[0]  # the big books are first builds too
        one = [p for p in (self._per_page(x) for x in px) if p]
        if not one:
            return rows
        reader = median(one)
        rss = median([x.rss_mb for x in px])
        pages = px[0].out.get("pages")
        for label, s, goal in ((f"PDF of a book {self.pdf_scale}× the size", self.scaled.get("pdf"),
                                "≤ 1.2×; < 1 GB"),
                               (f"PDF of the reader with {self.notes:,} notes added", self.notes_book,
                                "≤ 2×")):
            if s is not None and (per := self._per_page(s)):
                rows.append(f"| {label}: CPU per page; peak memory "
                            f"| {per * 1000:.0f} ms ({s.out.get('pages')} pages, {_s(s.cpu)}); "
                            f"{s.rss_mb:.0f} MB "
                            f"| reader {reader * 1000:.0f} ms ({pages} pages); {rss:.0f} MB "
                            f"| **{_r(per / reader)}** time a page; {_r(s.rss_mb / rss)} memory "
                            f"| {goal} | 1 |")
                u = s.out.get("units") or {}
                if u.get("shelved"):
                    rows.append(f"| *{label}: units whose layout was let go during layout / laid out "
                                f"again to be written (`EDITION_PDF_KEEP_PAGES`)* | {u['shelved']} / "
                                f"{u.get('relaid')} of {u.get('laid_out')} laid out | — | — | 1 |")
        return rows

    @staticmethod
    def _cores() -> int:
        import os

        return os.cpu_count() or 0

    def _pdf_stages(self) -> list[str]:
        seeded, py_ = self.pdf
        rows = ["## Where the PDF build's time goes (first run of each, in-process, wall)", "",
                "| stage | starts at | takes |", "|---|---|---|"]
        for title, px in (("a first build", self.pdf_first), ("a build from the last numbers", seeded)):
            if not px or not px[0].out.get("stages"):
                continue
            st = px[0].out["stages"]
            end = px[0].out.get("build_s", 0.0)
            rows.append(f"| **{title}**: load, parse, transform the book | 0.00 s | {_s(st[0][1])} |")
            for i, (msg, at, _cpu) in enumerate(st):
                nxt = st[i + 1][1] if i + 1 < len(st) else end
                rows.append(f"| {msg} | {_s(at)} | {_s(nxt - at)} |")
        px = self.pdf_first or seeded
        if len(rows) == 4 or not px:
            return []
        units = px[0].out.get("units")
        if units:
            rows.append(f"| *units laid out / reused from an earlier pass* | — "
                        f"| {units['laid_out']} / {units['reused']} (whole-book passes: {units['whole']}; "
                        f"measured in the second process in pass 1: {units.get('measured', 0)}) |")
        if py_ and "layout_s" in py_[0].out:
            rows.append(f"| *WeasyPrint alone: one layout of the final HTML* | — | {_s(py_[0].out['layout_s'])} |")
            rows.append(f"| *WeasyPrint alone: writing the PDF* | — "
                        f"| {_s(py_[0].out['build_s'] - py_[0].out['layout_s'])} |")
        return rows

    def _notes(self) -> list[str]:
        return [
            "## How it was measured", "",
            "* Every job is a fresh process on a copy of the project in a temporary folder "
            "(`SOURCE_DATE_EPOCH` fixed, the build cache bypassed with `force`). *CPU* is user + "
            "system time of that process from `os.wait4`; *wall* includes waiting for a core, "
            "so on a shared machine CPU is the steadier figure. Peak memory is `ru_maxrss`.",
            "* *Fresh process* = Python start-up, imports and the build, as `edition build epub "
            "--force` pays them. *In-process* = `pipeline.build()` timed inside that process after "
            "ebooklib/WeasyPrint are imported (pandoc's side is its whole process: it has no "
            "start-up worth the name).",
            "* Pairs run A B A B …; a ratio is the median of the per-pair ratios, not a ratio of "
            "medians.",
            "* pandoc (from `pypandoc-binary`) converts the same chapter files to EPUB 3 with the "
            "same stylesheet and embedded fonts, and nothing else: no glossary, register, index, "
            "notes renumbering, apparatus or back matter, which our build also makes.",
            "* Our jobs set the cyclic garbage collector as `edition build` does "
            "(`edition.tune_gc`); WeasyPrint alone runs with Python's default, and once more "
            "with our setting, to show what that setting alone gains.",
            "* WeasyPrint alone lays out, once, the HTML and CSS our renderer handed WeasyPrint on "
            "its last pass, and writes the PDF (PDF/UA-1, as ours). The PDF build lays the book out "
            "until the page numbers it prints are the pages the anchors land on (see the stages).",
            "* *EPUB rebuild* is what an editor pays after changing a chapter: the validated "
            "YAML and the cover image come "
            "from the memo "
            "(`edition/step_memo.py`, keyed by content and code), filled by one warm-up run. *First "
            "build* turns the memo off (`EDITION_NO_MEMO=1`): every importer runs and the cover "
            "is drawn, as in a fresh clone.",
            "* The no-op rebuild is `edition build all` after a build, with nothing changed: the "
            "build cache (`edition/build_manifest.py`) hashes the inputs and finds both outputs up to date.",
            "* The scaled book repeats every chapter under new names, "
            + (f"{self.scale} times ({self.big_words:,} words) for the EPUB (`BENCH_SCALE`), "
               if self.scale else "")
            + f"{self.pdf_scale} times for the PDF (`BENCH_SCALE_PDF`; ten times is about 1,500 pages, since the back "
            "matter is not repeated, and takes six to seven minutes of CPU); one run "
            "each. Memory is the peak resident size of the process (or of the layout process "
            "it forks, if that is larger: `ru_maxrss` from `os.wait4`).",
            "* *One-word edit under `--watch`*: one process builds the PDF with its layouts kept "
            "(`render.pdf.keep_layouts`), replaces the first ' the ' of the middle chapter's text "
            "by ' this ' and builds again; both timed in that process, CPU including the forked "
            "layout process of pass 1.",
            "* *Notes*: the reader with generated chapters added, 500 footnotes each "
            "(`books.notes_project`); CPU per page against the reader's PDF build.",
        ]
