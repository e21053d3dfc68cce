"""The Kobo edition (``edition build kepub``, render/kepub.py): the EPUB as kepubify
makes it, checked against kepubify's own test cases (kepub/transform_test.go) and on
the real edition with EPUBCheck."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, epubcheck_messages, run_epubcheck
from lxml import etree
from test_epub import real_epub

from edition.render.kepub import split_sentences, transform_content

H = "{http://www.w3.org/1999/xhtml}"
DOC = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml">'
       "<head><title>t</title></head><body>{}</body></html>")
WRAP = re.compile(r'<body><div id="book-columns"><div id="book-inner">(.*)</div></div></body>', re.S)


def kepub_body(inner: str) -> str:
    out = transform_content(DOC.format(inner).encode()).decode()
    assert '<style type="text/css" class="kobostylehacks">div#book-inner { margin-top: 0; margin-bottom: 0;}' \
           "</style></head>" in out
    m = WRAP.search(out)
    assert m, out
    return m.group(1).replace(' xmlns="http://www.w3.org/1999/xhtml"', "")


def s(p: int, n: int, text: str) -> str:
    return f'<span class="koboSpan" id="kobo.{p}.{n}">{text}</span>'


IMG = '<img src="test"/>'
# (input, kepubify's output), from kepubify's TestTransformContentParts
CASES = [
    ("<p>Sentence 1. Sentence 2. Sentence 3.</p>",
     f"<p>{s(1, 1, 'Sentence 1. ')}{s(1, 2, 'Sentence 2. ')}{s(1, 3, 'Sentence 3.')}</p>"),
    ("<p>Sentence 1. Sentence 2.</p><p>Sentence 3.</p><ul><li>Sentence 4</li><li>Sentence 5</li></ul>"
     "<ol><li>Sentence 6</li><li>Sentence 7</li></ol><table><tbody><tr><td>Test</td></tr><tr><td>Test</td>"
     "</tr></tbody></table>",
     f"<p>{s(1, 1, 'Sentence 1. ')}{s(1, 2, 'Sentence 2.')}</p><p>{s(2, 1, 'Sentence 3.')}</p>"
     f"<ul><li>{s(3, 1, 'Sentence 4')}</li><li>{s(3, 2, 'Sentence 5')}</li></ul>"
     f"<ol><li>{s(4, 1, 'Sentence 6')}</li><li>{s(4, 2, 'Sentence 7')}</li></ol>"
     f"<table><tbody><tr><td>{s(5, 1, 'Test')}</td></tr><tr><td>{s(5, 2, 'Test')}</td></tr></tbody></table>"),
    ('<p>Sentence<b> 1. </b>Sentence <span>2. Se</span>nten<a href="test.html">ce 3. Another word</a></p>',
     f"<p>{s(1, 1, 'Sentence')}<b>{s(1, 2, ' 1. ')}</b>{s(1, 3, 'Sentence ')}<span>{s(1, 4, '2. ')}"
     f"{s(1, 5, 'Se')}</span>{s(1, 6, 'nten')}<a href=\"test.html\">{s(1, 7, 'ce 3. ')}"
     f"{s(1, 8, 'Another word')}</a></p>"),
    ("<p>Touch this.</p><script>not this</script><style>or this</style><pre>or this</pre>"
     "<audio>or this</audio><video>or this</video><p>Touch this.</p>",
     f"<p>{s(1, 1, 'Touch this.')}</p><script>not this</script><style>or this</style><pre>or this</pre>"
     f"<audio>or this</audio><video>or this</video><p>{s(2, 1, 'Touch this.')}</p>"),
    ('<p>One.</p><img src="test"/><p>Three.</p>',
     f"<p>{s(1, 1, 'One.')}</p>{s(2, 1, IMG)}<p>{s(3, 1, 'Three.')}</p>"),
    ("<p>One.</p><p> </p><p><!-- comment --></p><p>Two.</p><p><b>Three.</b></p>",
     f"<p>{s(1, 1, 'One.')}</p><p>{s(2, 1, ' ')}</p><p><!-- comment --></p><p>{s(3, 1, 'Two.')}</p>"
     f"<p><b>{s(4, 1, 'Three.')}</b></p>"),
    ("<p>This is a test.\n    This is another sentence on the next line.<span> </span>Another sentence.</p>\n"
     "    <p>Another paragraph.</p><p> </p><p></p>",
     f"<p>{s(1, 1, 'This is a test.' + chr(10) + '    ')}{s(1, 2, 'This is another sentence on the next line.')}"
     f"<span> </span>{s(1, 3, 'Another sentence.')}</p>\n    <p>{s(2, 1, 'Another paragraph.')}</p>"
     f"<p>{s(3, 1, ' ')}</p><p></p>"),
]


@pytest.mark.parametrize("inner,expected", CASES)
def test_spans_as_kepubify_makes_them(inner, expected):
    assert kepub_body(inner) == expected


def test_sentences_split_as_kepubify_splits_them():
    text = ("Lorem ipsum dolor, sit amet. Consectetur adipiscing elit? Sed do eiusmod tempor incididunt!?! "
            "Ut labore et dolore magna aliqua.")
    assert split_sentences(text) == ["Lorem ipsum dolor, sit amet. ", "Consectetur adipiscing elit? ",
                                     "Sed do eiusmod tempor incididunt!?! ", "Ut labore et dolore magna aliqua."]
    assert split_sentences("") == [""]
    assert split_sentences("He said “no.” Then\u00a0left. ") == ["He said “no.” ", "Then\u00a0left. "]
    assert split_sentences("test\u00a0.\u00a0.") == ["test\u00a0.\u00a0."]  # only ASCII space ends one


def test_already_a_kepub_is_left_alone():
    once = transform_content(DOC.format("<p>One. Two.</p>").encode())
    twice = transform_content(once)
    assert twice.count(b'id="book-inner"') == 1 and twice.count(b"koboSpan") == once.count(b"koboSpan")


@pytest.fixture(scope="module")
def kepub(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kepub")
    proc = subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(ROOT), "build", "kepub", "-o", str(out)],
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    assert proc.returncode == 0, proc.stderr
    assert not (out / "trotsky-sedov-reader.epub").exists()  # only what was asked for
    return out / "trotsky-sedov-reader.kepub.epub"


def test_real_kepub_structure_and_epubcheck(kepub, tmp_path):
    real = real_epub(tmp_path / "epub")
    report = run_epubcheck(kepub)
    assert not epubcheck_messages(report), epubcheck_messages(report)
    with zipfile.ZipFile(kepub) as k, zipfile.ZipFile(real) as e:
        assert k.namelist() == e.namelist()
        assert k.read("EPUB/content.opf") == e.read("EPUB/content.opf")
        docs = [n for n in k.namelist() if n.endswith(".xhtml")]
        assert len(docs) > 10
        spans = 0
        for name in docs:
            kd, ed = etree.fromstring(k.read(name)), etree.fromstring(e.read(name))
            body = kd.find(f"{H}body")
            assert [c.get("id") for c in body] == ["book-columns"], name
            assert body[0][0].get("id") == "book-inner" and len(body[0]) == 1, name
            assert kd.find(f"{H}head/{H}style[@class='kobostylehacks']") is not None, name
            # the text is unchanged, letter for letter
            assert "".join(kd.find(f"{H}body").itertext()) == "".join(ed.find(f"{H}body").itertext()), name
            ids = [sp.get("id") for sp in kd.iter(f"{H}span") if sp.get("class") == "koboSpan"]
            assert len(ids) == len(set(ids)) and all(re.fullmatch(r"kobo\.\d+\.\d+", i) for i in ids), name
            spans += len(ids)
            # every other element and attribute is as it was
            others = [(el.tag, dict(el.attrib)) for el in kd.iter()
                      if el.get("class") != "koboSpan" and el.get("id") not in ("book-columns", "book-inner")
                      and el.get("class") != "kobostylehacks"]
            assert others == [(el.tag, dict(el.attrib)) for el in ed.iter()], name
        assert spans > 5000
        exile = k.read("EPUB/exile.xhtml").decode()
        # a note call and its note, as Kobo pops them up
        assert re.search(r'<a class="noteref [^"]*" id="exile-r1" href="#exile-n1" epub:type="noteref"', exile)
        assert re.search(r'<aside class="note [^"]*" id="exile-n1" epub:type="footnote"', exile)


def test_a_new_pdf_refreshes_the_kepub_beside_it(small_book, tmp_path):
    sb = small_book
    sb.chapter("01-a.md", "A", "One sentence. Another one.\n\nA second paragraph.\n", author="A. Author",
               date="1938", source="x")
    sb.book(["01-a.md"])
    out = tmp_path / "out"
    proc = sb.run("build", "kepub", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    kepub = out / "small-book.kepub.epub"
    with zipfile.ZipFile(kepub) as z:
        assert b'epub:type="page-list"' not in z.read("EPUB/nav.xhtml")  # no PDF yet: no page list
    proc = sb.run("build", "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {kepub}" in proc.stdout, proc.stdout
    with zipfile.ZipFile(kepub) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
        text = z.read("EPUB/a.xhtml").decode()
    assert 'epub:type="page-list"' in nav and 'class="koboSpan" id="kobo.' in nav
    assert '<span class="koboSpan" id="kobo.4.1">One sentence. </span>' \
           '<span class="koboSpan" id="kobo.4.2">Another one.</span>' in text, text
