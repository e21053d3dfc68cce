"""The Kobo edition (registered in ``edition/outputs.py``): the EPUB as kepubify makes it
(``render/kepub.py``)."""

from __future__ import annotations

from ..outputs import Job
from .kepub import build_kepub


def build(job: Job) -> bytes:
    return build_kepub(job.made["epub"], job.book.meta.language)
