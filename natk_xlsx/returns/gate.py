"""The gate: decide whether a returned file can be read as a workbook at all, before any parsing.

``inspect_file`` opens the file read-only and looks only at its first bytes (and, for an old
OLE2 file, its last megabyte) and at the zip's central directory. It decompresses nothing except
``docProps/app.xml`` when that part is small, and parses that with defusedxml. Sizes come from
the central directory (``ZipInfo.file_size`` / ``compress_size``); ``zipfile`` never inflates a
member past its declared size, so a reader built on ``zipfile`` stays within what was checked here.

Every refusal is an ``UnusableFile`` with a stable code and a one-line message that names the file,
says what is wrong and what to do. Nothing else escapes: an unexpected failure becomes
``FILE-UNREADABLE``.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# defusedxml ships no type information; it is a hard dependency so hostile XML cannot expand.
from defusedxml import ElementTree as DefusedET  # type: ignore[import-untyped]

from natk_xlsx.returns.partscan import Kept, StructureProblem, check_parts
from natk_xlsx.returns.sniff import (
    RESAVE,
    WORKBOOK_SUFFIXES,
    ZIP_SIGNATURES,
    UnusableFile,
    held_returns,
    not_workbook,
    not_workbook_but,
    ole2_refusal,
)

MiB = 2**20

#: ``docProps/app.xml`` is parsed only when it is smaller than this.
APP_XML_MAX = 64 * 1024
#: Members at most this big are exempt from the compression-ratio check.
RATIO_FLOOR = 1 * MiB
#: A central directory larger than this many bytes per allowed member is refused unread.
CENTRAL_DIRECTORY_BYTES_PER_MEMBER = 1024

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
WORKBOOK_PART = "xl/workbook.xml"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
COMPRESSION_METHODS_READ = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})



@dataclass(frozen=True)
class Limits:
    """What the gate lets through: sizes, counts and ratios a questionnaire stays far below."""

    max_file_bytes: int = 50 * MiB
    max_members: int = 2000
    max_uncompressed_bytes: int = 200 * MiB  # whole archive
    max_member_bytes: int = 100 * MiB  # one member
    max_ratio: float = 100.0  # uncompressed/compressed, for members over 1 MiB
    max_sheets: int = 250  # sheets listed in xl/workbook.xml
    max_cells: int = 2_000_000  # cells in all worksheets together (a questionnaire: ~20,000)
    max_workbook_xml_bytes: int = 16 * MiB  # xl/workbook.xml, read whole


@dataclass(frozen=True)
class FileInfo:
    """What the gate learnt of a file it let through."""

    path: str
    size: int
    extension: str  # ".xlsx" or ".xlsm", from the contents (not the file's name)
    members: int
    uncompressed_bytes: int
    has_macros: bool  # xl/vbaProject.bin or Excel 4 macro sheets (never run; values are read only)
    has_external_links: bool  # xl/externalLinks/
    has_embedded_objects: bool  # xl/embeddings/ or ActiveX
    application: str | None  # docProps/app.xml <Application> (+ <AppVersion>): "LibreOffice/7.4..."
    notes: tuple[str, ...]  # sentences about the above worth telling the user


@dataclass(frozen=True)
class Checked:
    """A file the gate let through, as the gate read it: its bytes and the XML of its worksheets
    (part name → text), so that the reader neither reads the file again nor inflates a sheet a
    second time, and reads exactly the bytes that were checked."""

    info: FileInfo
    data: bytes
    sheets: dict[str, bytes]
    near: frozenset[str] = frozenset()  # the parts of ``sheets`` whose cells all lie near


def inspect_file(path: str | os.PathLike[str], limits: Limits = Limits()) -> FileInfo:
    """Check that ``path`` can be read as an xlsx/xlsm workbook; raise ``UnusableFile`` if not."""
    return _guarded(path, limits, None)


def open_checked(path: str | os.PathLike[str], limits: Limits = Limits()) -> Checked:
    """``inspect_file``, keeping what it read for the reader."""
    kept = _Kept()
    info = _guarded(path, limits, kept)
    return Checked(info, kept.data, kept.sheets, frozenset(kept.near))


class _Kept(Kept):
    def __init__(self) -> None:
        super().__init__()
        self.data = b""


def _guarded(path: str | os.PathLike[str], limits: Limits, kept: _Kept | None) -> FileInfo:
    shown = os.fspath(path)
    try:
        return _inspect(shown, limits, kept)
    except UnusableFile:
        raise
    except Exception as exc:  # the gate's promise: a coded message, never a traceback
        raise UnusableFile(
            shown, "FILE-UNREADABLE",
            f"could not be read ({_one_line(exc)}); check that it is a complete Excel workbook, "
            "close it in any program that has it open, and try again",
        ) from exc


# -- the steps -----------------------------------------------------------------------------------

def _inspect(path: str, limits: Limits, kept: _Kept | None = None) -> FileInfo:
    size = _check_file(path, limits)
    try:
        handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the with below
        if kept is not None:  # read whole (its size is bounded above), then checked in memory
            with handle:
                kept.data = handle.read()
            handle = io.BytesIO(kept.data)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    with handle:
        head = handle.read(8)
        if head.startswith(OLE2_SIGNATURE):
            raise ole2_refusal(path, handle, size)
        if not head.startswith(ZIP_SIGNATURES):
            handle.seek(0)
            raise not_workbook(path, handle.read(4096))
        _check_central_directory_size(path, handle, size, limits)
        try:
            archive = zipfile.ZipFile(handle)
        except zipfile.BadZipFile as exc:
            raise UnusableFile(
                path, "FILE-TRUNCATED",
                "the file is damaged or incomplete (perhaps cut off while sending); "
                "send the file again",
            ) from exc
        with archive:
            return _inspect_archive(path, size, archive, limits, kept)


def _files(count: int) -> str:
    return "1 file that was" if count == 1 else f"{count} files that were"


def _folder_problem(folder: Path) -> str:
    """What to say of a folder given to read as a file: a subfolder a folder read listed
    (``batch.folder_entries``: it holds returns), or a folder without workbooks."""
    books = held_returns(folder, WORKBOOK_SUFFIXES)
    if books:
        return (f"this folder inside the folder read holds {_files(books)} not read (folders "
                "are not read within folders); name it on the command line as well, or move its "
                "files up")
    if held_returns(folder, (".json",)):  # no workbook nor other spreadsheet: .json files
        return ("this folder holds submission files (.json), which 'natk summarise' and "
                "'natk report' read when the folder itself is named; 'natk check' and "
                "'natk import' read workbooks (.xlsx)")
    return "this is a folder with no workbook (.xlsx) in it; give the workbooks' own paths"


def _check_file(path: str, limits: Limits) -> int:
    """The file's size, after refusing what is missing, not a file, empty or too large."""
    try:
        st = os.stat(path)
    except FileNotFoundError as exc:
        raise UnusableFile(
            path, "FILE-MISSING", "there is no such file; check the name and the folder"
        ) from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise UnusableFile(path, "FILE-FOLDER", _folder_problem(Path(path)))
    if not stat.S_ISREG(st.st_mode):
        raise UnusableFile(
            path, "FILE-UNREADABLE", "this is not a regular file; give the path of a saved workbook"
        )
    if st.st_size == 0:
        raise UnusableFile(
            path, "FILE-EMPTY",
            "the file is empty (0 bytes), perhaps cut off while saving or sending; "
            "send the file again",
        )
    if st.st_size > limits.max_file_bytes:
        raise UnusableFile(
            path, "FILE-TOO-LARGE",
            f"the file is {_size(st.st_size)}, far beyond a questionnaire (at most "
            f"{_size(limits.max_file_bytes)}); send the questionnaire workbook alone, "
            "without pictures or attached documents",
        )
    return st.st_size


