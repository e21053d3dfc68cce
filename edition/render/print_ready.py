"""The print-shop interior (``--print-shop``): PDF/X-4, and what a printer checks in it.

``weasy.make_x4(pdf, document)`` turns the PDF that ``weasy.write_pdf`` has generated into a
PDF/X-4 file the way WeasyPrint's own ``pdf_variant="pdf/x-4"`` does (its function in
``weasyprint.pdf.pdfx``: the XMP metadata with GTS_PDFXVersion, ``Trapped``), and declares
the output intent: an ICC profile for the printing condition.  The book's own
``styles/output-intent.icc`` (the profile the printer names, e.g. a FOGRA or GRACoL CMYK
characterisation) is used when there is one; otherwise sRGB (the profile WeasyPrint
ships), as the book's colours are sRGB.  WeasyPrint's XMP has a random DocumentID: it is
replaced by one derived from the document's metadata, so the same book gives the same
bytes.

``check(data)`` reads the written file back (pikepdf): every font must be embedded, and
every raster image is measured where it is drawn (its pixels over its size on the page);
under 300 dpi each is named (the project's image of those pixel dimensions) in a warning.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

MIN_DPI = 300
OWN_PROFILE = "styles/output-intent.icc"
_DID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def output_profile(root: Path) -> tuple[bytes, int, str]:
    """(ICC bytes, components, name) of the output intent."""
    own = root / OWN_PROFILE
    if own.is_file():
        from ..gate import read_input

        data = read_input(own, OWN_PROFILE, root)
        space = data[16:20]
        n = {b"CMYK": 4, b"RGB ": 3, b"GRAY": 1}.get(space)
        if n is None:
            from ..diagnostics import BookError, Diagnostic, Severity

            raise BookError(Diagnostic(OWN_PROFILE, None, Severity.ERROR,
                                       "not an ICC profile of a CMYK, RGB or grey printing condition",
                                       "print.output-intent"))
        desc = own.stem
        return data, n, desc
    from importlib.resources import files

    data = (files("weasyprint") / "pdf" / "sRGB2014.icc").read_bytes()
    return data, 3, "sRGB IEC61966-2.1"


def output_intent(pdf: Any, root: Path, compress: bool) -> None:
    """Declare the printing condition in the ``pydyf.PDF``: its ICC profile as the output
    intent (the PDF/X-4 itself is made in ``weasy.make_x4``)."""
    import pydyf

    icc, n, name = output_profile(root)
    profile = pydyf.Stream([icc], pydyf.Dictionary({"N": n}), compress=compress)
    pdf.add_object(profile)
    pdf.catalog["OutputIntents"] = pydyf.Array([pydyf.Dictionary({
        "Type": "/OutputIntent", "S": "/GTS_PDFX",
        "OutputConditionIdentifier": pydyf.String(name), "Info": pydyf.String(name),
        "DestOutputProfile": profile.reference})])


def stable_document_id(pdf: Any, document: Any) -> None:
    """WeasyPrint's XMP has a random DocumentID: one derived from the document's metadata
    instead, so the same book gives the same bytes."""
    import pydyf

    meta = document.metadata
    seed = "\0".join([meta.title or "", meta.modified or "", str(len(document.pages))])
    did = b"xmp.did:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "edition:" + seed)).encode()
    for obj in reversed(pdf.objects):  # the XMP stream include_in_pdf has just added
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [_DID.sub(did, part) if isinstance(part, bytes) else part for part in obj.stream]
            break


def _fonts(resources: Any, seen: set) -> list[str]:
    """Names of the fonts in these resources (and their forms') with no embedded program."""
    missing: list[str] = []
    if resources is None:
        return missing
    for font in (resources.get("/Font") or {}).values():
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        if font.get("/Subtype") == "/Type3":
            continue  # drawn by its own procedures
        desc_font = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
        fd = desc_font.get("/FontDescriptor")
        if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.append(str(font.get("/BaseFont", "?")))
    for xo in (resources.get("/XObject") or {}).values():
        if xo.objgen not in seen and xo.get("/Subtype") == "/Form":
            seen.add(xo.objgen)
            missing += _fonts(xo.get("/Resources"), seen)
    return missing


def _draws(page: Any) -> list[tuple[int, int, float, float, int]]:
    """(pixel width, pixel height, drawn width pt, drawn height pt, page) of each image."""
    import pikepdf

    out: list[tuple[int, int, float, float, int]] = []

    def walk(obj: Any, resources: Any, ctm: pikepdf.Matrix, depth: int) -> None:
        stack: list[pikepdf.Matrix] = []
        xobjects = (resources or {}).get("/XObject") or {}
        for operands, op in pikepdf.parse_content_stream(obj):  # type: ignore[misc]
            o = str(op)
            if o == "q":
                stack.append(ctm)
            elif o == "Q" and stack:
                ctm = stack.pop()
            elif o == "cm":
                ctm = pikepdf.Matrix(*[float(v) for v in operands]) @ ctm
            elif o == "Do":
                xo = xobjects.get(str(operands[0]))
                if xo is None:
                    continue
                if xo.get("/Subtype") == "/Image":
                    a, b, c, d = ctm.a, ctm.b, ctm.c, ctm.d
                    out.append((int(xo.Width), int(xo.Height), (a * a + b * b) ** 0.5,
                                (c * c + d * d) ** 0.5, -1))
                elif xo.get("/Subtype") == "/Form" and depth < 8:
                    m = pikepdf.Matrix(*[float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0])])
                    walk(xo, xo.get("/Resources"), m @ ctm, depth + 1)

    walk(page, page.obj.get("/Resources"), pikepdf.Matrix(), 0)
    return out


def _image_names(root: Path) -> dict[tuple[int, int], list[str]]:
    """The project's raster images by pixel size (to name what the PDF draws)."""
    from PIL import Image

    names: dict[tuple[int, int], list[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff"):
            continue
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("build/", ".")) or "/." in rel or path.is_symlink():
            continue
        try:
            with Image.open(path) as im:
                names.setdefault(im.size, []).append(rel)
        except OSError:
            continue
    return names


def check(data: bytes, root: Path) -> list[tuple[str, str]]:
    """(code, message) for each problem a printer would find in the written PDF."""
    import io

    import pikepdf

    problems: list[tuple[str, str]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set = set()
        missing: list[str] = []
        low: dict[str, tuple[float, list[int]]] = {}
        names: dict[tuple[int, int], list[str]] | None = None
        for number, page in enumerate(pdf.pages, 1):
            missing += _fonts(page.obj.get("/Resources"), seen)
            for w, h, dw, dh, _ in _draws(page):
                if dw <= 0 or dh <= 0:
                    continue
                dpi = min(w / (dw / 72), h / (dh / 72))
                if dpi + 0.5 < MIN_DPI:
                    if names is None:
                        names = _image_names(root)
                    name = " or ".join(names.get((w, h), [])) or f"an image of {w} × {h} px"
                    worst, pages = low.get(name, (dpi, []))
                    low[name] = (min(worst, dpi), pages + [number])
        for name in sorted(set(missing)):
            problems.append(("print.font", f"font {name} is not embedded: a printer will refuse the file"))
        for name, (dpi, pages) in sorted(low.items()):
            where = ", ".join(map(str, sorted(set(pages))))
            problems.append(("print.resolution",
                             f"{name} prints at {dpi:.0f} dpi (page{'s' if len(set(pages)) > 1 else ''} "
                             f"{where} of the PDF): printers ask for {MIN_DPI}"))
    return problems
