"""Transforms: plain functions ``(Book, Reporter) -> Book`` in one ordered list.

They never touch the disk.  The order lives in ``edition.pipeline``.
"""
