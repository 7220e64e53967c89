"""Exceptions: only for "cannot continue". Problems in data are values: ``Problem`` (specs) here,
``returns.issues.Issue`` (returns)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A problem found in a spec or an input: where it is and how to fix it."""

    severity: str  # "error" or "warning"
    code: str
    file: str
    path: str
    message: str
    fix: str

    def render(self) -> str:
        return f"{self.file} {self.path}: {self.message}; {self.fix}"


class NatkError(Exception):
    """Base of every error natk-xlsx raises on purpose; ``str()`` is a message for a person."""


class SpecError(NatkError):
    """The specs are not valid; ``problems`` lists every problem found."""

    def __init__(self, directory: str, problems: list[Problem]) -> None:
        self.directory = directory
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        first = errors[0].render() if errors else ""
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"the specs in {directory} are not valid: {first}{more}. "
            f"Run 'natk specs check {directory}' to see every problem."
        )


class InputError(NatkError):
    """A file or folder cannot be used at all; the message names it and says what to do."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


class UsageError(NatkError):
    """An option's value cannot be used (an unknown component or language, a bad period)."""