def _unreadable(path: str, exc: OSError) -> UnusableFile:
    if isinstance(exc, PermissionError):
        return UnusableFile(
            path, "FILE-UNREADABLE",
            "permission to read the file was refused; close it in any program that has it open "
            "and check that you may read it, then try again",
        )
    return UnusableFile(
        path, "FILE-UNREADABLE",
        f"the file could not be read ({_one_line(exc)}); copy it to a local folder and try again",
    )


# -- the zip archive -----------------------------------------------------------------------------

def _check_central_directory_size(path: str, handle: BinaryIO, size: int, limits: Limits) -> None:
    """Refuse, before ``zipfile`` reads it, a central directory listing far too many members."""
    entries, directory_bytes = _end_record(handle, size)
    too_many = entries is not None and entries > limits.max_members
    too_big = directory_bytes is not None and (
        directory_bytes > limits.max_members * CENTRAL_DIRECTORY_BYTES_PER_MEMBER
    )
    if too_many or too_big:
        raise _too_many_members(path, entries if too_many else None, limits)


def _end_record(handle: BinaryIO, size: int) -> tuple[int | None, int | None]:
    """Entry count and central-directory size from the end record (zip64 too); None if unclear."""
    tail_len = min(size, 22 + 0xFFFF + 20)
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None, None
    entries, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    if entries != 0xFFFF and directory_bytes != 0xFFFFFFFF:
        return entries, directory_bytes
    locator = at - 20
    if locator < 0 or tail[locator:locator + 4] != b"PK\x06\x07":
        return None, None
    (record_at,) = struct.unpack_from("<Q", tail, locator + 8)
    if record_at >= size:
        return None, None
    handle.seek(record_at)
    record = handle.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        return None, None
    entries64, directory_bytes64 = struct.unpack_from("<QQ", record, 32)
    return int(entries64), int(directory_bytes64)


