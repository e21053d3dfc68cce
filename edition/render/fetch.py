"""A URL fetcher for WeasyPrint that reads only files inside the project.

No network request is ever made, and no file outside the project is read:
anything else is refused with an error WeasyPrint reports and skips.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetchingError


class ProjectFetcher(URLFetcher):
    def __init__(self, root: Path):
        super().__init__()
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None):  # type: ignore[override]
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            try:
                path.relative_to(self.root)
            except ValueError:
                self.refused.append(url)
                raise URLFetchingError(f"refused: {url} is outside the project") from None
            return super().fetch(url, headers)
        if parsed.scheme == "data":
            return super().fetch(url, headers)
        self.refused.append(url)
        raise URLFetchingError(f"refused: {url} (the print edition reads only project files)")
