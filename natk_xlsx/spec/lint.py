"""The entry points of the spec stage: ``lint_specs`` (``natk specs check``: every check of a
specs folder, as data) and ``load_toolkit`` (the model of a folder, linted once per content).

The checks live in ``lint_run`` and the ``lint_*`` modules; they are imported only when a folder
must be linted, so that a command whose specs' verdict is remembered starts without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from natk_xlsx.errors import SpecError
from natk_xlsx.spec.model import Toolkit

if TYPE_CHECKING:
    from natk_xlsx.spec.lint_report import LintReport

__all__ = ["lint_specs", "load_toolkit"]


def lint_specs(directory: str | Path | None = None) -> LintReport:
    """Check the specs in ``directory`` (default: the bundled toolkit) and report every problem.

    Raises ``InputError`` only when the folder itself cannot be used.
    """
    from natk_xlsx.spec.lint_run import lint_specs as run

    return run(directory)


def load_toolkit(directory: str | Path | None = None) -> Toolkit:
    """Load and check the specs in ``directory`` (default: the bundled toolkit). The lint runs
    only when no valid verdict is remembered for exactly these files (``spec.verdict``).

    Raises ``InputError`` when the folder cannot be used and ``SpecError`` (with every problem)
    when the specs are not valid. Warnings do not stop loading.
    """
    from natk_xlsx.spec.verdict import cached_toolkit, read_spec_files, remember

    files = read_spec_files(directory)
    toolkit = cached_toolkit(files)  # linted before, with exactly this content: trusted
    if toolkit is not None:
        return toolkit
    report = lint_specs(directory)
    if report.errors or report.toolkit is None:
        raise SpecError(report.directory, report.problems)
    remember(files, report.toolkit)
    return report.toolkit
