"""The schemas of the project's YAML files (pydantic), in one module.

Imported only when a YAML text is validated: a rebuild whose configuration has not
changed reads the validated data from the memo (``step_memo.py``) and never imports
pydantic.  ``yamlio.validate`` maps a validation error to the file and line.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator


def _no_blank_form(cls: type, v: list[str]) -> list[str]:
    """The glossary's and the register's ``forms``: a blank form would match everywhere."""
    for f in v:
        if not f.strip():
            raise ValueError("a form may not be blank")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class AuthorItem(_Strict):
    name: StrictStr = Field(min_length=1)
    file_as: StrictStr | None = None  # "Curie, Marie"; by default from persons.yaml or inverted


class PaperConfig(_Strict):
    """The interior paper, for the cover's spine (render/print_cover.py): the thickness of
    a leaf in mm (``caliper``) or the pages per inch the printer quotes (``ppi``)."""

    caliper: float | None = Field(None, gt=0, le=2, strict=False)  # mm a leaf (two pages)
    ppi: float | None = Field(None, gt=0, le=2000, strict=False)  # pages per inch


def isbn13_problem(value: str) -> str | None:
    """What is wrong with an ISBN-13 (hyphens and spaces allowed), or None."""
    digits = value.replace("-", "").replace(" ", "")
    if not re.fullmatch(r"97[89][0-9]{10}", digits):
        return "an ISBN must be 13 digits beginning 978 or 979 (hyphens allowed)"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10
    if int(digits[12]) != check:
        return f"ISBN check digit is {digits[12]}, but the first twelve digits give {check}"
    return None


def _isbn(cls: type, v: str | None) -> str | None:
    if v is not None and (problem := isbn13_problem(v)):
        raise ValueError(problem)
    return v


class SeriesItem(_Strict):
    title: StrictStr = Field(min_length=1)
    number: StrictInt | StrictStr | None = None  # the book's place in the series


BACK_MATTER_PARTS = ("abbreviations", "glossary", "family", "register", "chronology",
                     "textual-notes", "sources", "index")


class HouseStyle(_Strict):
    dash: Literal["en", "em"] = "en"  # a spaced en dash or a closed em dash (transforms/house_style.py)


class BookConfig(_Strict):
    title: StrictStr = Field(max_length=500)  # #27: a 2 MB title is refused, not drawn
    slug: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)
    language: StrictStr = Field("en", max_length=100)  # BCP 47, checked with its line (transforms/languages.py)
    subtitle: StrictStr | None = Field(None, max_length=500)
    short_title: StrictStr | None = Field(None, max_length=200)
    editor: StrictStr | None = Field(None, max_length=500)
    authors: list[StrictStr | AuthorItem] = []
    publisher: StrictStr | None = None
    description: StrictStr | None = None
    subjects: list[StrictStr] = []
    rights: StrictStr | None = None
    identifier: StrictStr | None = None
    isbn: StrictStr | None = None  # ISBN-13, check digit checked
    series: SeriesItem | None = None
    edition: StrictStr | None = None  # the editor's edition statement ("Second printing, 2027")
    date: StrictStr | None = None  # the editions' date (YYYY-MM-DD), when SOURCE_DATE_EPOCH is unset
    cover: StrictStr | None = None  # the editor's cover image (PNG, JPEG or SVG), a project path
    cover_alt: StrictStr | None = None  # its text alternative
    back_matter: list[Literal[BACK_MATTER_PARTS]] | None = None  # type: ignore[valid-type]  # which, in order
    page_size: Literal["A5", "A4", "Letter"] = "A5"
    paper: PaperConfig | None = None  # default: 80 gsm uncoated, 0.1 mm a leaf
    house_style: HouseStyle | None = None
    # how print breaks the lines of body paragraphs: WeasyPrint's own (greedy), or chosen over
    # each whole paragraph (render/totalfit.py; its lines are held by no-break spaces, which a
    # copy of the PDF's text then carries)
    line_breaking: Literal["greedy", "total-fit"] = "greedy"
    chapters: list[StrictStr] = Field(min_length=1)
    silence: list[StrictStr] = []

    _isbn = field_validator("isbn")(_isbn)

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None:
            import datetime

            try:
                if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
                    raise ValueError
                datetime.date.fromisoformat(v)
            except ValueError:
                raise ValueError("a date is a day of the calendar written YYYY-MM-DD") from None
        return v


class ChapterConfig(_Strict):
    title: StrictStr
    subtitle: StrictStr | None = None
    short_title: StrictStr | None = None
    author: StrictStr | None = None
    date: StrictStr | None = None
    original_publication: StrictStr | None = None
    source: StrictStr | None = None
    translator: StrictStr | None = None
    rights: StrictStr | None = None
    role: Literal["front", "body", "back"] = "body"
    kind: Literal["document", "editorial"] = "document"
    headnote: StrictStr | None = None
    language: StrictStr | None = None  # BCP 47; by default the book's


class GlossaryItem(_Strict):
    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    headword: StrictStr
    category: Literal["term", "organisation", "event", "periodical", "place"]
    forms: list[StrictStr] = []
    definition: StrictStr
    see: list[StrictStr] = []
    # `editor`, or the id (sources/sources.yaml) of the document whose own glossary the entry
    # reproduces verbatim (checked against sources.yaml when the glossary is read)
    source: StrictStr = Field("editor", pattern=r"^[a-z0-9][a-z0-9-]*$")
    note: StrictStr | None = None
    explicit_only: list[StrictStr] = []

    _forms = field_validator("forms")(_no_blank_form)


class ChapterApparatus(_Strict):
    headnote: StrictStr | None = None
    short_title: StrictStr | None = None  # for running heads, when the title is long
    questions: list[StrictStr] = []


class ApparatusFile(_Strict):
    """apparatus.yaml: the editor's additions to each document, kept apart from its text."""

    chapters: dict[str, ChapterApparatus] = {}


