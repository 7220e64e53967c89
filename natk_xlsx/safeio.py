"""Writing outputs safely: atomic replacement, safe file names, CSV cells that stay text.

- ``atomic_path`` / ``atomic_open``: an output is written to a temporary file in the same folder
  and moved over the final path with ``os.replace`` only once it is complete. A run that is
  killed or fails never leaves a half-written file at the final path, and never destroys the
  previous good output. Temporary files carry the writer's process id; one left behind by a
  killed run is removed by the next write of the same output. ``staged`` does the same for a
  set of outputs (a summary and the files beside it): all are replaced, or none.
- ``safe_file_name``: a name derived from untrusted text (a workbook id read from a return) that
  is valid on Windows, macOS and Linux: bounded length, no reserved device name (``CON``),
  no control, separator or reserved characters, never ``.`` or ``..``; two different texts never
  give the same name (a short hash of the text is added whenever it had to be changed).
- ``neutralise_csv`` / ``csv_writer``: CSV fields of text that a spreadsheet would read as a
  formula are prefixed with a single quote, as OWASP describes; numbers are left as numbers.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import os
import re
import secrets
import shutil
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from natk_xlsx.errors import InputError

#: Temporary files end with this, so that no command ever reads one as an input.
TEMP_SUFFIX = ".natk-tmp"

#: A file name is at most this many UTF-8 bytes (ext4 and APFS allow 255; NTFS 255 UTF-16
#: units; a margin keeps whole paths short on Windows).
MAX_NAME_BYTES = 120

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def _is_unsafe_char(ch: str) -> bool:
    """Control, format (bidi overrides, zero width), separator, private or unpaired characters."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _fits(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, on a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def safe_file_name(text: str, suffix: str = "", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name for ``text`` (plus ``suffix`` such as ``.json``), safe on every system.

    Text that is already safe is kept as it is; otherwise unsafe characters become ``_``, the
    name is cut to ``max_bytes`` and ``-`` plus 10 hex digits of the text's SHA-256 is added,
    so that two different texts never give the same name.
    """
    normal = unicodedata.normalize("NFC", text)
    cleaned = "".join("_" if _UNSAFE.match(ch) or _is_unsafe_char(ch) else ch for ch in normal)
    cleaned = cleaned.strip(" .")  # Windows drops trailing dots and spaces; a leading dot hides
    if cleaned.split(".", 1)[0].strip().upper() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    budget = max_bytes - len(suffix.encode("utf-8"))
    if cleaned == text and cleaned and len(cleaned.encode("utf-8")) <= budget:
        return cleaned + suffix
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    head = _fits(cleaned, budget - 11).rstrip(" .")
    return f"{head}-{digest}{suffix}" if head else f"_{digest}{suffix}"


def inside(folder: str | Path, name: str) -> Path:
    """``folder / name``, refusing any name that would land outside ``folder``."""
    base = Path(folder).resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise ValueError(f"{name!r} is not a plain file name")
    return target


# -- atomic writing -------------------------------------------------------------------------------

def write_failure(exc: OSError) -> str:
    """Why writing an output failed and what to do, for the end of a message: ``(No space
    left on device); free some space ...``."""
    advice = {
        errno.ENOSPC: "free some space on the disk, or write to another folder",
        errno.EDQUOT: "free some space on the disk, or write to another folder",
        errno.EFBIG: "write to another disk (this one, or a limit set for you, takes no file "
                     "this large)",
        errno.ENOENT: "check that the folder exists",
        errno.EISDIR: "a folder stands where the file should be; choose another name",
        errno.ENAMETOOLONG: "choose a shorter name",
        errno.EROFS: "write to another folder (this disk is read-only)",
        errno.EACCES: "check that the folder is writable and the file is not open in another "
                      "program",
        errno.EPERM: "check that the folder is writable and the file is not open in another "
                     "program",
    }.get(exc.errno or 0, "check that the folder exists, is writable and has room, and that "
                          "the file is not open in another program")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # the system's words mislead here
        return f"({blocking_file(exc.filename)}); choose another folder"
    return f"({exc.strerror or exc}); {advice}"


def blocking_file(path: Any) -> str:
    """What stops a folder of ``path`` being made or entered, as every output says it: "NAME
    is a file, not a folder" (the nearest part of the path that is a file)."""
    if path is not None:
        here = Path(os.fsdecode(path))
        for part in (here, *here.parents):
            if part.is_file():
                return f"{part} is a file, not a folder"
    return "a file stands where a folder of the path should be"


def close_left_open(error: BaseException) -> None:
    """Close the zip files that the frames ``error`` went through still hold: the writers of
    workbooks and documents open one and leave it open when writing fails. Closed when freed
    instead, it would try to write its end once more (on a full disk, in vain) and print the
    failure as a traceback."""
    import zipfile

    frames = error.__traceback__
    while frames is not None:
        for value in list(frames.tb_frame.f_locals.values()):
            if isinstance(value, zipfile.ZipFile):
                with contextlib.suppress(OSError, ValueError):
                    value.close()
        frames = frames.tb_next


@contextlib.contextmanager
def writing(target: str | Path, what: str) -> Iterator[None]:
    """A failure to write ``target`` within the block (a full disk, a folder that is not
    writable) becomes one line that names it and says what to do: ``InputError``."""
    try:
        yield
    except OSError as exc:
        close_left_open(exc)
        raise InputError(str(target), f"cannot write {what} {write_failure(exc)}") from None


