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

The checks are in ``safe_css.py``: a style sheet may hold a ``data:`` SVG and an SVG a
style sheet, each checked by the other, so they are one module (no import cycle).
"""

from .safe_css import MAX_DRAWN, MAX_SVG, MAX_USE, clean_svg, svg_problems

__all__ = ["MAX_DRAWN", "MAX_SVG", "MAX_USE", "clean_svg", "svg_problems"]
