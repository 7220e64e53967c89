"""The ``natk`` command: a thin adapter over the library.

It parses options, calls the API, renders the result through ``report`` and maps outcomes to the
exit codes documented in the README. Heavy libraries are imported inside the commands.

Exit codes:
  0  success: the input is valid (warnings may have been printed)
  1  invalid: the specs or the data have errors; the report lists them
  2  usage: the command line is wrong (unknown option, missing argument)
  3  unusable input: a file or folder cannot be used at all (missing, unreadable, not what it
     should be)
  4  internal error: a bug in natk-xlsx; please report it with the command you ran
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from natk_xlsx import __version__

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNUSABLE = 3
EXIT_INTERNAL = 4

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int) -> None:
    click.echo(f"natk: error: {message}", err=True)
    sys.exit(code)


def handles_errors(func: F) -> F:
    """Turn the library's exceptions into one clear line and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from natk_xlsx.errors import InputError, NatkError, SpecError

        try:
            return func(*args, **kwargs)
        except SpecError as exc:
            _fail(str(exc), EXIT_INVALID)
        except InputError as exc:
            _fail(str(exc), EXIT_UNUSABLE)
        except NatkError as exc:
            _fail(str(exc), EXIT_UNUSABLE)
        return None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="natk")
def cli() -> None:
    """natk-xlsx: a needs assessment of the criminal justice response to trafficking in
    persons, run through Excel workbooks.

    Exit codes: 0 valid, 1 invalid specs or data, 2 wrong command line, 3 unusable input,
    4 internal error.
    """


@cli.group()
def specs() -> None:
    """Work with the specs (the toolkit's questions as JSON files)."""


@specs.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=True, dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any warning).")
@handles_errors
def specs_check(directory: str | None, fmt: str, strict: bool) -> None:
    """Check the specs in DIRECTORY (default: the bundled toolkit).

    Checks every file against the spec format's JSON Schema, then ids, references, skip logic,
    Excel's limits and translations. Prints per component its questions and needs rules, and per
    language how complete the translation is. Exit code 0 when the specs are valid, 1 when not.
    """
    from natk_xlsx.lint import lint_specs
    from natk_xlsx.report import lint_json, lint_text

    report = lint_specs(directory)
    click.echo(lint_json(report) if fmt == "json" else lint_text(report))
    if report.errors or (strict and report.warnings):
        sys.exit(EXIT_INVALID)


def main() -> None:
    """Entry point of the ``natk`` command."""
    try:
        cli(prog_name="natk")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("natk: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line, no traceback, and how to report it
        _fail(f"internal error ({type(exc).__name__}: {exc}); this is a bug in natk-xlsx, "
              "please report it with the command you ran (set NATK_DEBUG=1 for details)",
              EXIT_INTERNAL)
