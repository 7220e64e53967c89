"""Opening a filled workbook: the gate, then the book (python-calamine where it is safe,
``fastread``; openpyxl otherwise, ``books``). This is the part of reading that needs the file and
not the toolkit; ``reader`` reads the answers from the book it gives.

A worker that opens files for another process imports this module and what it opens with, not
the reader's own modules (``returns.ahead``): it starts opening sooner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from natk_xlsx.returns.books import FrozenBook, OpenpyxlBook, file_bytes


def open_book(source: str | Path | bytes, inflated: Mapping[str, bytes] | None = None,
              near: AbstractSet[str] = frozenset()) -> Any:
    """The fast reader where it can be used safely (python-calamine, for a file whose cells all
    lie where a questionnaire's can), else openpyxl. ``NATK_READER=openpyxl`` forces the latter.
    ``inflated``: worksheets' XML already inflated from these bytes (by the gate), by part name;
    ``near``: those the gate proved to have every cell where a questionnaire's lie."""
    import os

    if os.environ.get("NATK_READER", "") != "openpyxl":
        from natk_xlsx.returns.fastread import open_fast

        data = file_bytes(source)
        book = open_fast(data, inflated, near)
        if book is not None:
            return book
        source = data
    return OpenpyxlBook(source)


@dataclass
class Opened:
    """A workbook the gate let through, opened and not yet read: its book (a
    ``books.FrozenBook`` when it is to be read in another process), the application that saved
    it, what the gate noticed, the SHA-256 of the bytes that were checked, the notes the
    respondent attached to cells (``cellnotes``), and what lies past the readers' bounds
    (``fastread.far_text``)."""

    path: str
    book: Any
    application: str | None
    notices: list[str]
    digest: str
    cell_notes: list[tuple[str, str, str]] = field(default_factory=list)
    far: dict[str, tuple[int, str]] = field(default_factory=dict)

    def frozen(self) -> Opened:
        """The same, with every sheet read at once into a book that can be sent to another
        process (the book this one holds is closed)."""
        try:
            return Opened(self.path, FrozenBook(self.book), self.application, self.notices,
                          self.digest, self.cell_notes, self.far)
        finally:
            self.book.close()


def open_return(path: str | Path) -> Opened:
    """The part of reading that needs the file and not the toolkit: the gate, then the book.
    Raises ``UnusableFile`` when the file cannot be used at all."""
    from natk_xlsx.returns.gate import notices, open_checked

    checked = open_checked(path)
    info = checked.info
    from natk_xlsx.returns.cellnotes import cell_notes
    from natk_xlsx.returns.fastread import far_text

    book = open_book(checked.data, checked.sheets, checked.near)
    return Opened(str(path), book, info.application, notices(info),
                  hashlib.sha256(checked.data).hexdigest(), cell_notes(checked.data),
                  far_text(checked.data, checked.sheets, checked.near))