class GlossaryFile(_Strict):
    introduction: StrictStr | None = None  # the glossary's opening (blank lines: paragraphs; *title*)
    # source id -> how an entry from that document's glossary names it ("the 1776 edition
    # *Title*"); by default the document's title
    source_labels: dict[StrictStr, StrictStr] = {}
    entries: list[GlossaryItem] = []


class GlossaryEntryText(_Strict):
    source: StrictStr
    headword: StrictStr
    text: StrictStr


class Spouse(_Strict):
    person: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    married: StrictStr | None = None  # as the documents give it ("1902, in the transfer prison")


class FamilyTree(_Strict):
    """The family tree figure drawn from the persons' ``parents`` and ``spouses``."""

    title: StrictStr = Field(min_length=1)
    root: list[StrictStr] = Field(min_length=1)  # the person ids at the top of the tree
    caption: StrictStr | None = None


class PersonItem(_Strict):
    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    sort_name: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)
    dates: StrictStr | None = None
    identification: StrictStr = Field(min_length=1)
    forms: list[StrictStr] = []
    ambiguous: dict[StrictStr, list[StrictStr]] = {}
    sources: list[StrictStr] = []
    glossary_entry: GlossaryEntryText | None = None
    parents: list[StrictStr] = []  # person ids (the family tree, docs/persons.md)
    spouses: list[Spouse] = []

    _forms = field_validator("forms")(_no_blank_form)


class IndexRulesItem(_Strict):
    """persons.yaml ``index:``: how the book's names file (render/index.py, docs/persons.md)."""

    titles: list[StrictStr] = []  # words dropped before a name ("King Henry VIII" -> "Henry VIII")
    given_name_endings: list[StrictStr] = []  # a last word so ending is not a surname (patronymics)
    nicknames: list[StrictStr] = []  # first words of nicknames, filed whole ("Old Man, the")


class PersonsFile(_Strict):
    """persons.yaml: the register of persons (docs/persons.md)."""

    introduction: StrictStr | None = None  # the register's opening: whom it lists, whom it leaves out
    index: IndexRulesItem | None = None
    family: FamilyTree | None = None
    persons: list[PersonItem] = []


