"""Writing the canonical submission JSON of each valid return (``natk import``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Imported:
    """What became of one file read: ``target`` is the JSON written, else ``reason`` says why
    nothing was."""

    path: str
    target: Path | None = None
    answers: int = 0
    warnings: int = 0
    reason: str = ""


def submission_file_name(workbook_id: str) -> str:
    return f"{workbook_id.replace(':', '_').replace('/', '_')}.json"


def write_submissions(results: Iterable[Any], folder: str | Path) -> list[Imported]:
    """One JSON per valid submission among ``results`` (``batch.FileResult``), in ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    done: list[Imported] = []
    for result in results:
        sub = result.submission
        if sub is None:
            done.append(Imported(result.path, reason=result.error.split(": ", 1)[-1]))
            continue
        if not sub.valid:
            done.append(Imported(result.path, reason=f"{len(sub.errors)} error(s); run "
                                 f"'natk check {result.path}' to see them"))
            continue
        target = out / submission_file_name(sub.workbook_id)
        target.write_text(json.dumps(sub.record(), indent=1, ensure_ascii=False) + "\n", "utf-8")
        done.append(Imported(result.path, target, len(sub.answers), len(sub.warnings)))
    return done
