"""The book as data: dataclasses only, no I/O.

Everything carries its origin (file and line) so that any later stage can
point a diagnostic at the place in the user's files that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .terms import default_terms

if TYPE_CHECKING:
    from markdown_it.token import Token

    from .import_record import ImportRecord

NoteKind = Literal["author", "translator", "editor"]
Role = Literal["front", "body", "back"]


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Creator:
    """A name on the book: its authors (``aut``), translators (``trl``), editor (``edt``).

    ``role`` is a MARC relator code; ``file_as`` the name as a library sorts it
    ("Curie, Marie").  Computed when the book is read (``edition/creators.py``), for
    the EPUB's ``dc:creator``/``dc:contributor`` and the PDF's Author field alike.
    """

    name: str
    file_as: str
    role: str = "aut"


@dataclass
class Fragment:
    """A piece of user-written Markdown outside a chapter's text: a headnote, a discussion
    question, a glossary definition or note, a register identification.  Parsed once, in
    the parse stage (``parse.make_fragment``); the transforms run over its tokens as over a
    chapter's (sanitizing, cross-references); the renderers only render them."""

    text: str
    tokens: list[Token]
    location: Location  # the file and the line on which the text begins

    def line_of(self, token_map: list[int] | None) -> int | None:
        if self.location.line is None:
            return None
        return self.location.line + (token_map[0] if token_map else 0)


@dataclass
class BookMeta:
    title: str
    slug: str
    language: str = "en"
    subtitle: str | None = None
    short_title: str | None = None
    editor: str | None = None
    publisher: str | None = None
    description: str | None = None
    subjects: list[str] = field(default_factory=list)
    rights: str | None = None
    identifier: str | None = None
    isbn: str | None = None  # ISBN-13 as the editor writes it (checked: schema.isbn13_problem)
    series: dict | None = None  # {"title": …, "number": …}
    edition: str | None = None  # the editor's edition statement
    date: str | None = None  # YYYY-MM-DD: the editions' date when SOURCE_DATE_EPOCH is unset
    cover: str | None = None  # the editor's cover image, a path in the project
    cover_alt: str | None = None
    back_matter: list[str] | None = None  # which back matter is printed, in order (None: all)
    page_size: str = "A5"
    paper: dict | None = None  # {"caliper": mm a leaf} or {"ppi": pages per inch}: the spine
    house_style: dict | None = None  # book.yaml `house_style:` (transforms/house_style.py)
    line_breaking: str = "greedy"  # or "total-fit" (render/totalfit.py)
    chapters: list[str] = field(default_factory=list)
    silence: list[str] = field(default_factory=list)
    authors: list[Creator] = field(default_factory=list)  # book.yaml `authors:`, as given (or none)
    creators: list[Creator] = field(default_factory=list)  # computed: authors, translators, editor
    location: Location = field(default_factory=lambda: Location("book.yaml"))
    key_lines: dict[str, int] = field(default_factory=dict)  # book.yaml key -> its line

    @property
    def author_names(self) -> list[str]:
        """The book's authors (role ``aut``), in order: e.g. for the PDF's Author field."""
        return [c.name for c in self.creators if c.role == "aut"]


@dataclass
class ChapterMeta:
    title: str
    subtitle: str | None = None
    short_title: str | None = None
    author: str | None = None
    date: str | None = None
    original_publication: str | None = None
    source: str | None = None
    translator: str | None = None
    rights: str | None = None
    role: Role = "body"
    kind: Literal["document", "editorial"] = "document"
    headnote: Fragment | None = None  # the editor's (front matter or apparatus.yaml)
    language: str | None = None  # BCP 47 tag, when not the book's (front matter `language:`)
    language_line: int | None = None  # where the front matter gives it
    questions: list[Fragment] = field(default_factory=list)  # for discussion (apparatus.yaml)


@dataclass
class Note:
    label: str  # the label in the Markdown source ([^label])
    number: int  # number in the chapter, in order of first call
    kind: NoteKind
    tokens: list[Token]
    location: Location
    anchor: str = ""  # id of the note element
    call_anchor: str = ""  # id of the (first) call


@dataclass
class Chapter:
    slug: str
    path: Path
    meta: ChapterMeta
    tokens: list[Token]
    location: Location
    body_line: int = 1  # file line on which the Markdown body starts
    notes: list[Note] = field(default_factory=list)
    number: int = 0
    body: str = ""  # the Markdown text after the front matter
    footnote_defs: dict[str, int] = field(default_factory=dict)  # label -> 0-based line in body

    @property
    def anchor(self) -> str:
        return f"ch-{self.slug}"

    def language(self, book_language: str) -> str:
        """The language of the chapter's text: its own ``language:``, else the book's.  A
        passage in another language carries its own tag (``{lang=de}``) on its tokens."""
        return self.meta.language or book_language

    def line_of(self, token_map: list[int] | None) -> int | None:
        if not token_map:
            return None
        return self.body_line + token_map[0]


