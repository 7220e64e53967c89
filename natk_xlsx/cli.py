"""The ``natk`` command: a thin adapter over the library.

It parses options, calls the API, renders the result through ``report`` and maps outcomes to the
exit codes documented in the README. Heavy libraries are imported inside the commands.

Exit codes:
  0  success: the input is valid (warnings may have been printed)
  1  invalid: the specs or the data have errors; the report lists them
  2  usage: the command line is wrong (unknown option, missing argument)
  3  unusable input or output: a file or folder cannot be used at all (missing, unreadable, not
     what it should be), or an output cannot be written (a full disk, a folder not writable)
  4  internal error: a bug in natk-xlsx; please report it with the command you ran (over many
     files, the others are still read and the line names the file)
  130 interrupted (Ctrl-C): no output is left half-written, and no worker keeps running
  141 the reader of the output went away (``natk check ... | head``): the command stops
      quietly, as a shell reports a command ended by a closed pipe (SIGPIPE)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from natk_xlsx import __version__

if TYPE_CHECKING:
    from pathlib import Path

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_UNUSABLE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C
EXIT_OUTPUT_CLOSED = 141  # as a shell reports a command ended by a closed pipe (SIGPIPE)

F = TypeVar("F", bound=Callable[..., Any])


#: The files and folders a command reads: each is judged by the reader, which gives a file it
#: cannot read its own line (click's own check stopped the whole batch at one such file).
INPUTS = click.Path(readable=False)

#: Options several commands share.
specs_option = click.option("--specs", "specs_dir", type=click.Path(file_okay=False),
                            default=None, help="Specs folder (default: $NATK_SPECS if set, else "
                                               "./workbook_specs when there is one, else the "
                                               "bundled toolkit).")
jobs_option = click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
                           help="Workbooks read at once (default: the number of cores).")


def _fail(message: str, code: int) -> None:
    click.echo(f"natk: error: {message}", err=True)
    sys.exit(code)


def _writing_output(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while the command wrote its output (``click.echo``), rather
    than by a pipe of its own, to a worker, which would be a bug."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is click.echo.__code__:
            return True
        tb = tb.tb_next
    return False


def handles_errors(func: F) -> F:
    """Turn the library's exceptions into one clear line and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from natk_xlsx.errors import InputError, NatkError, SpecError, UsageError

        try:
            return func(*args, **kwargs)
        except SpecError as exc:
            _fail(str(exc), EXIT_INVALID)
        except UsageError as exc:
            _fail(str(exc), EXIT_USAGE)
        except InputError as exc:
            _fail(str(exc), EXIT_UNUSABLE)
        except NatkError as exc:
            _fail(str(exc), EXIT_UNUSABLE)
        except KeyboardInterrupt:  # here, before click makes it "Aborted!" and exit code 1
            click.echo("\nnatk: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError as exc:  # here, before click makes either exit code 1, "invalid"
            if not _writing_output(exc):
                sys.exit(_internal_error(exc))
            # Nobody reads what is left to say, and standard error may be the same closed pipe:
            # nothing is said. The command goes no further; what it has written is whole.
            sys.exit(EXIT_OUTPUT_CLOSED)
        return None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="natk")
def cli() -> None:
    """natk-xlsx: a needs assessment of the criminal justice response to trafficking in
    persons, run through Excel workbooks.

    Exit codes: 0 valid, 1 invalid specs or data, 2 wrong command line, 3 unusable input,
    4 internal error, 130 interrupted.
    """


@cli.group()
def specs() -> None:
    """Work with the specs (the toolkit's questions as JSON files)."""


@specs.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=True, dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any warning).")
@specs_option
@handles_errors
def specs_check(directory: str | None, fmt: str, strict: bool, specs_dir: str | None) -> None:
    """Check the specs in DIRECTORY (default: ./workbook_specs when the current folder has
    one, as a checkout does, else the bundled toolkit); the report names the folder checked.

    Checks every file against the spec format's JSON Schema, then ids, references, skip logic,
    Excel's limits and translations. Prints per component its questions and needs rules, and per
    language how complete the translation is. Exit code 0 when the specs are valid, 1 when not.
    """
    from natk_xlsx.outputs.report import lint_json, lint_text
    from natk_xlsx.spec.lint import lint_specs

    if directory and specs_dir and directory != specs_dir:
        raise click.UsageError("give the specs folder once, as DIRECTORY or with --specs")
    report = lint_specs(directory or specs_dir)  # --specs, as every other command takes it
    click.echo(lint_json(report) if fmt == "json" else lint_text(report))
    if report.errors or (strict and report.warnings):
        sys.exit(EXIT_INVALID)


