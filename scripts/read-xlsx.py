#!/usr/bin/env python3
"""Reads .xlsx workbooks with openpyxl (an independent reader) and prints them as JSON.

Usage: read-xlsx.py FILE...   ->  {"FILE": {"sheets": [...]}, ...}

For each sheet: name, frozen panes, autofilter range, merged ranges, column widths, and
every cell as [row, column, value, number_format, bold] (1-based), values as openpyxl
reads them (numbers as numbers, text as text). Exit 3 when openpyxl is missing, so the
Swift test can say why it skips.
"""
import json
import sys

try:
    import openpyxl
    from openpyxl.utils import get_column_letter
except ImportError:
    sys.stderr.write("openpyxl is not installed (pip install openpyxl)\n")
    sys.exit(3)


def sheet_json(ws):
    cells = []
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            v = c.value
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                v = str(v)
            cells.append([c.row, c.column, v, c.number_format, bool(c.font and c.font.b)])
    widths = {}
    for key, dim in ws.column_dimensions.items():
        if dim.width:
            for col in range(dim.min or 0, (dim.max or 0) + 1):
                if col:
                    widths[get_column_letter(col)] = dim.width
    return {
        "name": ws.title,
        "freeze_panes": ws.freeze_panes,
        "auto_filter": ws.auto_filter.ref,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": widths,
        "orientation": ws.page_setup.orientation,
        "paper_size": ws.page_setup.paperSize,
        "cells": cells,
    }


def main():
    out = {}
    for path in sys.argv[1:]:
        wb = openpyxl.load_workbook(path)
        out[path] = {"sheets": [sheet_json(ws) for ws in wb.worksheets]}
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
