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


#: The rules about how a questionnaire still to be sent is designed (the respondents' burden,
#: "Don't know" where an unticked box fires a need, answers quoted in guidance, the articles of
#: the instruments cited): they stop generating, not reading. Returns of an earlier edition,
#: whose specs predate a rule, are read with those specs (``reading``).
DESIGN_RULES = frozenset({"SPEC-BURDEN", "SPEC-DONT-KNOW", "SPEC-GUIDANCE-LABEL", "SPEC-STANDARD"})


def load_toolkit(directory: str | Path | None = None, *, reading: bool = False) -> Toolkit:
    """Load and check the specs in ``directory`` (default: the bundled toolkit). The lint runs
    only when no valid verdict is remembered for exactly these files (``spec.verdict``).

    Raises ``InputError`` when the folder cannot be used and ``SpecError`` (with every problem)
    when the specs are not valid. Warnings do not stop loading, nor, to read returns
    (``reading``), the ``DESIGN_RULES``.
    """
    from natk_xlsx.spec.verdict import cached_toolkit, read_spec_files, remember

    files = read_spec_files(directory)
    toolkit = cached_toolkit(files)  # linted before, with exactly this content: trusted
    if toolkit is not None:
        return toolkit
    report = lint_specs(directory)
    design = [p for p in report.errors if reading and p.code in DESIGN_RULES]
    if len(report.errors) > len(design) or report.toolkit is None:
        raise SpecError(report.directory, [p for p in report.problems if p not in design])
    if not design:  # a verdict with design errors is not "valid": linted again each time
        remember(files, report.toolkit)
    return report.toolkit
