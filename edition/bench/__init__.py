"""Benchmarks of the build: ``make bench`` (``python -m edition.bench``), see __main__.py."""