class AbbreviationItem(_Strict):
    abbreviation: StrictStr = Field(min_length=1)  # as the list shows it: "NATO"
    spellings: list[StrictStr] = []  # the other ways the documents write it: "N. A. T. O."
    meaning: StrictStr = Field(min_length=1)
    glossary: StrictStr | None = None  # id of the glossary entry about it


class AbbreviationsFile(_Strict):
    """abbreviations.yaml: the list of abbreviations (docs/persons.md)."""

    introduction: StrictStr | None = None
    abbreviations: list[AbbreviationItem] = []


# -- sources/sources.yaml and sources/corrections/<id>.yaml --------------------

class SourceItem(_Strict):
    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    file: StrictStr
    sha256: StrictStr = Field(pattern=r"^[0-9a-f]{64}$")
    author: StrictStr
    title: StrictStr
    date: StrictStr
    kind: StrictStr = Field(min_length=1)  # "web transcription", "OCR scan", "plain text", "web page"
    importer: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]*$")  # checked against the importers installed
    rights: StrictStr
    subtitle: StrictStr | None = None
    periodical: StrictStr | None = None
    volume: StrictStr | None = None
    number: StrictStr | None = None
    page: StrictStr | None = None
    publication: StrictStr | None = None
    credit: StrictStr | None = None
    translator: StrictStr | None = None
    chapter: StrictStr | None = Field(default=None, pattern=r"^[0-9]{2}-[a-z0-9-]+\.md$")
    short_title: StrictStr | None = None  # how the apparatus names the document ("Sources: …")
    strip: list[StrictStr] = []  # regular expressions: lines of boilerplate the import removes
    # plain text (importers/text.py): how the lines of the file are read
    lines: Literal["join", "keep"] = "join"  # keep: every line break stays (verse, aphorisms)
    separator: StrictStr | None = None  # a line matching it divides pieces (%, * * *)
    pieces: Literal["paragraphs", "sections"] = "paragraphs"  # what a separator makes
    start_after: StrictStr | None = None  # the text starts after the first line matching it
    end_before: StrictStr | None = None  # the text ends before the first line matching it


class ReviewedItem(_Strict):
    line: StrictInt = Field(ge=1)
    token: StrictStr = Field(min_length=1)


class AsPrintedItem(_Strict):
    line: StrictInt = Field(ge=1)
    token: StrictStr = Field(min_length=1)
    why: StrictStr = Field(min_length=1)


class ImportFrontMatter(_Strict):
    title: StrictStr | None = None
    subtitle: StrictStr | None = None
    author: StrictStr | None = None
    date: StrictStr | None = None
    original_publication: StrictStr | None = None
    rights: StrictStr | None = None


class ImporterOptionsFile(_Strict):
    """sources/importers/<id>.yaml: what one source's importer must know of it (its words,
    its reviewed doubts), kept as the source's data so that edition/importers/ holds none."""

    front_matter: ImportFrontMatter | None = None  # what the chapter's front matter says instead
    spaced_words: list[StrictStr] = []  # ocr: words the print letter-spaces
    known_compounds: list[StrictStr] = []  # ocr: compounds whose line-end hyphen is real
    doubtful_compounds: list[StrictStr] = []  # ocr: compounds printed either way: joined, reported
    solid_words: list[StrictStr] = []  # ocr: words printed solid although both halves are words
    glossary_persons: list[StrictStr] = []  # ocr: glossary headwords that name persons
    reviewed: list[ReviewedItem] = []  # flagged tokens the editor read and found right
    as_printed: list[AsPrintedItem] = []  # readings kept as printed, reported for the notes
    extracts_heading: StrictStr | None = None  # biography: the heading numbered extracts follow
    plugin: dict[str, object] = {}  # free: for an importer another package installs


class SourcesFile(_Strict):
    sources: list[SourceItem] = Field(min_length=1)


class CorrectionItem(_Strict):
    line: StrictInt = Field(ge=1)
    read: StrictStr = Field(min_length=1)
    edition: StrictStr
    reason: Literal["ocr", "typo", "punctuation", "spacing", "quote", "hyphenation"]
    note: StrictStr | None = None


class CorrectionsFile(_Strict):
    corrections: list[CorrectionItem] = []
