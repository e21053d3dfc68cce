"""Insert the editor's notes listed in editorial-notes.yaml into the chapters.

Each entry names a chapter file, a note label (``ed-…``), the phrase after which
the call goes (its first occurrence; ``after`` narrows the search to text that
follows another phrase), and the note's Markdown text.  Re-running is safe: a
label already present in the chapter is left alone.  The fidelity check
(``edition check``) ignores editor's notes, so the author's text is untouched.

    .venv/bin/python tools/insert_notes.py

With ``--sync``, the text of every note already in a chapter is also replaced by the
text in editorial-notes.yaml (so that a corrected note is edited in one place).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sync = "--sync" in sys.argv[1:]
    notes = YAML(typ="safe", pure=True).load((ROOT / "tools" / "editorial-notes.yaml").read_text())
    problems = 0
    by_file: dict[str, list[dict]] = {}
    for n in notes:
        by_file.setdefault(n["chapter"], []).append(n)
    for fname, items in by_file.items():
        path = ROOT / "chapters" / fname
        text = path.read_text(encoding="utf-8")
        head, sep, defs = text.partition("\n[^")
        body = head
        tail = sep + defs if sep else ""
        added = []
        synced: list[str] = []
        for n in items:
            label = n["label"]
            if f"[^{label}]" in text:
                if sync:
                    new_def = f"[^{label}]: {n['text'].strip()}"
                    tail, count = re.subn(rf"^\[\^{re.escape(label)}\]: .*$",
                                          lambda _m, d=new_def: d, tail, count=1, flags=re.M)
                    if count and new_def not in text:
                        synced.append(label)
                continue
            start = 0
            fm_end = body.find("\n---", 4) + 4  # never inside the front matter
            start = fm_end
            if n.get("after"):
                k = body.find(n["after"], start)
                if k < 0:
                    print(f"{fname}: '{n['after']}' not found (note {label})")
                    problems += 1
                    continue
                start = k
            k = body.find(n["phrase"], start)
            if k < 0:
                print(f"{fname}: '{n['phrase']}' not found (note {label})")
                problems += 1
                continue
            k += len(n["phrase"])
            body = body[:k] + f"[^{label}]" + body[k:]
            added.append(f"[^{label}]: {n['text'].strip()}")
        if synced and not added:
            path.write_text(body + tail, encoding="utf-8")
            print(f"{fname}: {len(synced)} note(s) updated")
        if added:
            if not tail:
                body = body.rstrip("\n") + "\n"
            new = body + tail.rstrip("\n") + ("\n" if tail else "") + "\n" + "\n\n".join(added) + "\n"
            path.write_text(new, encoding="utf-8")
            print(f"{fname}: {len(added)} note(s) added")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