@dataclass
class GlossaryEntry:
    id: str
    headword: str
    category: str
    forms: list[str]
    definition: str
    see: list[str] = field(default_factory=list)
    source: str = "editor"  # "editor", or the id of the source whose own glossary it reproduces
    location: Location = field(default_factory=lambda: Location("glossary.yaml"))
    occurrences: list[tuple[str, str]] = field(default_factory=list)  # (chapter slug, anchor id)
    note: str | None = None  # the editor's addition to an entry from a source's glossary (Markdown)
    explicit_only: list[str] = field(default_factory=list)  # ambiguous forms: linked only by markup
    text_lines: dict[str, int] = field(default_factory=dict)  # "definition"/"note" -> its first line
    definition_text: Fragment | None = None  # the definition, parsed (parse stage)
    note_text: Fragment | None = None  # the note, parsed


@dataclass(frozen=True)
class IndexRules:
    """How a form of a name files in the index of names (render/index.py ``heading_of``):
    the language's terms (``index-titles``, ``index-article``) and the book's own rules,
    persons.yaml ``index:`` (the titles its names carry, the endings of a given name's
    second part, such as a patronymic, the first words of nicknames)."""

    titles: frozenset[str] = frozenset()  # dropped before a name: "Professor", "Dr"
    article: str = "the"  # "the Little Corporal" files as "Little Corporal, the"
    given_name_endings: tuple[str, ...] = ()  # a last word so ending is no surname ("-ovna")
    nicknames: tuple[str, ...] = ()  # a form beginning so is a nickname, filed whole ("Old")


@dataclass
class Book:
    root: Path
    meta: BookMeta
    chapters: list[Chapter]
    glossary: list[GlossaryEntry] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)  # persons.yaml: the register of persons
    persons_intro: str | None = None  # persons.yaml `introduction`
    family: dict | None = None  # persons.yaml `family`: the family tree (title, root, caption)
    abbreviations: list[dict] = field(default_factory=list)  # abbreviations.yaml entries (+ "line")
    abbreviations_intro: str | None = None
    version: str = "unversioned"
    source_date_epoch: int = 0
    import_records: list[ImportRecord] = field(default_factory=list)  # sources/records/: Textual Notes, Sources
    terms: dict[str, str] = field(default_factory=default_terms)  # labels (edition/terms.py)
    glossary_intro: str | None = None  # glossary.yaml `introduction`
    glossary_sources: dict[str, str] = field(default_factory=dict)  # glossary.yaml `source_labels`
    index_rules: IndexRules | None = None  # how names file in the index (persons.yaml `index:`)
    font_credit: str | None = None  # styles/fonts/CREDIT.txt: the print edition's faces, credited
    images: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # images/x.png -> (type, bytes)
    # transforms/house_style.py: chapter anchor -> rule -> [(line, before, after)], on record
    house_style_changes: dict[str, dict[str, list]] = field(default_factory=dict)

    def fragments(self) -> list[Fragment]:
        """Every piece of user-written Markdown outside the chapters' text, in book order."""
        out: list[Fragment] = []
        for ch in self.chapters:
            out += [f for f in [ch.meta.headnote, *ch.meta.questions] if f is not None]
        for e in self.glossary:
            out += [f for f in (e.definition_text, e.note_text) if f is not None]
        out += [p.identification_text for p in self.persons if p.identification_text is not None]
        return out

    def chapter(self, slug: str) -> Chapter:
        for ch in self.chapters:
            if ch.slug == slug:
                return ch
        raise KeyError(slug)


@dataclass
class Apparatus:
    """apparatus.yaml's additions to one chapter: the editor's headnote and questions."""

    headnote: str | None = None
    short_title: str | None = None  # for running heads, when the title is long
    questions: list[str] = field(default_factory=list)
    line: int | None = None  # of the chapter's key in apparatus.yaml
    headnote_line: int | None = None  # where the headnote's text begins
    question_lines: list[int | None] = field(default_factory=list)


@dataclass
class Person:
    """An entry of the register of persons (persons.yaml, docs/persons.md)."""

    id: str
    sort_name: str  # "Curie, Marie": as the index sorts it
    name: str  # "Marie Curie": as the register shows it
    identification: str
    forms: list[str] = field(default_factory=list)  # names that always mean this person
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # form -> chapter slugs where it does
    dates: str | None = None
    sources: list[str] = field(default_factory=list)  # source ids the facts come from
    glossary_entry: dict[str, str] | None = None  # a document's own glossary entry, verbatim
    parents: list[str] = field(default_factory=list)  # person ids
    spouses: list[dict] = field(default_factory=list)  # {"person": id, "married": str | None}
    location: Location = field(default_factory=lambda: Location("persons.yaml"))
    form_lines: dict[str, int] = field(default_factory=dict)  # form -> line in persons.yaml
    occurrences: list[tuple[str, str, str]] = field(default_factory=list)  # (chapter slug, anchor, text)
    text_lines: dict[str, int] = field(default_factory=dict)  # "identification" -> its first line
    identification_text: Fragment | None = None  # the identification, parsed (parse stage)
