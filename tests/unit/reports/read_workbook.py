#!/usr/bin/env python3
"""Prints a workbook as JSON, the way a spreadsheet program would read it back.

For every sheet, in order: its cells that hold a value ("A1": value), the number format and
boldness of each of those cells, its merged ranges, its frozen pane and its column widths. Then
the members of the .xlsx archive, so a test can see that a native chart (xl/charts/chartN.xml)
is there.

Usage: read_workbook.py WORKBOOK.xlsx
"""

import json
import sys
import zipfile

import openpyxl


def read(path):
    book = openpyxl.load_workbook(path)
    sheets = []
    for sheet in book.worksheets:
        cells, formats, bold = {}, {}, {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                cells[cell.coordinate] = cell.value
                formats[cell.coordinate] = cell.number_format
                bold[cell.coordinate] = bool(cell.font and cell.font.b)
        widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items() if dim.width}
        sheets.append({
            "name": sheet.title,
            "cells": cells,
            "number_formats": formats,
            "bold": bold,
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "freeze_panes": sheet.freeze_panes,
            "column_widths": widths,
            "max_row": sheet.max_row,
            "max_column": sheet.max_column,
        })
    with zipfile.ZipFile(path) as archive:
        members = sorted(archive.namelist())
    return {"sheets": sheets, "members": members}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: read_workbook.py WORKBOOK.xlsx\n")
        return 2
    json.dump(read(sys.argv[1]), sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