@specs.command("export-texts")
@click.argument("lang")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The CSV to write (key, en, LANG).")
@click.option("--missing", is_flag=True, help="Only the texts not yet translated.")
@specs_option
@handles_errors
def specs_export_texts(lang: str, output: str, missing: bool, specs_dir: str | None) -> None:
    """Write every text of the specs, and the workbook's interface texts, to a CSV for
    translation into LANG."""
    from natk_xlsx.i18n.interface import counted
    from natk_xlsx.spec.loading import resolve_specs_dir
    from natk_xlsx.spec.texts import export_texts, is_installed

    count = export_texts(specs_dir, lang, output, missing)
    folder = resolve_specs_dir(specs_dir)
    target = "DIR" if is_installed(folder) else str(folder)
    if not count:  # --missing, every text translated: the CSV holds its header alone
        click.echo(f"every text of {folder} is translated into {lang}: {output} holds the "
                   "header alone; nothing to fill in.")
        return
    click.echo(f"{counted(count, 'text')} written to {output} from {folder}; fill in the '{lang}' column "
               f"and run 'natk specs import-texts {lang} {output} --specs {target}'.")


@specs.command("import-texts")
@click.argument("lang")
@click.argument("source", type=click.Path(dir_okay=False, exists=True))
@click.option("--specs", "specs_dir", type=click.Path(file_okay=False), default=None,
              help="The specs folder to write the translations into (required; in a checkout: "
                   "--specs workbook_specs).")
@handles_errors
def specs_import_texts(lang: str, source: str, specs_dir: str | None) -> None:
    """Write the translations of a filled CSV (from export-texts) into the specs folder named
    by --specs (required; never an installed copy), and the interface texts into the checkout's
    natk_xlsx/i18n/interface.json beside it."""
    from natk_xlsx.i18n.interface import counted
    from natk_xlsx.spec.texts import import_texts

    result = import_texts(specs_dir, source, lang)
    for problem in result.problems:
        click.echo(f"{source}: {problem}")
    click.echo(f"{counted(result.applied, 'translation')} applied, {result.unchanged} unchanged, "
               f"{result.not_applied} not applied. Run 'natk specs check --specs {specs_dir}' "
               "next.")
    if result.problems:
        sys.exit(EXIT_INVALID)


def _split_ids(value: str | None) -> list[str]:
    return [v for v in (value or "").replace(";", ",").replace(" ", ",").split(",") if v]


@cli.command()
@click.option("-c", "--components", metavar="IDS",
              help="Comma-separated component ids (default: all, a comprehensive assessment); "
                   "with --recipients, each institution gets those of them meant for it.")
@click.option("--lang", default=None, metavar="CODE",
              help="Language of the workbook: ar, zh, en, fr, ru, es, or 'all' for every "
                   "published language (default: the toolkit's source language).")
@click.option("--country", default="", help="Country assessed, shown on the cover.")
@click.option("--assessment", default="", help="Name of the assessment, shown on the cover.")
@click.option("--return-to", default="", metavar="TEXT",
              help="Where and by when the returns go (an e-mail or postal address, a date), "
                   "said in the instructions.")
@click.option("--recipients", type=click.Path(dir_okay=False), default=None,
              help="CSV or JSON file of recipients: one workbook each, in the folder OUT.")
@click.option("--period", default=None, metavar="FIRST-LAST",
              help="Years of the statistics tables, e.g. 2021-2025 (default: from the specs).")
@click.option("--depth", type=click.Choice(["core", "full"]), default="full", show_default=True,
              help="core: only the questions that matter most (a first or light assessment, at "
                   "most 40 per institution); full: a comprehensive assessment.")
@specs_option
@click.option("--reproducible", is_flag=True,
              help="Fixed creation date and workbook ids, so that the same specs give the same "
                   "bytes (used for generated/).")
@click.option("-o", "--output", "output", required=True, type=click.Path(),
              help="An .xlsx file, or a folder (always a folder with --recipients or --lang all).")
