"""#27: a book folder from a stranger reaches nothing else.

Each test is named after what it attacks.  Most call the library directly (fast tier); the
ones that must prove a whole ``build``/``check`` run a small book end to end.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import SmallBook

CHAPTER = "In the spring the editor wrote a letter.\n"


def small(root: Path) -> SmallBook:
    b = SmallBook(root)
    b.book(["one.md"])
    b.chapter("one.md", "One", CHAPTER)
    return b


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@b", GIT_COMMITTER_NAME="a",
               GIT_COMMITTER_EMAIL="a@b", GIT_AUTHOR_DATE="1600000000 +0000",
               GIT_COMMITTER_DATE="1600000000 +0000")
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


# -- 1. no code from the book runs ------------------------------------------------------------

@pytest.mark.skipif(shutil.which("git") is None, reason="git makes the hostile repository")
def test_git_fsmonitor_and_hooks_never_run_on_build_or_check(tmp_path):
    b = small(tmp_path / "book")
    git(b.root, "init", "-q")
    git(b.root, "add", "-A")
    git(b.root, "commit", "-q", "-m", "x")
    git(b.root, "tag", "v1.0")
    marker = tmp_path / "PWNED"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    with open(b.root / ".git/config", "a") as f:
        f.write(f"[core]\n\tfsmonitor = {script}\n\tpager = {script}\n\thooksPath = {tmp_path}\n"
                f"[diff]\n\texternal = {script}\n[alias]\n\tdescribe = !{script}\n")
    for hook in ("post-checkout", "pre-commit", "reference-transaction", "post-index-change"):
        (b.root / ".git/hooks" / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        (b.root / ".git/hooks" / hook).chmod(0o755)
    (tmp_path / "fsmonitor-watchman").write_text(f"#!/bin/sh\ntouch {marker}\n")
    r = b.run("build", "epub", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    r2 = b.run("check")
    assert not marker.exists(), "the book's git configuration ran a command"
    assert "Traceback" not in r2.stderr
    with zipfile.ZipFile(tmp_path / "out" / "small-book.epub") as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert "v1.0" in text  # the version still reaches the book, read from .git


@pytest.mark.skipif(shutil.which("git") is None, reason="git makes the repository")
def test_git_version_read_without_git_loose_and_packed(tmp_path):
    from edition.gitread import version

    root = tmp_path / "r"
    root.mkdir()
    (root / "a.txt").write_text("a")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "x")
    sha = git(root, "rev-parse", "HEAD")
    assert version(root) == (sha[:7], 1600000000)
    git(root, "tag", "v2")
    assert version(root) == ("v2", 1600000000)
    git(root, "gc", "-q", "--aggressive")  # packed refs, the commit in a pack
    assert not (root / ".git/objects" / sha[:2]).exists()
    assert version(root) == ("v2", 1600000000)


def test_git_head_linked_out_or_ref_with_dotdot_is_unversioned(tmp_path):
    from edition.gitread import version

    (tmp_path / "secret").write_text("0" * 40)
    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".git/HEAD").write_text("ref: refs/../../../secret\n")
    assert version(root) == ("unversioned", None)
    (root / ".git/HEAD").unlink()
    (root / ".git/HEAD").symlink_to(tmp_path / "secret")
    assert version(root) == ("unversioned", None)


def test_no_subprocess_module_in_the_build_path():
    """The build's own code never imports subprocess (the benchmark and the test helpers do)."""
    pkg = Path(__file__).resolve().parent.parent / "edition"
    users = sorted(str(p.relative_to(pkg)) for p in pkg.rglob("*.py")
                   if "import subprocess" in p.read_text() and "bench" not in p.parts)
    assert users == [], users


# -- 2. one boundary for reads and writes -------------------------------------------------------

