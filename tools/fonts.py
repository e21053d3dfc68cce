"""Derive the shipped print faces (edition/data/styles/fonts/) from EB Garamond 1.003.

The faces are Octavio Pardo's EB Garamond (version 1.003, SIL Open Font License 1.1,
no Reserved Font Name), as the npm package ``@expo-google-fonts/eb-garamond@0.4.3``
carries them (static TrueType files from Google Fonts).  They have true small capitals
(``smcp``, ``c2sc``) and old-style figures (``onum``), Latin, Greek and Cyrillic.

One change is made, recorded here: the faces have no NARROW NO-BREAK SPACE (U+202F),
which the edition puts between spaced initials ("G. P. U."); it is mapped to the
face's own THIN SPACE glyph (U+2009).  Line breaking follows the character, not the
glyph, so the space still does not break.

Run once when the faces change (needs npm and the network to the npm registry):

    .venv/bin/python tools/fonts.py
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "@expo-google-fonts/eb-garamond@0.4.3"
FACES = {  # file in the package -> file shipped
    "400Regular/EBGaramond_400Regular.ttf": "EBGaramond-Regular.ttf",
    "400Regular_Italic/EBGaramond_400Regular_Italic.ttf": "EBGaramond-Italic.ttf",
    "600SemiBold/EBGaramond_600SemiBold.ttf": "EBGaramond-SemiBold.ttf",
    "600SemiBold_Italic/EBGaramond_600SemiBold_Italic.ttf": "EBGaramond-SemiBoldItalic.ttf",
}
MAPPED = {0x202F: 0x2009}  # narrow no-break space -> the thin space's glyph


def derive(src: Path, dest: Path) -> None:
    font = TTFont(src, recalcTimestamp=False)
    for table in font["cmap"].tables:
        if table.isUnicode():
            for new, old in MAPPED.items():
                if old in table.cmap and new not in table.cmap:
                    table.cmap[new] = table.cmap[old]
    font.save(dest)


def main() -> int:
    out = ROOT / "edition" / "data" / "styles" / "fonts"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent", "--pack-destination", tmp], check=True)
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        pkg = Path(tmp) / "package"
        for name, shipped in FACES.items():
            derive(pkg / name, out / shipped)
            print(f"wrote {out / shipped}")
        licence = (pkg / "LICENSE_FONT").read_text(encoding="utf-8")
        (out / "OFL.txt").write_text(
            "Files: " + ", ".join(FACES.values()) + f"\n(EB Garamond 1.003 from {PACKAGE};"
            " U+202F mapped to the thin space glyph, see tools/fonts.py)\n\n" + licence,
            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
