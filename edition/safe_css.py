"""CSS from a book folder, checked by a real tokenizer (tinycss2), never by patterns.

``css_problems(text, local_ok)`` lists (line, problem) for everything in a style sheet that
could load something from elsewhere or run something:

* every ``url()`` (unquoted or quoted), every ``@import`` target and every string inside an
  image function (``image-set()``, ``-webkit-image-set()``, ``image()``, ``cross-fade()``)
  is a URL: only a fragment (``#id``), a ``data:`` URL whose contents pass (an image of an
  inert kind; a style sheet or SVG checked the same way, to a bounded depth), or, with
  ``local_ok``, a relative path inside the book (no scheme, no ``//``, no ``/``, no ``..``);
* a function must be on an allow-list (colours, maths, counters, gradients, transforms, the
  paged-media functions WeasyPrint knows, selector functions): ``expression()``,
  ``element()`` of another document and anything unknown is refused;
* comments, strings and escapes are the tokenizer's (``"/*"`` in a string opens no comment,
  ``u\\72l(`` is ``url(``).

``declarations_problems`` checks a ``style`` attribute's declarations; both are plain
functions (the SVG check and the web edition call them).
"""

from __future__ import annotations

import base64
import functools
import re
import urllib.parse
from collections.abc import Iterable
from typing import Any

FUNCTIONS = frozenset("""
url src local format tech attr var env calc min max clamp abs sign round mod rem sin cos tan
asin acos atan atan2 pow sqrt hypot log exp rgb rgba hsl hsla hwb lab lch oklab oklch color
color-mix light-dark device-cmyk linear-gradient radial-gradient conic-gradient
repeating-linear-gradient repeating-radial-gradient repeating-conic-gradient image-set
-webkit-image-set counter counters target-counter target-counters target-text string content
leader running element symbols matrix matrix3d translate translatex translatey translatez
translate3d scale scalex scaley scalez scale3d rotate rotatex rotatey rotatez rotate3d skew
skewx skewy perspective cubic-bezier steps blur brightness contrast drop-shadow grayscale
hue-rotate invert opacity saturate sepia fit-content minmax repeat not is where has lang dir
nth-child nth-last-child nth-of-type nth-last-of-type host host-context slotted part
selector supports layer font-feature-values stylistic styleset character-variant swash
ornaments annotation nth first last
""".split())
IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image", "cross-fade"})
INERT_DATA = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "font/woff",
                        "font/woff2", "font/ttf", "font/otf", "application/font-woff",
                        "application/font-woff2", "application/x-font-ttf",
                        "application/x-font-opentype", "application/vnd.ms-opentype"})
MAX_DEPTH = 3  # data: style sheets and SVGs inside data: URLs, nested
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _line(token: object) -> int:
    return int(getattr(token, "source_line", 1) or 1)


def data_problem(url: str, depth: int = 0) -> str | None:
    """None if a ``data:`` URL is inert (an image or font) or a style sheet / SVG that passes."""
    head, comma, body = url[5:].partition(",")
    if not comma:
        return "a data: URL without data"
    parts = [p.strip().lower() for p in head.split(";")]
    media = parts[0] or "text/plain"
    try:
        raw = base64.b64decode(body, validate=False) if "base64" in parts[1:] \
            else urllib.parse.unquote_to_bytes(body)
    except ValueError:
        return "a data: URL that cannot be decoded"
    if media in INERT_DATA:
        return None
    if depth >= MAX_DEPTH:
        return "data: URLs nested too deep"
    if media == "text/css":
        inner = css_problems(raw.decode("utf-8", "replace"), local_ok=False, depth=depth + 1)
        return f"a data: style sheet that {inner[0][1]}" if inner else None
    if media == "image/svg+xml":
        inner_svg = svg_problems(raw, depth=depth + 1)
        return f"a data: SVG that {inner_svg[0]}" if inner_svg else None
    return f"a data: URL of type '{media}', which the editions do not ship"


def url_problem(url: str, local_ok: bool, depth: int = 0) -> str | None:
    """None if ``url`` stays inside the book (see the module doc), else the problem."""
    u = url.strip()
    if u.startswith("#") or u == "":
        return None
    if u.lower().startswith("data:"):
        return data_problem(u, depth)
    if _SCHEME.match(u) or u.startswith(("/", "\\")) or "\\" in u \
            or ".." in re.split(r"[/\\]", urllib.parse.unquote(u)):
        return f"'{u[:80]}' is outside the project: the editions load nothing from elsewhere"
    if not local_ok:
        return f"'{u[:80]}': this style is shipped alone and may refer to no other file"
    return None


