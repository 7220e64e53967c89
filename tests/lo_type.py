"""Type answers into a workbook through LibreOffice itself (its UNO API), as a respondent would.

Run by Debian's /usr/bin/python3 (the only interpreter that can import uno):

    /usr/bin/python3 tests/lo_type.py IN.xlsx OUT.xlsx JOBS.json

JOBS.json: {"type": [[sheet, key, text], ...], "insert_after": [[sheet, key], ...]}; a key is the
value of the hidden key column (column U) on the row to type into; text goes into column D through
``setFormula`` (parsed as LibreOffice parses what a user types: numbers, dates, percentages).
Rows are inserted below the named row after typing, with the sheet unprotected and protected again.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(source, target, jobs_file):
    with open(jobs_file, encoding="utf-8") as f:
        jobs = json.load(f)
    profile = tempfile.mkdtemp()
    port = 2002 + os.getpid() % 1000
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
         "--nologo", "--norestore", f"--accept=socket,host=127.0.0.1,port={port};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(60):
            try:
                ctx = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)),
                                           "_blank", 0, (prop("Hidden", True),))
        sheets = doc.Sheets

        def find_row(sheet, key):
            for row in range(0, 3000):
                if sheet.getCellByPosition(20, row).getString() == key:
                    return row
            raise SystemExit(f"no row {key}")

        for name, key, text in jobs.get("type", []):
            sheet = sheets.getByName(name)
            sheet.unprotect("")
            sheet.getCellByPosition(3, find_row(sheet, key)).setFormula(text)
            sheet.protect("")
        for name, key in jobs.get("insert_after", []):
            sheet = sheets.getByName(name)
            sheet.unprotect("")
            row = find_row(sheet, key)
            sheet.Rows.insertByIndex(row + 1, 1)
            sheet.getCellByPosition(3, row + 1).setString("typed into an inserted row")
            sheet.protect("")
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
    finally:
        office.terminate()
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:4])