@handles_errors
def generate(components: str | None, lang: str | None, country: str, assessment: str,
             return_to: str, recipients: str | None, period: str | None, depth: str,
             specs_dir: str | None, reproducible: bool, output: str) -> None:
    """Build questionnaire workbooks for respondents to fill offline.

    Without --recipients, one workbook with the chosen components (default: all). With
    --recipients, one workbook per institution in the folder OUT, each with the components meant
    for it (its 'components' column, or those whose respondents include its 'kind').
    """
    from pathlib import Path

    from natk_xlsx.i18n.interface import counted
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import (
        GenerateOptions,
        generate_for_recipients,
        generate_languages,
        generate_workbook,
        generated_file_name,
        limit_recipients,
        load_recipients,
        parse_period,
    )

    out = Path(output)
    _check_generate_output(out, recipients, lang)
    toolkit = load_toolkit(specs_dir)
    options = GenerateOptions(
        components=_split_ids(components), lang=None if lang == "all" else lang, country=country,
        assessment=assessment, period=parse_period(period) if period else None,
        reproducible=reproducible, depth=depth, return_to=return_to.strip())
    before = set(out.glob("*.xlsx")) if out.is_dir() else set()
    if recipients:
        listed, none = limit_recipients(toolkit, load_recipients(recipients, toolkit), options)
        for recipient, why in none:
            click.echo(f"note: no workbook for {recipient.institution}: {why}.")
        if not listed:
            raise click.UsageError(f"no recipient in {recipients} gets a workbook (each is "
                                   "said above); choose other components or the full depth")
        results = generate_for_recipients(toolkit, listed, out, options)
        own = sum(1 for r in listed.values() if r.language and lang and r.language != lang)
        if own:
            click.echo(f"note: the 'language' column of {recipients} gives "
                       f"{counted(own, 'recipient')} another language than --lang {lang}; each "
                       "keeps its own.")
    elif lang == "all":
        results = generate_languages(toolkit, out, options)
    else:
        target = out if out.suffix.lower() == ".xlsx" else out / generated_file_name(
            toolkit, lang or toolkit.source_language)
        results = [generate_workbook(toolkit, target, options)]
    for result in results:
        who = f" for {result.recipient.institution}" if result.recipient else ""
        click.echo(f"{result.path}: {counted(len(result.components), 'component')}, "
                   f"{counted(result.questions, 'question')}, {result.language}{who}")
        if result.left_out:
            kind = result.recipient.kind if result.recipient else None
            its = "its" if len(result.left_out) == 1 else "their"
            meant = " at ".join(([f"kind {kind}"] if kind else [])
                                + ([f"depth {depth}"] if depth != "full" else []))
            click.echo(f"note: {result.path}: {', '.join(result.left_out)} left out: none of "
                       f"{its} questions is meant for {meant}.")
    click.echo(f"{counted(len(results), 'workbook')} written.")
    _older_workbooks(before - {r.path for r in results}, out)


def _older_workbooks(older: set[Any], out: Any) -> None:
    """Say which workbooks of an earlier run the output folder still holds beside the new
    ones: a folder sent as it is would carry both."""
    from natk_xlsx.i18n.interface import counted

    if older:
        names = sorted(p.name for p in older)
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        click.echo(f"note: {out} also holds {counted(len(names), 'other workbook')}, not "
                   f"written now ({shown}); remove them before sending the folder.")


#: Names that are a file of another kind, never the folder or workbook that -o names.
_NOT_GENERATED = (".docx", ".doc", ".xls", ".xlsm", ".ods", ".csv", ".json", ".pdf", ".txt")


def _check_generate_output(out: Path, recipients: str | None, lang: str | None) -> None:
    """-o names one .xlsx workbook, or a folder; never a file of another kind, which would
    become a folder of that name."""
    suffix = out.suffix.lower()
    if recipients and lang == "all":
        raise click.UsageError("--lang all makes one blank workbook per language; with "
                               "--recipients each institution gets one workbook, in the "
                               "language of its row or of --lang CODE")
    if suffix == ".xlsx" and (recipients or lang == "all"):
        raise click.UsageError(f"{out}: with --recipients or --lang all, -o names a folder "
                               "(the workbooks are named after each institution or language)")
    if suffix in _NOT_GENERATED and not out.is_dir():
        raise click.UsageError(f"{out}: -o names a workbook ending in .xlsx, or a folder")


