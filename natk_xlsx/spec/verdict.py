"""The lint's verdict on a specs folder, remembered by content so that specs are linted once.

Linting the bundled toolkit costs a few tenths of a second (its checks across 13 files, the
spec format's schema by a compiled check), several times what loading it costs, and every
command loads the specs. ``lint.load_toolkit`` therefore lints a folder only when no verdict is
remembered for exactly its content: the key is a SHA-256 over the bytes of every spec file and of
the code that judges them (the spec stage, the layout contract, the interface texts, the spec
format's schema and the package version), so editing a spec, or upgrading natk-xlsx, means the
next command lints again. Only "valid" verdicts are kept; specs with errors are linted each time,
so that their problems are always reported.

The verdicts live in the user's cache folder (``$NATK_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, under ``natk-xlsx/verdicts``), one small JSON file per key. When the folder cannot
be written the specs are simply linted every time (slower, never wrong); ``NATK_CACHE_DIR=""``
turns the cache off. ``natk specs check`` always lints. The cache is per user rather than a
verdict shipped with the package because the same rule then covers a folder named with
``--specs``/``NATK_SPECS`` and a bundled toolkit edited in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

from natk_xlsx import __version__
from natk_xlsx.spec.loading import LISTS_FILE, MANIFEST_FILE, build_toolkit, resolve_specs_dir, spec_hash
from natk_xlsx.spec.model import Toolkit

CACHE_ENV = "NATK_CACHE_DIR"

#: Verdicts kept at most; the oldest are removed beyond it.
MAX_ENTRIES = 64

_PACKAGE = Path(__file__).resolve().parent.parent

#: The code and data that judge a specs folder (relative to the package folder).
_JUDGES = ("layout.py", "validation.py", "errors.py", "schemas/spec.schema.json",
           "i18n/interface.json", "i18n/languages.py", "i18n/interface.py")


class SpecFiles(NamedTuple):
    """The bytes of a specs folder's JSON files, read once, and the key of their verdict."""

    directory: Path
    raw: dict[str, bytes]
    key: str


def _fingerprint() -> bytes:
    digest = hashlib.sha256(__version__.encode())
    judges = [_PACKAGE / name for name in _JUDGES]
    judges += sorted((_PACKAGE / "spec").glob("*.py"))
    for path in judges:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.digest()


def read_spec_files(directory: str | os.PathLike[str] | None) -> SpecFiles:
    """Read every JSON file of the folder (``InputError`` when it is not a specs folder)."""
    path = resolve_specs_dir(directory)
    raw: dict[str, bytes] = {}
    for file in sorted(path.glob("*.json")):
        try:
            raw[file.name] = file.read_bytes()
        except OSError:
            raw[file.name] = b""  # the lint reports it
    digest = hashlib.sha256(_fingerprint())
    for name, data in raw.items():
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return SpecFiles(path, raw, digest.hexdigest())


def cache_dir() -> Path | None:
    """Where verdicts are kept; None when the cache is turned off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return Path(env) / "verdicts" if env.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "natk-xlsx" / "verdicts"


def _documents(files: SpecFiles) -> dict[str, Any] | None:
    try:
        return {name: json.loads(data.decode("utf-8-sig")) for name, data in files.raw.items()}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _entry(files: SpecFiles) -> dict[str, Any] | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        entry = json.loads((folder / f"{files.key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != files.key or entry.get("valid") is not True:
        return None
    found = entry.get("spec_hash")
    if not isinstance(found, str) or len(found) != 64:
        return None
    return entry


def cached_toolkit(files: SpecFiles) -> Toolkit | None:
    """The model of specs whose valid verdict is remembered; None when they must be linted."""
    entry = _entry(files)
    if entry is None:
        return None
    documents = _documents(files)
    if documents is None:
        return None
    try:
        manifest, lists = documents[MANIFEST_FILE], documents[LISTS_FILE]
        components = {cid: documents[f"{cid}.json"] for cid in manifest["components"]}
        return build_toolkit(manifest, lists, components, str(files.directory),
                             entry["spec_hash"])
    except (KeyError, TypeError, ValueError):
        return None


def remember(files: SpecFiles, toolkit: Toolkit) -> bool:
    """Keep the verdict "valid" for ``files``, the bytes read before the lint ran, only if they
    are the specs the lint judged (same spec hash). False when it could not be kept."""
    folder = cache_dir()
    documents = _documents(files)
    if folder is None or documents is None or spec_hash(documents) != toolkit.spec_hash:
        return False
    entry = {"key": files.key, "valid": True, "spec_hash": toolkit.spec_hash,
             "toolkit": toolkit.id, "version": toolkit.version, "natk": __version__,
             "directory": str(files.directory)}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only here: a verdict is written once per change of the specs

        handle, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(temp, folder / f"{files.key}.json")
        _prune(folder)
    except OSError:
        return False
    return True


def forget(files: SpecFiles) -> None:
    """Drop a remembered verdict (nothing happens when there is none)."""
    folder = cache_dir()
    if folder is not None:
        with contextlib.suppress(OSError):
            (folder / f"{files.key}.json").unlink()


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)
