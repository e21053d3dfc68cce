"""A URL fetcher for WeasyPrint that reads only files inside the project.

No network request is ever made, and no file outside the project is read
(besides the package's own default styles and fonts, ``edition/data/styles``, which
serve a book that has no ``styles/`` of its own, or lacks one of their files):
anything else is refused with an error WeasyPrint reports and skips.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetchingError


class ProjectFetcher(URLFetcher):
    def __init__(self, root: Path):
        from ..build_manifest import PACKAGE_STYLES

        super().__init__()
        self.root = root.resolve()
        self.defaults = PACKAGE_STYLES.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):  # type: ignore[override]
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.defaults):
                return super().fetch(url, headers)
            try:
                path.relative_to(self.root)
            except ValueError:
                self.refused.append(url)
                raise URLFetchingError(f"refused: {url} is outside the project") from None
            own = self.root / "styles"
            if not path.exists() and path.is_relative_to(own):  # the shipped default of that file
                default = self.defaults / path.relative_to(own)
                if default.is_file():
                    return super().fetch(default.as_uri(), headers)
            return self._project_file(url, Path(unquote(parsed.path)))
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        self.refused.append(url)
        raise URLFetchingError(f"refused: {url} (the print edition reads only project files)")

    def _project_file(self, url: str, path: Path):
        """A file of the book, read through the gate (no link out, no FIFO, a size limit); an
        SVG as ``safe_svg`` passes and re-serialises it (#27)."""
        import mimetypes

        from weasyprint.urls import URLFetcherResponse

        from ..diagnostics import BookError
        from ..gate import read_input

        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            rel = path.name
        try:
            data = read_input(path, rel, self.root)
        except BookError as exc:
            self.refused.append(url)
            raise URLFetchingError(f"refused: {exc.diagnostics[0].message}") from None
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix.lower() == ".svg":
            from ..safe_svg import clean_svg, svg_problems

            if problems := svg_problems(data):
                self.refused.append(url)
                raise URLFetchingError(f"refused: {rel} {problems[0]}")
            data = clean_svg(data)
            media = "image/svg+xml"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": media})