def _walk(tokens: Iterable[object], local_ok: bool, depth: int, out: list[tuple[int, str]],
          level: int = 0) -> None:
    import tinycss2.ast as ast

    if level > 64:
        out.append((1, "is nested too deep"))
        return
    for t in tokens:
        if isinstance(t, ast.URLToken):
            if p := url_problem(t.value, local_ok, depth):
                out.append((_line(t), p))
        elif isinstance(t, ast.FunctionBlock):
            name = t.lower_name
            if name not in FUNCTIONS and name not in IMAGE_FUNCTIONS:
                out.append((_line(t), f"the function {t.name}() is not one the editions allow"))
                continue
            if name in ("url", "src") or name in IMAGE_FUNCTIONS:
                for a in t.arguments:
                    if isinstance(a, ast.StringToken) and (p := url_problem(a.value, local_ok, depth)):
                        out.append((_line(a), p))
            _walk(t.arguments, local_ok, depth, out, level + 1)
        elif isinstance(t, (ast.SquareBracketsBlock, ast.ParenthesesBlock, ast.CurlyBracketsBlock)):
            _walk(t.content, local_ok, depth, out, level + 1)
        elif isinstance(t, ast.ParseError):
            out.append((_line(t), f"is not valid CSS ({t.message})"))


def css_problems(css: str, local_ok: bool, depth: int = 0) -> list[tuple[int, str]]:
    """(line, problem) for a style sheet: see the module doc."""
    import tinycss2
    import tinycss2.ast as ast

    out: list[tuple[int, str]] = []
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for r in rules:
        if isinstance(r, ast.AtRule):
            if r.lower_at_keyword == "import":
                for t in r.prelude:
                    if isinstance(t, ast.StringToken) and (p := url_problem(t.value, local_ok, depth)):
                        out.append((_line(t), p))
                if not any(isinstance(t, (ast.StringToken, ast.URLToken)) or
                           (isinstance(t, ast.FunctionBlock) and t.lower_name == "url") for t in r.prelude):
                    out.append((_line(r), "an @import without a style sheet to import"))
            _walk(r.prelude, local_ok, depth, out)
            if r.content is not None:
                _walk(r.content, local_ok, depth, out)
        elif isinstance(r, ast.QualifiedRule):
            _walk(r.prelude, local_ok, depth, out)
            _walk(r.content, local_ok, depth, out)
        elif isinstance(r, ast.ParseError):
            out.append((_line(r), f"is not valid CSS ({r.message})"))
    return out


def declarations_problems(text: str, depth: int = 0) -> list[tuple[int, str]]:
    """(line, problem) for a ``style`` attribute: only fragments and inert ``data:`` URLs."""
    import tinycss2

    out: list[tuple[int, str]] = []
    _walk(tinycss2.parse_component_value_list(text, skip_comments=True), False, depth, out)
    return out


def value_problems(text: str, depth: int = 0) -> list[str]:
    """Problems of an attribute value that may hold ``url()`` (``fill``, ``filter`` …)."""
    return [p for _, p in declarations_problems(text, depth)]


