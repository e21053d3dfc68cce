"""edition: historical documents to an edited book (EPUB 3 and print PDF)."""

__version__ = "0.1.0"