def test_shipped_write_journal_with_dotdot_and_absolute_paths_is_not_replayed(tmp_path):
    from edition.atomic import JOURNAL, recover

    out = tmp_path / "book" / "build"
    out.mkdir(parents=True)
    key = tmp_path / "id_rsa"
    key.write_text("PRIVATE")
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    (out / ".x.epub.abcdefgh.tmp").write_text("evil")
    (out / JOURNAL).write_text(json.dumps([[str(key), "stolen"], ["../../victim.txt", "x"],
                                           [".x.epub.abcdefgh.tmp", "../../victim.txt"]]))
    recover(out)
    assert key.read_text() == "PRIVATE" and victim.read_text() == "mine"
    assert not (out / "stolen").exists() and not (out / JOURNAL).exists()


def test_shipped_write_journal_moving_a_link_out_is_not_replayed(tmp_path):
    from edition.atomic import JOURNAL, recover

    out = tmp_path / "build"
    out.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("s")
    (out / ".book.epub.abcdefgh.tmp").symlink_to(secret)
    (out / JOURNAL).write_text(json.dumps([[".book.epub.abcdefgh.tmp", "book.epub"]]))
    recover(out)
    assert not (out / "book.epub").exists() and secret.read_text() == "s"


def test_own_write_journal_is_still_completed(tmp_path):
    from edition.atomic import JOURNAL, recover

    out = tmp_path / "build"
    out.mkdir()
    (out / ".book.epub.abcdefgh.tmp").write_text("new")
    (out / JOURNAL).write_text(json.dumps([[".book.epub.abcdefgh.tmp", "book.epub"]]))
    recover(out)
    assert (out / "book.epub").read_text() == "new"


@pytest.mark.parametrize("name", ["build", ".cache"])
def test_build_or_cache_folder_linked_out_is_refused(tmp_path, name):
    b = small(tmp_path / "book")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep")
    (b.root / name).symlink_to(elsewhere)
    env = {"EDITION_CACHE_DIR": ""}
    r = b.run("build", "epub", env=env)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"{name}: error:" in r.stderr and "symbolic link" in r.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]


def test_concurrent_writers_do_not_remove_each_others_temporaries(tmp_path):
    """While one build holds the folder (writing its outputs aside), another's recover waits."""
    import threading

    from edition import atomic

    out = tmp_path / "build"
    out.mkdir()
    started, release = threading.Event(), threading.Event()
    real_aside = atomic._aside

    def slow_aside(path, data):
        name = real_aside(path, data)
        started.set()
        release.wait(5)
        return name

    atomic._aside = slow_aside
    try:
        t = threading.Thread(target=atomic.write_all, args=([(out / "a.epub", b"A")],))
        t.start()
        started.wait(5)
        other = threading.Thread(target=atomic.recover, args=(out,))
        other.start()
        other.join(0.5)
        assert other.is_alive(), "recover ran while another build was writing aside"
        release.set()
        t.join(5)
        other.join(5)
    finally:
        atomic._aside = real_aside
    assert (out / "a.epub").read_bytes() == b"A"


# -- 3. nothing the tool wrote is trusted when it comes with the book ---------------------------

RECORD = {"format": 1, "source": {"id": "s1", "file": "sources/s1.txt", "sha256": "0" * 64,
                                  "author": "A", "title": "T", "date": "1930", "kind": "letter",
                                  "rights": "public domain", "chapter": "01-one.md"},
          "applied": [], "removed": []}


@pytest.mark.parametrize("poison", [
    ("source", "id", 'x" onclick="alert(1)'),
    ("source", "chapter", "../../etc/passwd"),
    ("source", "sha256", "<script>"),
    ("applied", None, [{"line": "<script>alert(1)</script>", "read": "a", "edition": "b", "reason": "typo"}]),
    ("removed", None, [{"line": 1, "end": 2, "text": ["x"], "reason": "r"}]),
    ("source", "title", {"nested": True}),
])
def test_poisoned_import_record_is_refused(tmp_path, poison):
    from edition.diagnostics import BookError
    from edition.import_record import load_import_records

    rec = json.loads(json.dumps(RECORD))
    where, k, v = poison
    if k:
        rec[where][k] = v
    else:
        rec[where] = v
    (tmp_path / "sources/records").mkdir(parents=True)
    (tmp_path / "sources/records/s1.json").write_text(json.dumps(rec))
    with pytest.raises(BookError) as e:
        load_import_records(tmp_path, [("01-one.md", "One", "one")])
    assert e.value.diagnostics[0].code == "record.invalid"