def _progress(total: int) -> Any:
    """A progress line on stderr for long runs (only when stderr is a terminal)."""
    if total < 5 or not sys.stderr.isatty():
        return None
    done = {"n": 0}

    def step(_: Any) -> None:
        done["n"] += 1
        click.echo(f"\rread {done['n']}/{total}", err=True, nl=done["n"] == total)

    return step


def _read(files: tuple[str, ...], specs_dir: str | None, jobs: int | None,
          annotate: Any = None) -> list[Any]:
    from natk_xlsx.returns.batch import expand_workbooks, read_files

    def toolkit() -> Any:  # loaded when the reader asks, so that a single file opens meanwhile
        from natk_xlsx.spec.lint import load_toolkit

        return load_toolkit(specs_dir, reading=True)

    paths = expand_workbooks(files)
    return read_files(paths, toolkit, jobs=jobs, progress=_progress(len(paths)),
                      annotate=annotate)


def _exit_for(results: list[Any]) -> None:
    statuses = {r.status for r in results}
    if any(r.internal or r.annotate_bug for r in results):
        sys.exit(EXIT_INTERNAL)
    if "unusable" in statuses or any(r.annotate_error for r in results):
        sys.exit(EXIT_UNUSABLE)  # a hand-back copy asked for and not written: its folder too
    if "invalid" in statuses:
        sys.exit(EXIT_INVALID)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=INPUTS)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for programs.")
@click.option("--annotate", "annotate_dir", type=click.Path(), default=None,
              help="Write, for each workbook with errors, a copy with the problems marked, to "
                   "hand back (the original is never changed).")
@click.option("--annotate-warnings", is_flag=True,
              help="With --annotate: also write a copy for workbooks with warnings only.")
@specs_option
@jobs_option
@click.option("-q", "--quiet", is_flag=True, help="Text format: one line per file, no issues.")
@click.option("--lang", default=None, metavar="CODE",
              help="Language of what is said here: ar, zh, en, fr, ru or es (default: the "
                   "issues in each workbook's own, the rest in English). The copies handed back "
                   "keep the workbook's language.")
@handles_errors
def check(files: tuple[str, ...], fmt: str, annotate_dir: str | None, annotate_warnings: bool,
          specs_dir: str | None, jobs: int | None, quiet: bool, lang: str | None) -> None:
    """Read and validate filled workbooks; report every problem with its sheet and cell.

    FILES are workbooks or folders of them. Exit code 0 when every workbook is valid (warnings
    allowed), 1 when some hold invalid answers, 3 when some cannot be read at all, 4 when an
    internal error stopped one. The other files are still checked.
    """
    annotate = None
    from natk_xlsx.i18n.languages import UN_LANGUAGES

    if lang is not None and lang not in UN_LANGUAGES:
        raise click.UsageError(f"unknown language '{lang}' for --lang; use one of "
                               f"{', '.join(UN_LANGUAGES)}")
    if annotate_warnings and not annotate_dir:
        raise click.UsageError("--annotate-warnings goes with --annotate DIR, the folder of the "
                               "copies to hand back")
    _output_folder(annotate_dir, "the annotated copies")
    if annotate_dir:
        from natk_xlsx.returns.batch import Annotate

        annotate = Annotate(annotate_dir, annotate_warnings)
    results = _read(files, specs_dir, jobs, annotate)
    from natk_xlsx.outputs.report import check_json, check_text, clean

    if fmt == "text":
        from natk_xlsx.i18n.interface import ui

        for result in results:
            if result.annotated:
                click.echo(ui("check.annotated", lang or "en", file=clean(result.path),
                              copy=clean(result.annotated)))
            elif result.annotate_error:
                click.echo(clean(result.annotate_error))
            elif result.annotated_before:
                click.echo(ui("check.annotated_before", lang or "en", file=clean(result.path),
                              copy=clean(result.annotated_before)))
    click.echo(check_json(results, lang) if fmt == "json"
               else check_text(results, not quiet, lang))
    _exit_for(results)


def _shown_path(path: Any) -> str:
    """A path as the user would type it: relative to the current folder when it lies below."""
    import os

    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=INPUTS)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(),
              help="Folder for the submission JSON files (one per valid workbook).")
