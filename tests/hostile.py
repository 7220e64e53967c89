"""Build hostile and broken files in a given folder, at test time: nothing binary is committed.

Each builder takes a folder, writes one small file there quickly and returns its path.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

import xlsxwriter

MiB = 2**20
OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

LIBREOFFICE_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template></Template><TotalTime>0</TotalTime>"
    "<Application>LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</Application>"
    "<AppVersion>15.0000</AppVersion></Properties>"
)

#: Ten levels of ten: "&lol9;" would expand to a billion "lol"s.
_LAUGHS = "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "lol"}">\n' for i in range(10)
)


# -- real workbooks and rewrites of them ----------------------------------------------------------

def workbook(folder: Path, name: str = "answers.xlsx", text: str = "hello") -> Path:
    """A real, small workbook written by xlsxwriter, with one text cell (so sharedStrings.xml)."""
    path = folder / name
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Answers")
    if sheet.write_string(0, 0, text) != 0:
        raise AssertionError("xlsxwriter refused the text")
    book.close()
    return path


def rewrite(
    source: Path,
    target: Path,
    replace: Mapping[str, bytes | str] | None = None,
    add: Mapping[str, bytes | str] | None = None,
    compress_type: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Copy the zip ``source`` to ``target``, replacing and adding members."""
    replace = dict(replace or {})
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", compress_type) as dst:
        for info in src.infolist():
            data = replace.pop(info.filename, None)
            dst.writestr(info.filename, src.read(info) if data is None else data)
        for name, data in {**replace, **(add or {})}.items():
            dst.writestr(name, data)
    return target


def xlsm_with_macros(folder: Path) -> Path:
    return rewrite(workbook(folder, "base.xlsx"), folder / "macros.xlsm",
                   add={"xl/vbaProject.bin": OLE2_SIGNATURE + bytes(504)})


def with_links_and_objects(folder: Path) -> Path:
    return rewrite(workbook(folder, "base.xlsx"), folder / "linked.xlsx", add={
        "xl/externalLinks/externalLink1.xml": "<externalLink/>",
        "xl/embeddings/oleObject1.bin": b"\x00" * 64,
    })


def libreoffice_saved(folder: Path) -> Path:
    """A workbook whose docProps/app.xml is the one LibreOffice 7.4 writes."""
    return rewrite(workbook(folder, "base.xlsx"), folder / "libreoffice.xlsx",
                   replace={"docProps/app.xml": LIBREOFFICE_APP_XML})


def renamed_xls(folder: Path) -> Path:
    """A genuine .xlsx whose name ends in .xls (what respondents sometimes do)."""
    path = workbook(folder)
    return path.rename(folder / "answers.xls")


