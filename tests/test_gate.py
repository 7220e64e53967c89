"""The gate refuses what cannot be read safely, with a coded one-line message naming the file."""

from __future__ import annotations

import os
import pickle
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import hostile
import openpyxl
import pytest
from libreoffice import convert

from natk_xlsx.errors import InputError
from natk_xlsx.returns.gate import FileInfo, Limits, UnusableFile, inspect_file

DEFAULT_LIMITS = Limits()


def refused(path: Path | str, code: str, limits: Limits = DEFAULT_LIMITS) -> UnusableFile:
    """Assert that the gate refuses ``path`` with ``code`` and a one-line message naming it."""
    with pytest.raises(UnusableFile) as caught:
        inspect_file(path, limits)
    error = caught.value
    assert error.code == code, str(error)
    text = str(error)
    assert text.startswith(f"{path}: ")
    assert "\n" not in text
    assert "; " in error.message  # what is wrong; what to do
    return error


# -- refusals ------------------------------------------------------------------------------------

REFUSALS: list[tuple[Callable[[Path], Path], str, str]] = [
    (hostile.empty_file, "FILE-EMPTY", "send the file again"),
    (hostile.truncated, "FILE-TRUNCATED", "send the file again"),
    (hostile.old_xls, "FILE-XLS", "save it as .xlsx"),
    (hostile.encrypted, "FILE-ENCRYPTED", "remove the password"),
    (hostile.encrypted_large, "FILE-ENCRYPTED", "remove the password"),
    (hostile.old_doc, "FILE-NOT-WORKBOOK", "Word document"),
    (hostile.ods_like, "FILE-ODS", "save it as Excel 2007-365 (.xlsx)"),
    (hostile.docx_like, "FILE-NOT-WORKBOOK", "Word document"),
    (hostile.zipped_workbook, "FILE-NOT-WORKBOOK", "unzip it"),
    (hostile.plain_zip, "FILE-NOT-WORKBOOK", "zip archive"),
    (hostile.csv_text, "FILE-NOT-WORKBOOK", "CSV"),
    (hostile.pdf, "FILE-NOT-WORKBOOK", "PDF"),
    (hostile.png, "FILE-NOT-WORKBOOK", "PNG image"),
    (hostile.html_table, "FILE-NOT-WORKBOOK", "web page"),
    (hostile.high_ratio, "FILE-ZIP-BOMB", "cannot be read safely"),
    (hostile.many_members, "FILE-ZIP-BOMB", "at most 2000"),
    (hostile.zip_password, "FILE-ENCRYPTED", "zip password"),
    (hostile.unusual_compression, "FILE-UNREADABLE", "compression method"),
    (hostile.duplicate_and_odd_names, "FILE-AMBIGUOUS", "more than one part named"),
    (hostile.duplicate_sheet_member, "FILE-AMBIGUOUS", "xl/worksheets/sheet1.xml"),
    (hostile.shared_strings_count, "FILE-MALFORMED", "2147483648 shared texts"),
    (hostile.styles_count, "FILE-MALFORMED", "cell styles"),
    (hostile.sheets_sharing_a_part, "FILE-MALFORMED", "one and the same part"),
    (lambda folder: hostile.sheets_sharing_a_part(folder, 1000), "FILE-MALFORMED", "1000 sheets"),
    (lambda folder: hostile.cell_reference(folder, "D-"), "FILE-MALFORMED", "'D-'"),
    (lambda folder: hostile.cell_reference(folder, "U99999999999"), "FILE-MALFORMED",
     "not a cell of its row"),
    (lambda folder: hostile.cell_reference(folder, "A7"), "FILE-MALFORMED", "'A7'"),
    (lambda folder: hostile.cell_reference(folder, "XFE1"), "FILE-MALFORMED", "'XFE1'"),
    (lambda folder: hostile.cell_reference(folder, "a1"), "FILE-MALFORMED", "'a1'"),
    (hostile.encrypted_in_the_middle, "FILE-ENCRYPTED", "remove the password"),
]


@pytest.mark.parametrize(
    ("build", "code", "says"), REFUSALS, ids=[f"{i}-{build.__name__}"
                                              for i, (build, _, _) in enumerate(REFUSALS)]
)
def test_refused(tmp_path: Path, build: Callable[[Path], Path], code: str, says: str) -> None:
    path = build(tmp_path)
    assert says in refused(path, code).message


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.xlsx", "FILE-MISSING")


def test_a_folder(tmp_path: Path) -> None:
    """Told apart from a file that cannot be opened (whose advice, in every language, is to
    close it in other programs): a folder has a code of its own."""
    assert "folder" in refused(tmp_path, "FILE-FOLDER").message
    from natk_xlsx.outputs.report import unusable_text

    assert "dossier" in unusable_text("FILE-FOLDER", "…", "fr")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX only")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    refused(pipe, "FILE-UNREADABLE")


