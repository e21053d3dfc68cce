"""The measured side of ``make bench``: one job per fresh process, timed from inside.

``python -m bench.child JOB ROOT OUT`` prints one JSON line:

* ``epub`` / ``pdf``: ``pipeline.build`` with ``force=True`` (the cache bypassed),
  timed in-process after the imports (``build_s``); the progress messages of the
  PDF renderer time each layout pass (``stages``).
* ``capture``: a PDF build that also saves the HTML and CSS of its *last* layout
  pass (``OUT/book.html``, ``OUT/book.css``), the input of ``weasy``.
* ``weasy``: WeasyPrint alone, one pass: ``HTML(book.html).write_pdf(stylesheets=
  [book.css])`` into ``OUT/weasy.pdf``.
* ``web``: ``edition build web`` (web_edition.build) with the page map already beside it
  (the PDF is not laid out again: ``stale_pages``), Pagefind's index included.
* ``watch``: what ``edition build pdf --watch`` pays: a full PDF build with the layouts
  kept (``render.pdf.keep_layouts``), then a one-word edit to the middle chapter and the
  rebuild (``full_s``, ``edit_s``; CPU with the forked layout process's).

The parent (``bench.run``) reads the process's CPU time and peak memory
from ``os.wait4``; what is printed here is the in-process view.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _clock() -> tuple[float, float]:
    """Wall and CPU time, the CPU of the layout processes forked and reaped included."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + kids.ru_utime + kids.ru_stime


def _pages(out: Path) -> int:
    """The pages of the PDF just written (from the page map beside it)."""
    try:
        return int(json.loads((out / ".pagemap.json").read_text(encoding="utf-8"))["source"]["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def watch(root: Path, out: Path) -> dict:
    from bench.books import listed_chapters
    from edition.diagnostics import Reporter
    from edition.pipeline import build as run_build
    from edition.render import units
    from edition.render.pdf import keep_layouts

    keep_layouts()
    t0, c0 = _clock()
    run_build(root, ["pdf"], Reporter(), out_dir=out, force=True)
    t1, c1 = _clock()
    full_units = units.LAST
    names = listed_chapters((root / "book.yaml").read_text(encoding="utf-8"))
    chapter = root / "chapters" / names[len(names) // 2]
    text = chapter.read_text(encoding="utf-8")
    cut = text.index("\n---", 4) + 4 if text.startswith("---") else 0  # after the front matter
    at = text.index(" the ", cut)
    chapter.write_text(text[:at] + " this " + text[at + 5:], encoding="utf-8")  # one word
    t2, c2 = _clock()
    run_build(root, ["pdf"], Reporter(), out_dir=out)
    t3, c3 = _clock()
    st = units.LAST
    return {"full_s": t1 - t0, "full_cpu_s": c1 - c0, "edit_s": t3 - t2, "edit_cpu_s": c3 - c2,
            "pages": _pages(out), "chapter": chapter.name,
            "units": {"laid_out": st.laid_out, "reused": st.reused} if st else {},
            "full_units": {"laid_out": full_units.laid_out} if full_units else {}}


def web(root: Path, out: Path) -> dict:
    from ..diagnostics import Reporter
    from ..render import web as _web  # noqa: F401  (imported before the clock starts)
    from ..web_edition import build as build_web

    t0, c0 = _clock()
    build_web(root, Reporter(), out_dir=out, stale_pages=True)
    t1, c1 = _clock()
    return {"build_s": t1 - t0, "build_cpu_s": c1 - c0}


def build(root: Path, out: Path, target: str, capture: bool = False) -> dict:
    from edition.diagnostics import Reporter
    from edition.pipeline import build as run_build

    if target == "pdf":
        import weasyprint  # noqa: F401  (imported before the clock starts, like ebooklib below)
    from edition.render import epub  # noqa: F401

    stages: list[list] = []
    t0, c0 = _clock()

    def progress(msg: str) -> None:
        stages.append([msg, time.perf_counter() - t0, time.process_time() - c0])

    if capture:
        _capture_html(out)
    result = run_build(root, [target], Reporter(), out_dir=out, progress=progress, force=True)
    t1, c1 = _clock()
    res = {"build_s": t1 - t0, "build_cpu_s": c1 - c0, "stages": stages,
           "outputs": [str(p) for p in result.outputs], "pages": _pages(out) if target == "pdf" else 0}
    fast = sys.modules.get("edition.render.units")
    if fast is not None and getattr(fast, "LAST", None) is not None:
        st = fast.LAST
        res["units"] = {"laid_out": st.laid_out, "reused": st.reused, "whole": st.fallbacks,
                        "measured": st.measured, "shelved": st.shelved, "relaid": st.relaid}
    return res


def _capture_html(out: Path) -> None:
    """Keep the whole book's HTML and the CSS that the PDF renderer lays out (the last pass
    wins): the source handed to ``units.UnitRenderer.render``, before it is cut into units."""
    import weasyprint

    from edition.render import units

    real_render, real_css = units.UnitRenderer.render, weasyprint.CSS

    def render(self, source: str):
        (out / "book.html").write_text(source, encoding="utf-8")
        (out / "base.txt").write_text(str(self.base_url), encoding="utf-8")
        return real_render(self, source)

    units.UnitRenderer.render = render  # type: ignore[method-assign]

    class CSS(real_css):  # type: ignore[misc,valid-type]
        def __init__(self, *args, **kwargs):
            if "string" in kwargs:
                (out / "book.css").write_text(kwargs["string"], encoding="utf-8")
            super().__init__(*args, **kwargs)

    weasyprint.CSS = CSS  # type: ignore[misc]


def weasy(root: Path, out: Path) -> dict:
    from weasyprint import CSS, HTML

    from edition.render.fetch import ProjectFetcher
    from edition.render.fonts import font_config

    t0, c0 = _clock()
    base = (out / "base.txt").read_text(encoding="utf-8")
    fetcher = ProjectFetcher(root)
    # the book's own faces (its @font-face rules, registered in a FontConfiguration as
    # WeasyPrint's documentation says), so the yardstick sets the same pages as ours; and
    # the PDF written as ours is (tagged, no PDF/UA declaration)
    fonts = font_config()
    css = CSS(string=(out / "book.css").read_text(encoding="utf-8"), base_url=base, url_fetcher=fetcher,
              font_config=fonts)
    doc = HTML(string=(out / "book.html").read_text(encoding="utf-8"), base_url=base,
               url_fetcher=fetcher).render(stylesheets=[css], font_config=fonts)
    t1 = time.perf_counter()
    doc.write_pdf(out / "weasy.pdf", pdf_tags=True)
    t2, c2 = _clock()
    if len(doc.pages) < 2:
        raise SystemExit("weasy: the captured HTML is not the whole book")
    return {"build_s": t2 - t0, "build_cpu_s": c2 - c0, "layout_s": t1 - t0, "pages": len(doc.pages)}


def main(argv: list[str]) -> int:
    job, root, out = argv[0], Path(argv[1]), Path(argv[2])
    if job != "weasy":  # our jobs run as `edition build` does; WeasyPrint alone as it comes
        from edition import tune_gc  # ("weasy-gc": WeasyPrint alone with our GC setting)

        tune_gc()
    out.mkdir(parents=True, exist_ok=True)
    if job in ("epub", "pdf"):
        res = build(root, out, job)
    elif job == "capture":
        res = build(root, out, "pdf", capture=True)
    elif job in ("weasy", "weasy-gc"):
        res = weasy(root, out)
    elif job == "watch":
        res = watch(root, out)
    elif job == "web":
        res = web(root, out)
    else:
        raise SystemExit(f"unknown job {job}")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