def _too_many_members(path: str, count: int | None, limits: Limits) -> UnusableFile:
    held = f"holds {count} parts" if count is not None else "lists a huge number of parts"
    return UnusableFile(
        path, "FILE-ZIP-BOMB",
        f"the file {held}, far beyond a questionnaire (at most {limits.max_members}); "
        "it cannot be read safely",
    )


def _inspect_archive(path: str, size: int, archive: zipfile.ZipFile, limits: Limits,
                     kept: Kept | None = None) -> FileInfo:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _too_many_members(path, len(infos), limits)
    total = _check_sizes(path, infos, limits)
    by_name: dict[str, zipfile.ZipInfo] = {}
    duplicates: list[str] = []
    for info in infos:
        key = info.filename.replace("\\", "/").lower()
        if key in by_name:
            duplicates.append(info.filename)
        by_name.setdefault(key, info)
    if WORKBOOK_PART not in by_name:
        raise _not_a_workbook_archive(path, archive, by_name)
    if duplicates:
        raise UnusableFile(
            path, "FILE-AMBIGUOUS",
            f"the file holds more than one part named {_printable(duplicates[0])}, so different "
            "programs would show different contents; open it in Excel or LibreOffice, save it "
            "again as .xlsx and send it again",
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnusableFile(
            path, "FILE-ENCRYPTED",
            "its parts are encrypted with a zip password; send the workbook itself, "
            "without a password",
        )
    unusual = sorted({i.compress_type for i in infos} - COMPRESSION_METHODS_READ)
    if unusual:
        raise UnusableFile(
            path, "FILE-UNREADABLE",
            f"it is packed with a compression method Excel does not use (method {unusual[0]}); "
            f"{RESAVE}",
        )
    _check_structure(path, archive, by_name, limits, kept)
    names = list(by_name)
    has_macros = "xl/vbaproject.bin" in by_name or _any_under(names, "xl/macrosheets/")
    has_links = _any_under(names, "xl/externallinks/")
    has_embedded = _any_under(names, "xl/embeddings/", "xl/activex/")
    extension = ".xlsm" if has_macros else ".xlsx"
    app = by_name.get("docprops/app.xml")
    return FileInfo(
        path=path,
        size=size,
        extension=extension,
        members=len(infos),
        uncompressed_bytes=total,
        has_macros=has_macros,
        has_external_links=has_links,
        has_embedded_objects=has_embedded,
        application=_application(archive, app) if app is not None else None,
        notes=_notes(path, extension, has_macros, has_links, has_embedded),
    )


def _check_structure(path: str, archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo],
                     limits: Limits, kept: Kept | None) -> None:
    try:
        check_parts(archive, by_name, limits.max_sheets, limits.max_cells,
                    limits.max_workbook_xml_bytes, kept)
    except StructureProblem as exc:
        raise UnusableFile(path, exc.code, exc.message) from exc


def _check_sizes(path: str, infos: list[zipfile.ZipInfo], limits: Limits) -> int:
    """The archive's declared uncompressed size, after refusing anything that expands too far."""
    total = sum(info.file_size for info in infos)
    biggest = max((info.file_size for info in infos), default=0)
    for what, found, cap in (("the file", total, limits.max_uncompressed_bytes),
                             ("one of its parts", biggest, limits.max_member_bytes)):
        if found > cap:
            raise UnusableFile(
                path, "FILE-ZIP-BOMB",
                f"{what} expands to {_size(found)} when unpacked, far beyond a questionnaire "
                f"(at most {_size(cap)}); it cannot be read safely",
            )
    for info in infos:
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise UnusableFile(
                    path, "FILE-ZIP-BOMB",
                    f"one of its parts expands {ratio:.0f} times when unpacked (to "
                    f"{_size(info.file_size)}), far beyond a questionnaire (at most "
                    f"{limits.max_ratio:.0f} times); it cannot be read safely",
                )
    return total


