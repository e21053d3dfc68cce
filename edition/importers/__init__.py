"""Importers: a raw source document -> a chapter (front matter + Markdown body).

Each importer is a chain of small named steps (see ``base.Step``).  Import is
deterministic: re-running it on the same source, record and corrections gives
the same chapter, which is what the fidelity check relies on.
"""