@specs_option
@jobs_option
@handles_errors
def import_(files: tuple[str, ...], out_dir: str, specs_dir: str | None,
            jobs: int | None) -> None:
    """Write one canonical submission JSON per valid workbook, named by its workbook id.

    FILES are workbooks or folders of them. Workbooks with errors are not written: run
    'natk check --annotate' to hand them back. Two different returns with one workbook id are
    both written, named apart by their contents, and flagged; the same file given twice is
    written once.
    """
    from natk_xlsx.i18n.interface import counted
    from natk_xlsx.outputs.report import clean
    from natk_xlsx.outputs.submissions import write_submissions

    _output_folder(out_dir, "the submissions")
    results = _read(files, specs_dir, jobs)
    imported = write_submissions(results, out_dir)
    for item in imported:
        if item.target is None:
            click.echo(f"{clean(item.path)}: not imported: {clean(item.reason)}")
        else:
            click.echo(f"{clean(item.path)}: {clean(_shown_path(item.target))} "
                       f"({counted(item.answers, 'answer')}, "
                       f"{counted(item.warnings, 'warning')})")
        if item.note:
            click.echo(f"{clean(item.path)}: note: {clean(item.note)}")
    written = sum(1 for item in imported if item.target is not None)
    click.echo(f"{written} of {counted(len(results), 'workbook')} imported.")
    _exit_for(results)
    if any(item.write_failed for item in imported):
        sys.exit(EXIT_UNUSABLE)


@cli.command()
@click.option("-c", "--components", metavar="IDS", help="Comma-separated component ids.")
@specs_option
@handles_errors
def schema(components: str | None, specs_dir: str | None) -> None:
    """Print the JSON Schema (Draft 2020-12) of a submission, derived from the specs."""
    import json

    from natk_xlsx.returns.submission_schema import submission_schema
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import choose_components

    toolkit = load_toolkit(specs_dir)
    chosen = [c.id for c in choose_components(toolkit, _split_ids(components))]
    click.echo(json.dumps(submission_schema(toolkit, chosen), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=INPUTS)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The summary workbook to write (.xlsx).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Also write JSON holding packages (ranked recommendation packages), needs "
                   "(each with its settled answer and evidence), conflicts (disagreements and "
                   "the answer retained), statistics (one row per respondent, question, year "
                   "and category), responses (every answer, codes and labels) and remarks "
                   "(what was written outside the answer cells).")
@click.option("--csv", "csv_dir", type=click.Path(), default=None,
              help="Also write packages.csv, needs.csv, responses.csv, statistics.csv and "
                   "remarks.csv into this folder (codes and labels side by side).")
@click.option("--lang", default="en", show_default=True, metavar="CODE",
              help="Language of the summary: ar, zh, en, fr, ru or es.")
@click.option("--resolutions", type=click.Path(dir_okay=False), default=None,
              help="The assessor's decisions (CSV or JSON) to apply; each appears on the Audit "
                   "sheet beside the original answers.")
@click.option("--same-institution", type=click.Choice(["all", "latest", "first"]), default="all",
              show_default=True,
              help="When one institution sent several different returns: keep all (flagged), or "
                   "only its latest or first by date of completion.")
@click.option("--weights", "weights", type=click.Path(dir_okay=False), default=None,
              help="Ranking weights and thresholds (JSON) overriding the defaults of "
                   "natk_xlsx/analysis/weights.json key by key; the Plan sheet shows the values "
                   "used.")