def _not_a_workbook_archive(
    path: str, archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]
) -> UnusableFile:
    mimetype = _small_text(archive, by_name.get("mimetype"))
    if mimetype == ODS_MIMETYPE:
        return UnusableFile(
            path, "FILE-ODS",
            "this is an OpenDocument spreadsheet (.ods); save it as Excel 2007-365 (.xlsx) "
            "and send that",
        )
    if mimetype is not None and mimetype.startswith("application/vnd.oasis.opendocument."):
        what = "an OpenDocument file (" + mimetype.rsplit(".", 1)[-1] + ")"
    elif "word/document.xml" in by_name:
        what = "a Word document"
    elif "ppt/presentation.xml" in by_name:
        what = "a PowerPoint presentation"
    else:
        inner = [i.filename for i in by_name.values()
                 if i.filename.lower().endswith((".xlsx", ".xlsm"))]
        if inner:
            return UnusableFile(
                path, "FILE-NOT-WORKBOOK",
                f"this is a zip archive holding {_printable(inner[0])}; unzip it and send "
                "the workbook itself",
            )
        what = "a zip archive"
    return not_workbook_but(path, what)


def _small_text(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo | None, limit: int = 256
) -> str | None:
    """A tiny member's text (such as ``mimetype``), or None when absent, big or unreadable."""
    if info is None or info.file_size > limit or info.compress_size > limit + 64:
        return None
    try:
        with archive.open(info) as member:
            return member.read(limit + 1)[:limit].decode("ascii").strip()
    except Exception:  # unreadable is the same as absent here
        return None


def _application(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """'Application' (plus 'AppVersion' when the name carries no version) from app.xml."""
    if info.file_size >= APP_XML_MAX or info.compress_size >= APP_XML_MAX:
        return None
    try:
        with archive.open(info) as member:
            data = member.read(APP_XML_MAX + 1)
        if len(data) > APP_XML_MAX:
            return None
        root = DefusedET.fromstring(data, forbid_dtd=True)
    except Exception:  # support information only: a hostile or broken app.xml just has none
        return None
    fields: dict[str, str] = {}
    for child in root:
        if isinstance(child.tag, str):
            fields.setdefault(child.tag.rsplit("}", 1)[-1], (child.text or "").strip())
    name = _printable(fields.get("Application", ""))
    version = _printable(fields.get("AppVersion", ""))
    if not name:
        return None
    if version and "/" not in name:
        name = f"{name} {version}"
    return name[:200]


def _notes(
    path: str, extension: str, macros: bool, links: bool, embedded: bool
) -> tuple[str, ...]:
    notes: list[str] = []
    suffix = os.path.splitext(path)[1].lower()
    if suffix != extension:
        named = f"named '{suffix}'" if suffix else "named without an extension"
        notes.append(
            f"The file is {named} but is an Excel workbook ({extension}); it is read as one."
        )
    if macros:
        notes.append(
            "The workbook contains macros; they are never run: only the cells' values are read."
        )
    if links:
        notes.append(
            "The workbook links to other workbooks; the links are not followed: only the values "
            "saved in this file are read."
        )
    if embedded:
        notes.append("The workbook holds embedded objects or controls; they are ignored.")
    return tuple(notes)


def notices(info: FileInfo) -> list[str]:
    """The codes of what the gate noticed that the respondent and the assessor should hear
    (issue templates ``issue.<CODE>``): macros, links to other workbooks, embedded objects."""
    flags = ((info.has_macros, "FILE-MACROS"), (info.has_external_links, "FILE-LINKS"),
             (info.has_embedded_objects, "FILE-EMBEDDED"))
    return [code for present, code in flags if present]


# -- small helpers -------------------------------------------------------------------------------

def _any_under(names: list[str], *folders: str) -> bool:
    return any(name.startswith(folders) for name in names)


def _size(n: float) -> str:
    """A size for people: '300 MB', '2.0 MB', '5 KB'."""
    if n < MiB:
        return f"{max(n / 1024, 1):.0f} KB"
    value = n / MiB
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _printable(text: str) -> str:
    """Text from the file, safe for a one-line message: no control characters, bounded length."""
    return _CONTROL.sub(" ", text).strip()[:200]


def _one_line(exc: BaseException) -> str:
    detail = _printable(str(exc))
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