# -- SVG (safe_svg.py names these): in this module, as a style sheet may hold a data: SVG
#    and an SVG a style sheet, each checked by the other
# SVG from a book folder, checked on a parsed tree against an allow-list.
#
# ``svg_problems(data)`` lists what makes an SVG unfit to ship in an EPUB, kepub, PDF or web
# edition; an SVG with none is shipped as ``clean_svg`` re-serialises it (no comments).  The
# tree is parsed by lxml with no entity resolved, no DTD loaded and no network; then:
#
# * no DOCTYPE (so no entity, internal or external), no entity reference, no processing
#   instruction (``<?xml-stylesheet?>``) anywhere in the document;
# * every element is an SVG element on the allow-list (shapes, text, paint servers, filters,
#   ``use``, ``a``, ``style``, ``title``/``desc``/``metadata`` …): no ``script``, no
#   ``foreignObject``, no animation (``set``, ``animate*``: they could set a link's target);
# * every attribute is on the allow-list (presentation and geometry attributes, ``href`` /
#   ``xlink:href``, ``xml:lang`` …); no event attribute, no attribute of another namespace;
# * a link (``href``) is a fragment (``#id``), or, on ``<image>``, a ``data:`` image of an
#   inert kind; every value that may hold ``url()`` is tokenized by ``safe_css`` (only
#   fragments and inert ``data:``); ``style`` attributes and ``<style>`` elements are checked
#   as CSS the same way (no ``@import``, no remote ``url()``);
# * ``<use>`` is bounded: at most ``MAX_USE`` elements, and the elements drawn once every
#   ``use`` is expanded (nested, counted through the ids they name) at most ``MAX_DRAWN``.
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Namespaces drawing programs write their own bookkeeping in (Inkscape's guides and layers,
# the RDF licence block in <metadata>): inert in every renderer, so an element or attribute
# of one is not a reason to refuse a figure; ``clean_svg`` drops them all.  What stands
# inside such an element is still checked, element by element.
EDITOR_NS = frozenset({
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
})
MAX_USE = 500
MAX_DRAWN = 20_000
MAX_SVG = 16 * 1024 * 1024

ELEMENTS = frozenset("""
svg g defs desc title metadata symbol use switch a style view
path rect circle ellipse line polyline polygon text tspan textPath
linearGradient radialGradient stop pattern clipPath mask marker image
filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
feSpecularLighting feSpotLight feTile feTurbulence
""".split())

ATTRIBUTES = frozenset("""
id class style lang tabindex role focusable transform width height x y x1 y1 x2 y2 cx cy r rx
ry d points viewBox preserveAspectRatio version baseProfile fill fill-opacity fill-rule
stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin stroke-miterlimit
stroke-dasharray stroke-dashoffset opacity color display visibility overflow clip clip-path
clip-rule mask filter marker-start marker-mid marker-end markerWidth markerHeight markerUnits
refX refY orient font-family font-size font-style font-weight font-variant font-stretch
font-size-adjust font text-anchor text-decoration text-rendering letter-spacing word-spacing
writing-mode direction unicode-bidi dominant-baseline alignment-baseline baseline-shift
dx dy rotate textLength lengthAdjust startOffset method spacing side path pathLength
offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod fx fy fr
patternUnits patternContentUnits patternTransform maskUnits maskContentUnits
clipPathUnits filterUnits primitiveUnits in in2 result mode values type tableValues slope
intercept amplitude exponent k1 k2 k3 k4 operator order kernelMatrix divisor bias targetX
targetY edgeMode kernelUnitLength preserveAlpha surfaceScale diffuseConstant
specularConstant specularExponent lighting-color limitingConeAngle pointsAtX pointsAtY
pointsAtZ azimuth elevation z scale xChannelSelector yChannelSelector stdDeviation radius
flood-color flood-opacity baseFrequency numOctaves seed stitchTiles color-interpolation
color-interpolation-filters color-rendering shape-rendering image-rendering paint-order
vector-effect isolation mix-blend-mode pointer-events cursor href systemLanguage
requiredFeatures requiredExtensions media title aria-label aria-labelledby
aria-describedby aria-hidden zoomAndPan enable-background
""".split())

_URL_VALUE = re.compile(r"url\s*\(|\\", re.I)
_BAD_VALUE = re.compile(r"(?i)(java|vb)script\s*:|expression\s*\(")


def _local(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return None, name


def svg_problems(data: bytes, depth: int = 0) -> list[str]:
    """What makes ``data`` unfit to ship (see the module doc); [] if nothing."""
    from lxml import etree

    if len(data) > MAX_SVG:
        return [f"is larger than {MAX_SVG // 1024} KiB"]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return [f"is not well-formed SVG ({exc})"]
    except ValueError as exc:
        return [f"is not well-formed SVG ({exc})"]
    tree = root.getroottree()
    out: list[str] = []
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        out.append("carries a DOCTYPE (entities and DTDs are not shipped)")
    prev = root.getprevious()
    while prev is not None:
        if isinstance(prev, etree._ProcessingInstruction):
            out.append(f"carries a processing instruction <?{prev.target}?>")
        prev = prev.getprevious()
    if root.tag != f"{{{SVG_NS}}}svg":
        return out + ["is not an SVG image (its root element is not <svg> in the SVG namespace)"]
    ids: dict[str, Any] = {}
    uses = 0
    for el in root.iter():
        if isinstance(el, etree._ProcessingInstruction):
            out.append(f"carries a processing instruction <?{el.target}?>")
            continue
        if isinstance(el, etree._Entity):
            out.append(f"carries an entity reference &{el.name};")
            continue
        if not isinstance(el.tag, str):
            continue
        ns, name = _local(el.tag)
        if ns in EDITOR_NS:  # a drawing program's bookkeeping: dropped by clean_svg
            continue
        if ns != SVG_NS or name not in ELEMENTS:
            out.append(f"carries <{name}>{'' if ns == SVG_NS else f' of namespace {ns}'}, which the "
                       "editions do not ship (no scripts, foreign objects or animation)")
            continue
        if name == "use":
            uses += 1
        if name == "style":
            for _, p in css_problems(el.text or "", local_ok=False, depth=depth):
                out.append(f"<style>: {p}")
        for key, value in el.attrib.items():
            ans, local = _local(key)
            if ans in EDITOR_NS:  # sodipodi:docname, inkscape:label …: dropped by clean_svg
                continue
            if ans not in (None, XLINK_NS, XML_NS) or (ans is None and local not in ATTRIBUTES) \
                    or (ans == XLINK_NS and local not in ("href", "title")) \
                    or (ans == XML_NS and local not in ("lang", "space", "id")):
                out.append(f"<{name}> carries the attribute {local!r}, which the editions do not ship"
                           + (" (an event handler)" if local.lower().startswith("on") else ""))
                continue
            if local == "id":
                ids.setdefault(value, el)
            if local == "href":
                v = value.strip()
                if v.startswith("#"):
                    continue
                if name in ("image", "feImage") and v.lower().startswith("data:image/") \
                        and "svg" not in v[:40].lower():
                    if dp := data_problem(v, depth):
                        out.append(f"<{name}> href: {dp}")
                    continue
                out.append(f"refers to '{value[:80]}' outside itself")
                continue
            if _BAD_VALUE.search(value):
                out.append(f"<{name}> {local}: a script in an attribute")
            elif local == "style" or _URL_VALUE.search(value):
                out += [f"<{name}> {local}: {p}" for p in value_problems(value, depth)]
    if uses > MAX_USE:
        out.append(f"has {uses} <use> elements (at most {MAX_USE})")
    elif uses and (drawn := _drawn(root, ids)) > MAX_DRAWN:
        out.append(f"draws {drawn if drawn < 10**12 else 'more than 10¹²'} elements once its "
                   f"<use> references are expanded (at most {MAX_DRAWN})")
    return list(dict.fromkeys(out))


def _drawn(root: Any, ids: dict[str, Any]) -> int:
    """How many elements a renderer draws with every ``<use>`` expanded; a cycle counts as
    too many."""
    href_keys = (f"{{{XLINK_NS}}}href", "href")
    inf = 10**13

    @functools.cache
    def size(el_id: int) -> int:
        el = by_id[el_id]
        if el_id in active:
            return inf
        active.add(el_id)
        n = 1
        for child in el.iter():
            if child is el or not isinstance(child.tag, str):
                continue
            n += 1
            if child.tag == f"{{{SVG_NS}}}use":
                ref = next((child.get(k) for k in href_keys if child.get(k)), "")
                target = ids.get(ref[1:]) if ref.startswith("#") else None
                if target is not None:
                    n += size(id(target))
            if n >= inf:
                break
        active.discard(el_id)
        return min(n, inf)

    active: set[int] = set()
    by_id = {id(e): e for e in [root, *ids.values()]}
    return size(id(root))


def clean_svg(data: bytes) -> bytes:
    """The SVG as shipped: re-serialised from the parsed tree, comments and drawing programs'
    bookkeeping (``EDITOR_NS``) dropped (call only on data ``svg_problems`` passed)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    root = etree.fromstring(data, parser)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if _local(el.tag)[0] in EDITOR_NS:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
            continue
        for key in [k for k in el.attrib if _local(k)[0] in EDITOR_NS]:
            del el.attrib[key]
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)