@specs_option
@jobs_option
@handles_errors
def summarise(inputs: tuple[str, ...], output: str, json_path: str | None, csv_dir: str | None,
              lang: str, resolutions: str | None, same_institution: str, weights: str | None,
              specs_dir: str | None, jobs: int | None) -> None:
    """Consolidate returns into a needs summary and a prioritised plan of assistance.

    INPUTS are filled workbooks, submission JSON files (from 'natk import') or folders of them.
    Bad files are listed on the Sources sheet and the rest are summarised; the same workbook read
    twice counts once. Every answer is also written as CSV beside the summary
    (OUTPUT-responses.csv). Exit code 0, or 3 when some input could not be read.
    """
    from natk_xlsx.i18n.interface import counted
    from natk_xlsx.outputs.summarise import expand_inputs
    from natk_xlsx.outputs.summarise import summarise as run
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import check_language

    for option, named in (("-o", output), ("--json", json_path), ("--csv", csv_dir)):
        if named == "-":  # a script's way of asking for the screen: a file named "-" was made
            raise click.UsageError(f"{option} -: the summary's outputs are files; give "
                                   f"{option} a name")
    _output_folder(csv_dir, "the CSV files")
    toolkit = load_toolkit(specs_dir, reading=True)
    if lang not in toolkit.languages:
        check_language(toolkit, lang)
    files = expand_inputs(inputs)
    result = run(inputs, toolkit, output, json_path=json_path, csv_dir=csv_dir, lang=lang,
                 resolutions=resolutions, same_institution=same_institution, weights=weights,
                 jobs=jobs,
                 progress=_progress(len(files)))
    c = result.consolidation
    _say_left_out(result)
    click.echo(f"{counted(len(c.respondents), 'return')} consolidated "
               f"({counted(len(c.duplicates), 'duplicate')} counted once, "
               f"{len(result.unusable)} unusable): "
               f"{counted(len(c.open_packages), 'package')} of "
               f"{counted(sum(n.status == 'open' for n in c.needs), 'open need')}, "
               f"{counted(len(c.conflicts), 'conflict')}.")
    _say_decisions(resolutions, c.decisions)
    for path in result.outputs:
        click.echo(f"written: {path}")
    if any(src.get("internal") for src in result.unusable):
        sys.exit(EXIT_INTERNAL)
    if result.unusable:
        sys.exit(EXIT_UNUSABLE)


#: Names of files, not of folders: an output folder so named ("--annotate back.xlsx") was
#: made as a folder of that name, which the user then took for a file.
FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".json", ".docx")


def _output_folder(path: str | None, what: str) -> None:
    """An output folder that is a file, or named as one, said before any work, in the words
    every output uses (a file further up the path is said by the writer)."""
    import os

    if path is None:
        return
    if os.path.exists(path) and not os.path.isdir(path):
        from natk_xlsx.errors import InputError
        from natk_xlsx.safeio import blocking_file

        raise InputError(path, f"cannot write {what} ({blocking_file(path)}); choose another "
                         "folder")
    if not os.path.exists(path) and path.lower().endswith(FILE_SUFFIXES):
        raise click.UsageError(f"a folder is needed for {what}, and '{path}' is named as a "
                               "file; name a folder (it is made if it is not there)")


def _say_left_out(result: Any) -> None:
    """A line for each file left out of the counts, as ``check`` words it: the screen speaks
    English whatever the language of the summary or report (where the same is said in it)."""
    from natk_xlsx.outputs.report import clean, reason

    for src in result.unusable:
        what = "INTERNAL ERROR" if src.get("internal") else "UNUSABLE"
        click.echo(f"{clean(src['file'])}: {what}: "
                   f"{clean(reason(src['file'], src.get('error')) or src['status'])}")
    for src in result.blank:
        click.echo(f"{clean(src['file'])}: BLANK: the questionnaire came back without any "
                   "answer; it is listed, not counted")


def _say_decisions(resolutions: str | None, decisions: list[Any]) -> None:
    """How many of the assessor's decisions were applied, and a line for each one that was
    not (its row, and why), so that none is passed over unseen."""
    if resolutions is None:
        return
    from natk_xlsx.i18n.interface import counted

    click.echo(f"{resolutions}: {sum(d.applied for d in decisions)} of "
               f"{counted(len(decisions), 'decision')} applied.")
    for d in decisions:
        if not d.applied:
            click.echo(f"{resolutions}: {d.where}: not applied ({d.kind} {d.target}): {d.note}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=INPUTS)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The report to write (.docx).")
@click.option("--lang", default="en", show_default=True, metavar="CODE",
              help="Language of the report: ar, zh, en, fr, ru or es.")
@click.option("--resolutions", type=click.Path(dir_okay=False), default=None,
              help="The assessor's decisions (CSV or JSON) to apply; listed in an annex.")
@click.option("--weights", type=click.Path(dir_okay=False), default=None,
              help="Ranking weights and thresholds (JSON) overriding the defaults of "
                   "natk_xlsx/analysis/weights.json key by key, as for 'natk summarise'; the "
                   "report's Method chapter states the values used.")
@click.option("--recipients", type=click.Path(dir_okay=False), default=None,
              help="The recipients file the workbooks were made from: the report then says "
                   "how many institutions were asked and which did not answer.")
