"""Diagnostics: typed messages with a source location and a stable code.

Every problem in a book is reported as ``path:line: severity: message [code]``
(the Sphinx/GCC shape).  Codes can be silenced by name in ``book.yaml``
(``silence: [code, ...]``) and ``--strict`` turns warnings into errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int | None
    severity: Severity
    message: str
    code: str

    def format(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"


class BookError(Exception):
    """A problem in the user's book that stops the build (never a traceback)."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


@dataclass
class Reporter:
    """Collects diagnostics; knows which codes are silenced and strictness."""

    silenced: set[str] = field(default_factory=set)
    strict: bool = False
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        if diag.severity is not Severity.ERROR and (  # an error is never silenced (#27)
                diag.code in self.silenced or diag.code.split(".")[0] in self.silenced):
            return
        self.items.append(diag)

    def error(self, file: str, line: int | None, message: str, code: str) -> None:
        self.add(Diagnostic(file, line, Severity.ERROR, message, code))

    def warning(self, file: str, line: int | None, message: str, code: str) -> None:
        self.add(Diagnostic(file, line, Severity.WARNING, message, code))

    def extend(self, diags: list[Diagnostic]) -> None:
        for d in diags:
            self.add(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def failed(self) -> bool:
        if self.errors:
            return True
        return self.strict and bool(self.warnings)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.file, d.line or 0, d.code, d.message))