def _temp_path(target: Path) -> Path:
    stem = _fits(target.name, 80)
    return target.with_name(f".{stem}.{os.getpid()}-{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _alive(pid: int) -> bool:
    """Whether process ``pid`` may still be writing (on Windows, where signal 0 would interrupt
    the process, it is assumed to be)."""
    if pid == os.getpid() or sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep_stale(target: Path) -> None:
    """Remove temporary files of ``target`` left by runs that were killed."""
    prefix = "." + _fits(target.name, 80) + "."
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        pid_text = name[len(prefix):-len(TEMP_SUFFIX)].split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with contextlib.suppress(OSError):
                entry.unlink()


class Staged:
    """Outputs written to temporary paths beside them and put in place together (see
    ``staged``)."""

    def __init__(self) -> None:
        self._temps: dict[Path, tuple[Path, str | None]] = {}

    def path(self, target: str | Path, what: str | None = None) -> Path:
        """The temporary path to write ``target`` to; ``what`` names it in an error."""
        final = Path(target)
        final.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(final)
        temp = _temp_path(final)
        self._temps[final] = (temp, what)
        return temp

    def _put_in_place(self) -> None:
        """Every output complete, then each moved over its target, a copy of the previous
        target kept meanwhile (a hard link where the disk allows, so that the target is never
        absent); a move that fails (a summary open in Excel on Windows) puts every previous
        target back before the error is raised."""
        for final, (temp, what) in self._temps.items():
            self._step(_check_written, temp, final, what)
        kept: dict[Path, Path | None] = {}  # target → its previous version, None: was absent
        try:
            for final, (temp, what) in self._temps.items():
                previous = kept[final] = _temp_path(final) if final.is_file() else None
                if previous is not None:
                    self._step(_keep, final, previous, what, final)
                self._step(os.replace, temp, final, what)
        except BaseException:
            for final, previous in kept.items():
                with contextlib.suppress(OSError):
                    if previous is None:
                        final.unlink()
                    else:
                        os.replace(previous, final)
            raise
        finally:
            for previous in kept.values():
                if previous is not None:
                    with contextlib.suppress(OSError):
                        previous.unlink()

    @staticmethod
    def _step(step: Callable[[Path, Path], object], source: Path, target: Path,
              what: str | None, named: Path | None = None) -> None:
        """One step on the way to ``target``; its failure names the output (``named``, else
        ``target``) and what it is, as one line."""
        try:
            step(source, target)
        except OSError as exc:
            if what is None:
                raise
            raise InputError(str(named or target), f"cannot write {what} {write_failure(exc)}"
                             ) from None

    def _discard(self) -> None:
        for temp, _ in self._temps.values():
            with contextlib.suppress(OSError):
                temp.unlink()


def _keep(target: Path, copy: Path) -> None:
    """A copy of ``target`` at ``copy``: a hard link, or the bytes where links are refused."""
    try:
        os.link(target, copy)
    except OSError:
        shutil.copy2(target, copy)


def _check_written(temp: Path, final: Path) -> None:
    """A temporary file complete and on the disk (``final`` names it when it is not)."""
    if not temp.exists():
        raise OSError(f"{final}: nothing was written")
    _fsync(temp)


@contextlib.contextmanager
def staged() -> Iterator[Staged]:
    """A set of outputs that replace their targets together: each is written to a temporary
    path (``Staged.path``); when the block ends without an exception every one is complete and
    they are all moved over their targets, one right after the other; otherwise all are removed
    and every target stays as it was. A summary and the files written beside it stay one set."""
    stage = Staged()
    try:
        yield stage
        stage._put_in_place()
    finally:
        stage._discard()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; it replaces ``target`` when the block
    ends without an exception, and is removed otherwise."""
    with staged() as stage:
        yield stage.path(target)


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """``open(target, mode)`` for writing, atomically (see ``atomic_path``)."""
    if not mode.startswith("w"):
        raise ValueError("atomic_open writes whole files: use mode 'w' or 'wb'")
    with atomic_path(target) as temp, open(temp, mode, **kwargs) as handle:
        yield handle


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_open(target, "w", encoding=encoding, newline="") as handle:
        handle.write(text)


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- CSV cells that stay text ---------------------------------------------------------------------

#: A spreadsheet opening a CSV reads a field starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(FORMULA_STARTS)


#: A plain number written as text ("-4", "+1.5", "-2e3"): a spreadsheet reads it as a number.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def neutralise_csv(value: Any) -> Any:
    """A CSV field that a spreadsheet will show as text: text starting like a formula gets a
    single quote in front (OWASP's advice); numbers, also as text such as "-4", and everything
    else are left as they are."""
    if (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


class _SafeWriter:
    """``csv.writer`` whose rows pass through ``neutralise_csv``."""

    def __init__(self, handle: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(_neutralised(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(map(_neutralised, rows))


def _neutralised(row: Iterable[Any]) -> list[Any]:
    # ``neutralise_csv`` inlined: it runs for every field of every row
    return ["'" + v if (isinstance(v, str) and v[:1] in _STARTS and not _PLAIN_NUMBER.fullmatch(v))
            else v for v in row]


def csv_writer(handle: IO[str], **kwargs: Any) -> _SafeWriter:
    return _SafeWriter(handle, **kwargs)
