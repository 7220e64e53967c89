"""What a file is when it is not a zip workbook: an old .xls or an encrypted workbook (both OLE2
files, told apart by their directory), another kind of document, or text. And ``UnusableFile``,
the gate's one-line refusal."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from natk_xlsx.errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: What a respondent may send back instead of the workbook (saved in another format): a folder
#: read lists these too, so that each gets its line saying what to do.
OTHER_SPREADSHEETS = (".xls", ".xlsb", ".xltx", ".xltm", ".ods", ".fods", ".numbers", ".csv")
#: How a zip archive (an .xlsx is one) begins: a local file header, or an empty archive's end.
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


def sent_file(path: Path, suffixes: Sequence[str]) -> bool:
    """Whether a folder read lists this path: a file with ``suffixes`` (a space after it
    too), in another spreadsheet format, a zip archive (a return sent zipped), or without a
    suffix but a zip inside (a workbook whose name lost its suffix); and not a lock file a
    spreadsheet application leaves, nor hidden. Each such file gets its line: a return in it was
    passed over without a word."""
    if path.name.startswith(("~$", ".~lock", ".")) or not path.is_file():
        return False
    suffix = path.suffix.lower().rstrip()
    if suffix in (*suffixes, *OTHER_SPREADSHEETS, ".zip"):
        return True
    return not suffix and _zipped(path)


def _zipped(path: Path) -> bool:
    """Whether a file begins as a zip archive does (the gate's test of a workbook's first
    bytes)."""
    try:
        with path.open("rb") as f:
            return f.read(4).startswith(ZIP_SIGNATURES)
    except OSError:
        return False


def held_returns(folder: Path, suffixes: Sequence[str]) -> int:
    """How many files a subfolder holds that may be returns (``sent_file``; CSV files alone, such
    as those a summary writes, are not taken for returns)."""
    try:
        return sum(1 for p in folder.iterdir()
                   if sent_file(p, suffixes) and p.suffix.lower() != ".csv")
    except OSError:
        return 0

#: Bytes read from each end of an OLE2 file to find its directory entries.
OLE2_SCAN_BYTES = 2**20

SEND_WORKBOOK = "send the filled-in questionnaire as the Excel workbook (.xlsx) it was sent out as"
RESAVE = "open it in Excel or LibreOffice and save it as Excel 2007-365 (.xlsx)"


class UnusableFile(InputError):
    """A file that cannot be read as a workbook; ``.code`` is a stable code, ``str()`` is one line:
    ``'<path>: <what is wrong>; <what to do>'``."""

    def __init__(self, path: str, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(path, message)

    def __reduce__(self) -> tuple[type[UnusableFile], tuple[str, str, str]]:
        # Survives pickling, so that a worker process can hand it back unchanged.
        return (type(self), (self.path, self.code, self.message))


# -- OLE2: old .xls, or an encrypted workbook -----------------------------------------------------

def ole2_refusal(path: str, handle: BinaryIO, size: int) -> UnusableFile:
    handle.seek(0)
    chunks = [(0, handle.read(OLE2_SCAN_BYTES))]
    if size > OLE2_SCAN_BYTES:  # the directory may also sit at the end
        start = max(OLE2_SCAN_BYTES, size - OLE2_SCAN_BYTES) // 512 * 512
        handle.seek(start)
        chunks.append((start, handle.read(OLE2_SCAN_BYTES)))

    directory = _ole2_directory(handle, size)

    def has(name: str) -> bool:
        return name in directory or any(
            _has_ole2_entry(offset, data, name) for offset, data in chunks)

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return UnusableFile(
            path, "FILE-ENCRYPTED",
            "the workbook is protected with a password to open; remove the password "
            "(File > Info > Protect Workbook) and send it again",
        )
    for stream, what in (("WordDocument", "an old Word document (.doc)"),
                         ("PowerPoint Document", "an old PowerPoint presentation (.ppt)")):
        if has(stream):
            return not_workbook_but(path, what)
    return UnusableFile(
        path, "FILE-XLS",
        "this is an old Excel 97-2003 .xls file; open it in Excel or LibreOffice and save it "
        "as .xlsx",
    )


def _ole2_directory(handle: BinaryIO, size: int) -> set[str]:
    """The names in an OLE2 file's directory, following its chain of sectors from the header
    (wherever in the file they are); empty when the header or the chain cannot be followed."""
    try:
        handle.seek(0)
        header = handle.read(512)
        (shift,) = struct.unpack_from("<H", header, 30)
        if shift not in (9, 12):
            return set()
        sector = 1 << shift
        (first_dir,) = struct.unpack_from("<I", header, 48)
        difat = struct.unpack_from("<109I", header, 76)
        per_fat = sector // 4
        names: set[str] = set()
        current, seen = first_dir, set[int]()
        while current < 0xFFFFFFFA and current not in seen and len(seen) < 4096:
            seen.add(current)
            offset = (current + 1) * sector
            if offset + sector > size:
                break
            handle.seek(offset)
            data = handle.read(sector)
            for at in range(0, sector, 128):
                (length,) = struct.unpack_from("<H", data, at + 64)
                if 2 <= length <= 64:
                    names.add(data[at:at + length - 2].decode("utf-16-le", "replace"))
            fat_index = current // per_fat
            if fat_index >= len(difat) or difat[fat_index] >= 0xFFFFFFFA:
                break
            handle.seek((difat[fat_index] + 1) * sector + (current % per_fat) * 4)
            raw = handle.read(4)
            if len(raw) < 4:
                break
            (current,) = struct.unpack("<I", raw)
        return names
    except (OSError, struct.error):
        return set()


def _has_ole2_entry(offset: int, data: bytes, name: str) -> bool:
    """True when ``data`` (read at ``offset``) holds an OLE2 directory entry called ``name``.

    Entries are 128 bytes at 128-byte boundaries: the UTF-16-LE name with its terminator, padded
    to 64 bytes, then the name's length in bytes (terminator included) as a 16-bit integer.
    """
    needle = name.encode("utf-16-le") + b"\x00\x00"
    at = data.find(needle)
    while at >= 0:
        if (offset + at) % 128 == 0 and at + 66 <= len(data):
            (length,) = struct.unpack_from("<H", data, at + 64)
            if length == len(needle):
                return True
        at = data.find(needle, at + 1)
    return False


# -- neither zip nor OLE2 ------------------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)


def not_workbook_but(path: str, what: str, todo: str = SEND_WORKBOOK) -> UnusableFile:
    return UnusableFile(
        path, "FILE-NOT-WORKBOOK", f"this is not an Excel workbook but {what}; {todo}"
    )


def not_workbook(path: str, head: bytes) -> UnusableFile:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return not_workbook_but(path, what)
    text = _as_text(head)
    if text is None:
        return not_workbook_but(path, "a file of unknown contents")
    lowered = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return not_workbook_but(path, "an Excel 2003 XML spreadsheet", RESAVE)
    if lowered.startswith(("<!doctype html", "<html")) or "<table" in lowered:
        return not_workbook_but(path, "a web page (HTML) under a spreadsheet's name", RESAVE)
    if lowered.startswith(NATK_CSV_HEADS):
        return not_workbook_but(path, "a CSV file written by natk-xlsx with a summary",
                                "keep summaries out of the folder of returns")
    return not_workbook_but(path, "text (perhaps CSV)")


#: How the CSV files a summary writes begin (``summary_data``, ``summary_sheets``): a folder of
#: returns that also holds an earlier summary is told so, not asked for the workbook again.
NATK_CSV_HEADS = ("workbook_id,institution,", "need_key,package_id,", "package_id,rank,")


def _as_text(head: bytes) -> str | None:
    boms = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
    for bom, codec in boms:
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="replace")
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="replace")
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
    return text if printable >= 0.95 * len(text) else None