@click.option("--country", default="", help="Country assessed (default: from the returns).")
@click.option("--assessment", default="", help="Name of the assessment, on the title page.")
@click.option("--same-institution", type=click.Choice(["all", "latest", "first"]), default="all",
              show_default=True, help="As for 'natk summarise'.")
@specs_option
@jobs_option
@handles_errors
def report(inputs: tuple[str, ...], output: str, lang: str, resolutions: str | None,
           weights: str | None, recipients: str | None, country: str, assessment: str,
           same_institution: str, specs_dir: str | None, jobs: int | None) -> None:
    """Write the assessment report, a draft in Word in the assessment's language.

    INPUTS are filled workbooks, submission JSON files or folders of them, consolidated as
    'natk summarise' does. The report has a title page, a table of contents, an executive
    summary, the method, the findings per component with tables and charts, the
    recommendation packages in the summary's rank order and annexes. Exit code 0, or 3 when
    some input could not be read.
    """
    from natk_xlsx.i18n.interface import counted
    from natk_xlsx.outputs.draft_report import write_report
    from natk_xlsx.outputs.summarise import expand_inputs
    from natk_xlsx.spec.lint import load_toolkit
    from natk_xlsx.workbook.generate import check_language

    toolkit = load_toolkit(specs_dir, reading=True)
    if lang not in toolkit.languages:
        check_language(toolkit, lang)
    files = expand_inputs(inputs)
    result = write_report(inputs, toolkit, output, lang=lang, resolutions=resolutions,
                          weights=weights, recipients=recipients, country=country,
                          assessment=assessment,
                          same_institution=same_institution, jobs=jobs,
                          progress=_progress(len(files)))
    r = result.report
    _say_left_out(result.summary)
    click.echo(f"{counted(len(r.institutions), 'return')} reported on: "
               f"{counted(len(r.findings), 'component')}, "
               f"{counted(len(r.recommendations), 'recommendation')}, "
               f"{counted(r.open_needs, 'open need')}.")
    _say_decisions(resolutions, result.summary.consolidation.decisions)
    click.echo(f"written: {result.path}")
    if result.summary.unusable:
        sys.exit(EXIT_UNUSABLE)


@cli.command()
@click.option("-o", "--output", "out_dir", default="natk-demo", show_default=True,
              type=click.Path(), help="Folder for everything the demo makes.")
@jobs_option
@handles_errors
def demo(out_dir: str, jobs: int | None) -> None:
    """The whole story on bundled sample data: generate the workbooks of a fictional country's
    institutions, fill them as they would (with gaps, disagreements, one broken return), check,
    import, write the needs summary and the draft report."""
    from natk_xlsx.demo import run_demo
    from natk_xlsx.spec.lint import load_toolkit

    _output_folder(out_dir, "the demo")
    run_demo(load_toolkit(), out_dir, say=click.echo, jobs=jobs)


def main() -> None:
    """Entry point of the ``natk`` command."""
    try:
        cli(prog_name="natk")
        code: object = 0
    except SystemExit as done:  # how click ends every command
        code = done.code
    except Exception as exc:
        code = _internal_error(exc)
    _end(code)


def _internal_error(exc: BaseException) -> int:
    """A bug: one line, no traceback (unless ``NATK_DEBUG`` asks for it), how to report it,
    and the exit code that says so."""
    from natk_xlsx.returns.outcome import show_traceback

    show_traceback()
    click.echo(f"natk: error: internal error ({type(exc).__name__}: {exc}); this is a bug in "
               "natk-xlsx, please report it with the command you ran (set NATK_DEBUG=1 for "
               "details)", err=True)
    return EXIT_INTERNAL


def _end(code: object) -> NoReturn:
    """The command is done and the process ends at once (``os._exit``), once the exit handlers
    have run (children stopped, temporary folders removed) and its output is flushed. The
    interpreter would otherwise free every object it holds one by one, after collections that
    walk them all (about a twentieth of a ``check`` of one file). Nothing this package holds
    needs that: the code that opens a file closes it, every output is in place (written
    atomically) before the command returns, and no thread is ever started. Under a profiler, a
    debugger or a coverage tool the interpreter exits as usual, so that they finish their work."""
    import atexit
    import contextlib
    import os

    if code is not None and not isinstance(code, int):  # a message as the exit code
        click.echo(str(code), err=True)
        code = 1
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    with contextlib.suppress(Exception):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a reader of the output that has gone
            stream.flush()
    os._exit(code or 0)
