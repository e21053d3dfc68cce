"""SVG from a book folder, checked on a parsed tree against an allow-list.

``svg_problems(data)`` lists what makes an SVG unfit to ship in an EPUB, kepub, PDF or web
edition; an SVG with none is shipped as ``clean_svg`` re-serialises it (no comments).  The
tree is parsed by lxml with no entity resolved, no DTD loaded and no network; then:

* no DOCTYPE (so no entity, internal or external), no entity reference, no processing
  instruction (``<?xml-stylesheet?>``) anywhere in the document;
* every element is an SVG element on the allow-list (shapes, text, paint servers, filters,
  ``use``, ``a``, ``style``, ``title``/``desc``/``metadata`` …): no ``script``, no
  ``foreignObject``, no animation (``set``, ``animate*``: they could set a link's target);
* every attribute is on the allow-list (presentation and geometry attributes, ``href`` /
  ``xlink:href``, ``xml:lang`` …); no event attribute, no attribute of another namespace;
* a link (``href``) is a fragment (``#id``), or, on ``<image>``, a ``data:`` image of an
  inert kind; every value that may hold ``url()`` is tokenized by ``safe_css`` (only
  fragments and inert ``data:``); ``style`` attributes and ``<style>`` elements are checked
  as CSS the same way (no ``@import``, no remote ``url()``);
* ``<use>`` is bounded: at most ``MAX_USE`` elements, and the elements drawn once every
  ``use`` is expanded (nested, counted through the ids they name) at most ``MAX_DRAWN``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

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

    from .safe_css import css_problems, data_problem, value_problems

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