def test_too_large(tmp_path: Path) -> None:
    path = hostile.workbook(tmp_path)
    error = refused(path, "FILE-TOO-LARGE", Limits(max_file_bytes=1000))
    assert f"is {round(path.stat().st_size / 1024)} KB" in error.message
    assert "(at most 1 KB)" in error.message


def test_no_permission(tmp_path: Path) -> None:
    path = hostile.unreadable(tmp_path)
    if os.access(path, os.R_OK):  # root reads anything: the file is a fine workbook then
        assert inspect_file(path).members > 0
    else:
        assert "permission" in refused(path, "FILE-UNREADABLE").message


def test_io_errors_become_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.workbook(tmp_path)

    def failing_open(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("natk_xlsx.returns.gate.open", failing_open, raising=False)
    assert "Input/output error" in refused(path, "FILE-UNREADABLE").message


def test_unexpected_failures_become_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = hostile.workbook(tmp_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody foresaw\nacross two lines")

    monkeypatch.setattr(zipfile, "ZipFile", broken)
    error = refused(path, "FILE-UNREADABLE")
    assert "RuntimeError: something nobody foresaw across two lines" in error.message
    assert isinstance(error.__cause__, RuntimeError)


def test_member_count_read_from_the_central_directory(tmp_path: Path) -> None:
    """An end record that understates the count does not get a huge directory past the gate."""
    path = hostile.understated_members(tmp_path, 50)
    with zipfile.ZipFile(path) as archive:
        count = len(archive.infolist())
    assert count > 50
    assert f"holds {count} parts" in refused(path, "FILE-ZIP-BOMB", Limits(max_members=20)).message
    assert "huge number" in refused(path, "FILE-ZIP-BOMB", Limits(max_members=2)).message


def test_limits_are_adjustable(tmp_path: Path) -> None:
    path = hostile.high_ratio(tmp_path)
    assert inspect_file(path, Limits(max_ratio=10_000)).uncompressed_bytes > 2 * hostile.MiB
    error = refused(path, "FILE-ZIP-BOMB", Limits(max_member_bytes=hostile.MiB))
    assert "one of its parts expands to 2.0 MB" in error.message


# -- the zip bomb --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.zip_bomb(tmp_path_factory.mktemp("bomb"))


def test_zip_bomb_is_refused_quickly_and_cheaply(zip_bomb: Path) -> None:
    assert zip_bomb.stat().st_size < 2 * hostile.MiB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = refused(zip_bomb, "FILE-ZIP-BOMB")
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 2 * hostile.MiB
    assert "expands to 300 MB when unpacked" in error.message
    assert "at most 200 MB" in error.message


# -- files that pass, and what they tell -----------------------------------------------------------

def test_plain_workbook(tmp_path: Path) -> None:
    path = hostile.workbook(tmp_path)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    info = inspect_file(path)
    assert info == FileInfo(
        path=str(path), size=path.stat().st_size, extension=".xlsx", members=info.members,
        uncompressed_bytes=info.uncompressed_bytes, has_macros=False, has_external_links=False,
        has_embedded_objects=False, application="Microsoft Excel 12.0000", notes=(),
    )
    assert 5 <= info.members < 20
    assert info.uncompressed_bytes > info.size
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # never modified


def test_macros_are_noted(tmp_path: Path) -> None:
    info = inspect_file(hostile.xlsm_with_macros(tmp_path))
    assert info.has_macros
    assert info.extension == ".xlsm"
    assert any("macros" in note and "never run" in note for note in info.notes)


def test_links_and_embedded_objects_are_noted(tmp_path: Path) -> None:
    info = inspect_file(hostile.with_links_and_objects(tmp_path))
    assert info.has_external_links and info.has_embedded_objects and not info.has_macros
    assert len(info.notes) == 2


def test_libreoffice_is_recognised(tmp_path: Path) -> None:
    info = inspect_file(hostile.libreoffice_saved(tmp_path))
    assert info.application is not None
    assert info.application.startswith("LibreOffice/7.4.7.2")
    assert "15.0000" not in info.application  # LibreOffice's AppVersion only imitates Excel's


def test_a_renamed_xlsx_is_read_with_a_note(tmp_path: Path) -> None:
    info = inspect_file(hostile.renamed_xls(tmp_path))
    assert info.extension == ".xlsx"
    assert info.notes == (
        "The file is named '.xls' but is an Excel workbook (.xlsx); it is read as one.",
    )


def test_a_shared_text_used_by_many_cells_is_not_taken_for_damage(tmp_path: Path) -> None:
    """``count`` counts the cells that use the shared texts (a workbook whose cells repeat a few
    texts declares far more uses than texts): it is held to the cells a workbook may have, not
    to the texts its part can hold."""
    base = hostile.workbook(tmp_path, "base.xlsx")
    xml = re.sub(r'\bcount="\d+"', 'count="150000"', hostile._member(base, "xl/sharedStrings.xml"))
    many = hostile.rewrite(base, tmp_path / "many.xlsx", replace={"xl/sharedStrings.xml": xml})
    assert inspect_file(many).application is not None
    refused(many, "FILE-MALFORMED", Limits(max_cells=100_000))


def test_too_many_cells(tmp_path: Path) -> None:
    refused(hostile.workbook(tmp_path), "FILE-TOO-LARGE", Limits(max_cells=0))


def test_a_questionnaire_passes_the_scan_quickly() -> None:
    from factory import REPO

    path = sorted((REPO / "generated").glob("*.xlsx"))[0]  # the complete toolkit
    inspect_file(path)
    start = time.perf_counter()
    inspect_file(path)
    assert time.perf_counter() - start < 1.0


def test_long_text_with_control_characters_passes(tmp_path: Path) -> None:
    path, text = hostile.long_text_cell(tmp_path)
    assert len(text) == 32767
    assert inspect_file(path).extension == ".xlsx"
    # For the reader: openpyxl 3.1 hands back control characters in the file's own escaped form
    # (_x0001_); decoding the control range restores the text exactly.
    with path.open("rb") as file:  # openpyxl leaves a file it opened itself open when it fails
        value = openpyxl.load_workbook(file).active["A1"].value
    restored = re.sub(r"_x00([01][0-9A-Fa-f])_", lambda m: chr(int(m.group(1), 16)), value)
    assert restored == text


# -- hostile XML passes the gate; defusedxml stops it in openpyxl ---------------------------------

XML_PARTS = ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
             "docProps/app.xml"]
HOSTILE_XML = [hostile.billion_laughs, hostile.external_entity]


@pytest.mark.parametrize("part", XML_PARTS)
@pytest.mark.parametrize("build", HOSTILE_XML, ids=[b.__name__ for b in HOSTILE_XML])
def test_hostile_xml_is_refused_before_any_reader(
    tmp_path: Path, build: Callable[[Path, str], Path], part: str
) -> None:
    started = time.perf_counter()
    refused(build(tmp_path, part), "FILE-HOSTILE-XML")
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("part", XML_PARTS)
def test_a_document_type_after_a_long_prolog_is_refused_too(tmp_path: Path, part: str) -> None:
    """A part's head was read in its first 4 KB only: comments before the document type hid
    it from the gate."""
    refused(hostile.billion_laughs(tmp_path, part, prolog=hostile.LONG_PROLOG),
            "FILE-HOSTILE-XML")


@pytest.mark.parametrize(("prolog", "before"), [
    (hostile.LONG_PROLOG, ""),  # the counts past the first 4 KB
    ("", 'note="a>b" '),  # a ">" in an attribute value before them
    ("", f'note="{"x" * 5000}" '),  # a long root tag
])
def test_a_lying_shared_text_count_is_refused_however_its_part_begins(
        tmp_path: Path, prolog: str, before: str) -> None:
    refused(hostile.shared_strings_count(tmp_path, prolog, before), "FILE-MALFORMED")


def test_a_lying_style_count_is_refused_after_a_long_prolog(tmp_path: Path) -> None:
    refused(hostile.styles_count(tmp_path, hostile.LONG_PROLOG), "FILE-MALFORMED")


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_a_part_in_utf16_is_judged_as_one_in_utf8(tmp_path: Path, part: str) -> None:
    """XML allows UTF-16: such a part passes, and its document type or counts are judged."""
    assert inspect_file(hostile.utf16_part(tmp_path, part)).extension == ".xlsx"
    refused(hostile.utf16_part(tmp_path, part, doctype=True), "FILE-HOSTILE-XML")


def test_a_lying_shared_text_count_in_utf16_is_refused(tmp_path: Path) -> None:
    refused(hostile.utf16_part(tmp_path, count="2147483648"), "FILE-MALFORMED")


def test_long_prologs_without_a_document_type_pass(tmp_path: Path) -> None:
    info = inspect_file(hostile.long_prologs(tmp_path))
    assert info.extension == ".xlsx"


# -- the exception itself --------------------------------------------------------------------------

def test_unusable_file_is_an_input_error_and_survives_pickling() -> None:
    error = UnusableFile("a.xlsx", "FILE-XLS", "this is old; save it again")
    assert isinstance(error, InputError)
    assert str(error) == "a.xlsx: this is old; save it again"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.code, copy.message, str(copy)) == (
        error.path, error.code, error.message, str(error)
    )


# -- real files from a real application -----------------------------------------------------------

@pytest.mark.parametrize(
    ("target", "code"), [("xls", "FILE-XLS"), ("ods", "FILE-ODS"), ("xlsx", None)]
)
def test_files_saved_by_libreoffice(tmp_path: Path, target: str, code: str | None) -> None:
    path = convert(hostile.workbook(tmp_path), tmp_path / "out", target)
    if code is not None:
        refused(path, code)
    else:
        application = inspect_file(path).application
        assert application is not None and application.startswith("LibreOffice/")