def long_text_cell(folder: Path) -> tuple[Path, str]:
    """A workbook with one cell of exactly 32,767 characters, control characters included."""
    pattern = "A\x00\x01\x07\x08\x0b\x0c\x1b[31m\x7f\u200b\ufeff_x0041_ é"
    text = (pattern * (32767 // len(pattern) + 1))[:32767]
    return workbook(folder, "long.xlsx", text), text


def billion_laughs(folder: Path, part: str = "xl/sharedStrings.xml", prolog: str = "") -> Path:
    """A real workbook whose ``part`` declares nested entities (entity expansion), after
    ``prolog``."""
    return _with_entity_part(folder, "laughs.xlsx", part, _LAUGHS, "&lol9;", prolog)


def external_entity(folder: Path, part: str = "xl/sharedStrings.xml") -> Path:
    """A real workbook whose ``part`` pulls in /etc/passwd through an external entity (XXE)."""
    return _with_entity_part(
        folder, "xxe.xlsx", part, '<!ENTITY x SYSTEM "file:///etc/passwd">\n', "&x;"
    )


def _with_entity_part(folder: Path, name: str, part: str, dtd: str, use: str,
                      prolog: str = "") -> Path:
    root, body = {
        "xl/sharedStrings.xml": (
            "sst", f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>{use}</t></si></sst>'
        ),
        "xl/workbook.xml": (
            "workbook", f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}"><sheets>'
                        f'<sheet name="{use}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/worksheets/sheet1.xml": (
            "worksheet", f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1">'
                         f'<c r="A1" t="inlineStr"><is><t>{use}</t></is></c></row></sheetData>'
                         "</worksheet>"
        ),
        "docProps/app.xml": (
            "Properties", f"<Properties><Application>{use}</Application></Properties>"
        ),
    }[part]
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<!DOCTYPE {root} [\n{dtd}]>\n{body}'
    return rewrite(workbook(folder, "base.xlsx"), folder / name, replace={part: xml})


# -- broken or foreign files ----------------------------------------------------------------------

def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def truncated(folder: Path) -> Path:
    """The first half of a real workbook's bytes (cut off while sending)."""
    data = workbook(folder, "base.xlsx").read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def csv_text(folder: Path) -> Path:
    path = folder / "answers.xlsx"
    path.write_text("question,answer\nPOL-1,yes\nPOL-2,12\n", encoding="utf-8")
    return path


def pdf(folder: Path) -> Path:
    path = folder / "answers.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return path


def png(folder: Path) -> Path:
    path = folder / "answers.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + bytes(17))
    return path


def html_table(folder: Path) -> Path:
    """What some systems export as 'Excel': an HTML table named .xls."""
    path = folder / "export.xls"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", "utf-8")
    return path


def _ole2(folder: Path, name: str, entries: list[str]) -> Path:
    """A minimal OLE2 file: the header, then one directory sector naming ``entries``."""
    header = OLE2_SIGNATURE + bytes(512 - len(OLE2_SIGNATURE))
    directory = b""
    for entry in ["Root Entry", *entries]:
        encoded = entry.encode("utf-16-le") + b"\x00\x00"
        directory += encoded.ljust(64, b"\x00") + struct.pack("<H", len(encoded)).ljust(64, b"\x00")
    path = folder / name
    path.write_bytes(header + directory.ljust(512 * ((len(directory) + 511) // 512), b"\x00"))
    return path


def old_xls(folder: Path) -> Path:
    return _ole2(folder, "answers.xls", ["Workbook", "\x05SummaryInformation"])


def encrypted(folder: Path) -> Path:
    """What Excel writes for a workbook with a password to open: OLE2 with EncryptedPackage."""
    return _ole2(folder, "answers.xlsx", ["\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"])


def encrypted_large(folder: Path) -> Path:
    """An encrypted workbook over 2 MiB whose directory sits at the end of the file."""
    small = _ole2(folder, "small.bin", ["EncryptionInfo", "EncryptedPackage"]).read_bytes()
    path = folder / "large.xlsx"
    path.write_bytes(small[:512] + os.urandom(3 * MiB) + small[512:])
    return path


def old_doc(folder: Path) -> Path:
    return _ole2(folder, "answers.doc", ["WordDocument", "1Table"])


def docx_like(folder: Path) -> Path:
    path = folder / "answers.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return path


def ods_like(folder: Path) -> Path:
    path = folder / "answers.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return path


def zipped_workbook(folder: Path) -> Path:
    """The workbook sent inside a zip archive."""
    book = workbook(folder)
    path = folder / "answers.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(book, "answers.xlsx")
    return path


def plain_zip(folder: Path) -> Path:
    path = folder / "answers.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "nothing to see")
    return path


# -- archives built to hurt ------------------------------------------------------------------------

def zip_bomb(folder: Path, megabytes: int = 300) -> Path:
    """A workbook whose sheet is ``megabytes`` MB of zeros (about 1 KB each once compressed).

    Streamed in 1 MiB chunks, so building it needs little memory.
    """
    source = workbook(folder, "base.xlsx")
    path = folder / "bomb.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != sheet:
                dst.writestr(info.filename, src.read(info))
        chunk = bytes(MiB)
        with dst.open(sheet, "w") as member:
            for _ in range(megabytes):
                member.write(chunk)
    return path


def high_ratio(folder: Path) -> Path:
    """A workbook with a 2 MiB member of zeros: small, but it compresses a thousandfold."""
    return rewrite(workbook(folder, "base.xlsx"), folder / "ratio.xlsx",
                   add={"xl/media/image1.bin": bytes(2 * MiB)})


def many_members(folder: Path, count: int = 2001) -> Path:
    """A workbook holding ``count`` extra, empty members."""
    return rewrite(workbook(folder, "base.xlsx"), folder / "many.xlsx",
                   add={f"xl/junk/{i}.xml": b"" for i in range(count)})


def understated_members(folder: Path, count: int = 50) -> Path:
    """``count`` extra members, but an end record that claims the archive holds one."""
    path = many_members(folder, count)
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 1, 1)
    path.write_bytes(bytes(data))
    return path


def duplicate_and_odd_names(folder: Path) -> Path:
    """A workbook with a second xl/workbook.xml and names that climb out of any folder."""
    path = shutil.copy(workbook(folder, "base.xlsx"), folder / "odd.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate: that is the point
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
            z.writestr("XL/Workbook.xml", "<workbook/>")
            z.writestr("../../../etc/evil.txt", "x")
            z.writestr("/absolute/evil.txt", "x")
            z.writestr("C:\\windows\\evil.txt", "x")
            z.writestr("xl/\u202eslx.exe", "x")
    return Path(path)


def zip_password(folder: Path) -> Path:
    """A workbook whose members are marked as encrypted with a zip password."""
    path = folder / "zipcrypto.xlsx"
    with zipfile.ZipFile(workbook(folder, "base.xlsx")) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        for info in dst.infolist():
            info.flag_bits |= 0x1  # written into the central directory on close
    return path


def unusual_compression(folder: Path) -> Path:
    """A workbook packed with bzip2, which neither Excel nor LibreOffice write."""
    return rewrite(workbook(folder, "base.xlsx"), folder / "bzip2.xlsx",
                   compress_type=zipfile.ZIP_BZIP2)


def unreadable(folder: Path) -> Path:
    """A real workbook with no permissions at all (root can still read it)."""
    path = workbook(folder, "locked.xlsx")
    path.chmod(0)
    return path


# -- structures a reader would trust --------------------------------------------------------------

def _member(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def duplicate_sheet_member(folder: Path) -> Path:
    """Two members named like the first sheet, with different contents (one app shows one, one
    the other)."""
    path = shutil.copy(workbook(folder, "base.xlsx"), folder / "twice.xlsx")
    sheet = _member(Path(path), "xl/worksheets/sheet1.xml").replace("hello", "forged")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate: that is the point
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
    return Path(path)


#: A prolog longer than the few kilobytes a part's head is first read in: a comment and a
#: processing instruction, both legal before the root element.
LONG_PROLOG = "<!-- " + "padding " * 1200 + "-->\n<?natk pad?>\n"


def _after_declaration(xml: str, prolog: str) -> str:
    """``xml`` with ``prolog`` between its XML declaration and its root element."""
    end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
    return xml[:end] + prolog + xml[end:]


def shared_strings_count(folder: Path, prolog: str = "", before: str = "") -> Path:
    """A shared-strings part that declares 2^31 strings (python-calamine would reserve 48 GB),
    after ``prolog``, and after the attributes ``before`` in its root tag."""
    base = workbook(folder, "base.xlsx")
    xml = re.sub(r'(count|uniqueCount)="\d+"', r'\1="2147483648"',
                 _member(base, "xl/sharedStrings.xml"))
    xml = _after_declaration(xml.replace("<sst ", "<sst " + before, 1), prolog)
    return rewrite(base, folder / "sst.xlsx", replace={"xl/sharedStrings.xml": xml})


def styles_count(folder: Path, prolog: str = "") -> Path:
    base = workbook(folder, "base.xlsx")
    xml = _member(base, "xl/styles.xml").replace('<cellXfs count="1"', '<cellXfs count="999999999"')
    return rewrite(base, folder / "styles.xlsx",
                   replace={"xl/styles.xml": _after_declaration(xml, prolog)})


def utf16_part(folder: Path, part: str = "xl/sharedStrings.xml", count: str | None = None,
               doctype: bool = False) -> Path:
    """A real workbook whose ``part`` is in UTF-16 (which XML allows), with its declared
    ``count``s changed, or a document type with entities declared before its root."""
    base = workbook(folder, "base.xlsx")
    xml = _member(base, part).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    if count is not None:
        xml = re.sub(r'(count|uniqueCount)="\d+"', rf'\1="{count}"', xml)
    if doctype:
        root = re.search(r"<(?!\?)(\w+)", xml)
        assert root is not None
        xml = _after_declaration(xml, f"<!DOCTYPE {root.group(1)} [{_LAUGHS}]>")
    return rewrite(base, folder / "utf16.xlsx", replace={part: xml.encode("utf-16")})


def long_prologs(folder: Path) -> Path:
    """A real workbook whose every XML part has a long (legal) prolog: nothing hostile."""
    base = workbook(folder, "base.xlsx")
    with zipfile.ZipFile(base) as z:
        parts = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
    return rewrite(base, folder / "prologs.xlsx", replace={
        name: _after_declaration(_member(base, name), LONG_PROLOG) for name in parts})


def sheets_sharing_a_part(folder: Path, count: int = 3) -> Path:
    """``count`` sheet entries in xl/workbook.xml, every one pointing at the same part."""
    base = workbook(folder, "base.xlsx")
    xml = _member(base, "xl/workbook.xml")
    entry = re.search(r"<sheet [^>]*/>", xml)
    assert entry is not None
    extra = "".join(entry.group(0).replace('name="Answers"', f'name="S{i}"')
                    .replace('sheetId="1"', f'sheetId="{i + 2}"') for i in range(count - 1))
    xml = xml.replace(entry.group(0), entry.group(0) + extra)
    return rewrite(base, folder / f"sheets{count}.xlsx", replace={"xl/workbook.xml": xml})


def cell_reference(folder: Path, ref: str, name: str = "ref.xlsx") -> Path:
    """The text cell's reference attribute replaced by ``ref`` (``D-``, ``U99999999999``, ...)."""
    base = workbook(folder, "base.xlsx")
    xml = _member(base, "xl/worksheets/sheet1.xml").replace('<c r="A1"', f'<c r="{ref}"')
    return rewrite(base, folder / name, replace={"xl/worksheets/sheet1.xml": xml})


def encrypted_in_the_middle(folder: Path) -> Path:
    """A password-protected workbook of 5 MiB whose directory sits in the middle of the file,
    found only by following the header (version 3: 512-byte sectors)."""
    sector = 512
    dir_sector = (2 * MiB) // sector  # sector number n is at (n + 1) * 512
    fat_sector = dir_sector + 1
    header = bytearray(OLE2_SIGNATURE + bytes(sector - len(OLE2_SIGNATURE)))
    struct.pack_into("<HH", header, 26, 3, 0xFFFE)  # major version, byte order
    struct.pack_into("<H", header, 30, 9)  # sector shift: 512
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, dir_sector)
    difat = [fat_sector] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 76, *difat)
    directory = b""
    for entry in ["Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]:
        encoded = entry.encode("utf-16-le") + b"\x00\x00"
        directory += encoded.ljust(64, b"\x00") + struct.pack("<H", len(encoded)).ljust(64, b"\x00")
    fat = [0xFFFFFFFF] * (sector // 4)
    fat[dir_sector % (sector // 4)] = 0xFFFFFFFE  # end of the directory's chain
    body = bytearray(os.urandom(5 * MiB))
    body[dir_sector * sector:(dir_sector + 1) * sector] = directory
    body[fat_sector * sector:(fat_sector + 1) * sector] = struct.pack(f"<{sector // 4}I", *fat)
    path = folder / "protected.xlsx"
    path.write_bytes(bytes(header) + bytes(body))
    return path


# -- a filled return, damaged or disguised --------------------------------------------------------

def _xml_attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def rename_sheet(source: Path, target: Path, old: str, new: str) -> Path:
    """The sheet ``old`` renamed ``new`` in xl/workbook.xml only, as a hand-edited file could be
    (names no application would accept included)."""
    xml = _member(source, "xl/workbook.xml")
    needle = f'name="{_xml_attr(old)}"'
    assert needle in xml
    return rewrite(source, target, replace={"xl/workbook.xml": xml.replace(
        needle, f'name="{_xml_attr(new)}"', 1)})


def set_metadata(source: Path, target: Path, key: str, value: str) -> Path:
    """A return whose hidden metadata ``key`` (sheet and document property) holds ``value``."""
    from openpyxl import load_workbook
    from openpyxl.packaging.custom import StringProperty

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(source)
    ws = wb["natk_meta"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, 2).value = value
    props = wb.custom_doc_props
    name = f"natk_{key}"
    if name in props.names:
        props.props = [p for p in props.props if p.name != name]
        props.append(StringProperty(name=name, value=value))
    wb.save(target)
    return target


def lookalike(folder: Path, cover_labels: list[str], sheet: str) -> Path:
    """A workbook with a "Cover" carrying the return's labels and a component's sheet name, but
    no question ids and no metadata."""
    path = folder / "lookalike.xlsx"
    book = xlsxwriter.Workbook(str(path))
    cover = book.add_worksheet("Cover")
    for row, label in enumerate(cover_labels):
        cover.write_string(row, 0, label)
        cover.write_string(row, 1, "Ministry of Lookalikes")
    body = book.add_worksheet(sheet)
    body.write_string(0, 0, "Question")
    body.write_string(1, 3, "Yes")
    book.close()
    return path
