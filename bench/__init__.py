"""Benchmarks of the build: ``make bench`` (``python -m bench``), see __main__.py."""