def test_import_record_html_is_escaped_in_textual_notes(tmp_path):
    from edition.import_record import load_import_records

    rec = json.loads(json.dumps(RECORD))
    rec["source"]["title"] = '<script>alert(1)</script><iframe src="https://evil.example/">'
    rec["applied"] = [{"line": 3, "read": "<b onclick=x>", "edition": "y", "reason": "typo", "note": "<i>"}]
    (tmp_path / "sources/records").mkdir(parents=True)
    (tmp_path / "sources/records/s1.json").write_text(json.dumps(rec))
    [r] = load_import_records(tmp_path, [("01-one.md", "One", "one")])
    assert r.source.title.startswith("<script>")  # read as data; escaped where printed (below)


@pytest.mark.parametrize("kind", ["fifo", "link-out"])
def test_import_record_fifo_or_link_out_is_refused_not_read(tmp_path, kind):
    from edition.diagnostics import BookError
    from edition.import_record import load_import_records

    (tmp_path / "book/sources/records").mkdir(parents=True)
    p = tmp_path / "book/sources/records/s1.json"
    if kind == "fifo":
        os.mkfifo(p)
    else:
        (tmp_path / "outside.json").write_text(json.dumps(RECORD))
        p.symlink_to(tmp_path / "outside.json")
    with pytest.raises(BookError) as e:
        load_import_records(tmp_path / "book", [("01-one.md", "One", "one")])
    assert e.value.diagnostics[0].code in ("file.not-regular", "file.outside")


def test_forged_manifest_and_output_shipped_with_the_book_are_rebuilt(tmp_path):
    """A book ships build/small-book.epub (the attacker's) and a manifest calling it up to
    date: the build makes its own EPUB."""
    from edition import build_manifest

    b = small(tmp_path / "book")
    cache = tmp_path / "cache"
    env = {"EDITION_CACHE_DIR": str(cache)}
    assert b.run("build", "epub", env=env).returncode == 0
    good = (b.root / "build/small-book.epub").read_bytes()
    [mpath] = list(cache.rglob(build_manifest.MANIFEST))
    sealed = mpath.read_bytes()
    assert sealed.startswith(b"edition-sealed-1 ")
    # the stranger's copy: the same manifest unsealed (as a tool without the key would write)
    body = json.loads(sealed.split(b"\n", 1)[1])
    forged = b"PK-evil"
    import hashlib
    for e in body["outputs"].values():
        e["sha256"] = hashlib.sha256(forged).hexdigest()
    (b.root / "build/small-book.epub").write_bytes(forged)
    mpath.write_bytes(json.dumps(body).encode())
    r = b.run("build", "epub", env=env)
    assert r.returncode == 0, r.stderr
    assert (b.root / "build/small-book.epub").read_bytes() == good


def test_forged_memo_entry_is_recomputed(tmp_path, monkeypatch):
    from edition import step_memo

    monkeypatch.setenv("EDITION_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    v = step_memo.json_value(tmp_path, "book", ["x"], lambda: calls.append(1) or {"title": "ok"})
    assert v == {"title": "ok"} and calls == [1]
    [entry] = list((tmp_path / "cache").rglob("book.*"))
    import hashlib
    evil = json.dumps({"title": "<script>"}).encode()
    entry.write_bytes(hashlib.sha256(evil).hexdigest().encode() + b"\n" + evil)  # the old format
    v = step_memo.json_value(tmp_path, "book", ["x"], lambda: calls.append(1) or {"title": "ok"})
    assert v == {"title": "ok"} and calls == [1, 1]
