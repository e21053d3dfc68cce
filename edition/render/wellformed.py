"""Well-formed or nothing: every XML document of an EPUB is parsed before it is shipped."""

from __future__ import annotations

import io
import zipfile


class LinkError(Exception):
    """The e-book links to an anchor no document has (a fault of the tool)."""


class MalformedError(LinkError):
    """A document of the e-book is not well-formed XML (a fault of the tool: the user's text
    is sanitised before it is rendered)."""


def check_well_formed(epub: bytes) -> bytes:
    """``epub`` itself if every XHTML, OPF, NCX and XML document in it parses as XML."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    problems = []
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        for name in z.namelist():
            if not name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                continue
            try:
                etree.fromstring(z.read(name), parser)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name} is not well-formed XML (line {exc.lineno}: {exc.msg})")
    if problems:
        raise MalformedError("; ".join(problems) + "; nothing was written")
    return epub
