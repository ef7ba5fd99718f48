#!/usr/bin/env python3
"""Draws one sheet of an .xlsx workbook as a PNG picture, the way a spreadsheet program shows it.

The cells come from openpyxl: the column widths, merged ranges, bold text, fills and number formats
the workbook holds (thousand separators, two decimals, percentages). A native chart anchored on the
sheet is drawn again from its own definition in the archive (xl/charts/chartN.xml): its title, its
series with their names, colours and the cell ranges they read. Only Debian packages are used:
python3-openpyxl, python3-matplotlib and a CJK font from fonts-noto-cjk.

Usage: sheet_to_png.py WORKBOOK.xlsx SHEET OUT.png
"""

import posixpath
import re
import sys
import unicodedata
import zipfile
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
import openpyxl  # noqa: E402
from openpyxl.utils import column_index_from_string, get_column_letter  # noqa: E402

FONT_FILES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]
NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
}
DEFAULT_WIDTH = 8.43
ROW_HEIGHT = 1.0
GRID = "#808080"


def fonts():
    regular = font_manager.FontProperties(fname=FONT_FILES[0], size=9)
    bold = font_manager.FontProperties(fname=FONT_FILES[1], size=9)
    return regular, bold


def text_width(text):
    """Character widths a text takes: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value, number_format):
    """A cell's value as the spreadsheet shows it."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if number_format.endswith("%"):
            decimals = len(number_format.split(".")[1]) - 1 if "." in number_format else 0
            return f"{value * 100:.{decimals}f}%"
        if number_format.startswith("#,##0"):
            decimals = len(number_format.split(".")[1]) if "." in number_format else 0
            return f"{value:,.{decimals}f}"
        return f"{value:g}"
    return str(value)


def fill_of(cell):
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb if fill.fgColor is not None else None
    if not isinstance(rgb, str) or len(rgb) < 6:
        return None
    return "#" + rgb[-6:]


def parse_range(formula):
    """'汇总'!$B$5:$B$7 -> (sheet, first_row, col, last_row, col), 1-based."""
    sheet, _, cells = formula.rpartition("!")
    sheet = sheet.strip("'")
    match = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?", cells)
    first_col, first_row = column_index_from_string(match.group(1)), int(match.group(2))
    last_col = column_index_from_string(match.group(3)) if match.group(3) else first_col
    last_row = int(match.group(4)) if match.group(4) else first_row
    return sheet, first_row, first_col, last_row, last_col


def range_values(book, formula):
    sheet, r1, c1, r2, c2 = parse_range(formula)
    ws = book[sheet]
    return [ws.cell(row=r, column=c).value for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def charts_of(path, sheet_index):
    """The charts anchored on the sheet: [(anchor_row, anchor_col, chart xml root)], 0-based."""
    found = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        rels_name = f"xl/worksheets/_rels/sheet{sheet_index + 1}.xml.rels"
        if rels_name not in names:
            return found
        for rel in ET.fromstring(archive.read(rels_name)).findall("rel:Relationship", NS):
            if not rel.get("Type", "").endswith("/drawing"):
                continue
            drawing = posixpath.normpath(posixpath.join("xl/worksheets", rel.get("Target")))
            drawing_rels = posixpath.join(posixpath.dirname(drawing), "_rels", posixpath.basename(drawing) + ".rels")
            targets = {
                r.get("Id"): posixpath.normpath(posixpath.join(posixpath.dirname(drawing), r.get("Target")))
                for r in ET.fromstring(archive.read(drawing_rels)).findall("rel:Relationship", NS)
            }
            for anchor in ET.fromstring(archive.read(drawing)):
                start = anchor.find("xdr:from", NS)
                chart_ref = anchor.find(".//c:chart", NS)
                if start is None or chart_ref is None:
                    continue
                row = int(start.find("xdr:row", NS).text)
                col = int(start.find("xdr:col", NS).text)
                target = targets[chart_ref.get(f"{{{NS['r']}}}id")]
                found.append((row, col, ET.fromstring(archive.read(target))))
    return found


def chart_text(element):
    if element is None:
        return ""
    return "".join(t.text or "" for t in element.iter(f"{{{NS['a']}}}t"))


def draw_chart(ax, book, chart, regular, bold):
    title = chart_text(chart.find(".//c:title", NS))
    series = []
    categories = []
    for ser in chart.findall(".//c:ser", NS):
        name_ref = ser.find("c:tx/c:strRef/c:f", NS)
        name = range_values(book, name_ref.text)[0] if name_ref is not None else ""
        categories = range_values(book, ser.find("c:cat//c:f", NS).text)
        values = [v or 0 for v in range_values(book, ser.find("c:val//c:f", NS).text)]
        colour = ser.find("c:spPr/a:solidFill/a:srgbClr", NS)
        series.append((name, values, "#" + colour.get("val") if colour is not None else None))
    count = max(len(series), 1)
    width = 0.8 / count
    for i, (name, values, colour) in enumerate(series):
        xs = [k + (i - (count - 1) / 2) * width for k in range(len(values))]
        bars = ax.bar(xs, values, width=width, color=colour, label=name)
        for bar, value in zip(bars, values):
            ax.annotate(f"{value:,.0f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                        ha="center", va="bottom", fontproperties=regular, fontsize=8)
    ax.set_xticks(range(len(categories)))
    ax.set_xticklabels([str(c) for c in categories], fontproperties=regular)
    axis_title = chart_text(chart.find(".//c:valAx/c:title", NS))
    if axis_title:
        ax.set_ylabel(axis_title, fontproperties=regular)
    for label in ax.get_yticklabels():
        label.set_fontproperties(regular)
    ax.set_title(title, fontproperties=bold, fontsize=11)
    ax.legend(prop=regular, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=count, frameon=False)
    ax.grid(axis="y", color="#d9d9d9", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def draw(path, sheet_name, out):
    book = openpyxl.load_workbook(path)
    ws = book[sheet_name]
    regular, bold = fonts()
    columns = ws.max_column
    widths = [ws.column_dimensions[get_column_letter(c)].width or DEFAULT_WIDTH for c in range(1, columns + 1)]
    lefts = [sum(widths[:i]) for i in range(columns)]
    total_width = sum(widths)
    # Text in a cell without borders runs on to the right, as a spreadsheet program shows it.
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and not (cell.border and cell.border.left and cell.border.left.style):
                total_width = max(total_width, lefts[cell.column - 1] + text_width(cell.value) + 1)
    rows = ws.max_row
    merged = {}
    covered = set()
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))

    anchored = charts_of(path, book.sheetnames.index(sheet_name))
    chart_rows = 17 if anchored else 0
    unit = 0.105  # inches per character width
    fig_width = total_width * unit + 0.4
    fig_height = (rows * ROW_HEIGHT + 0.6) * 0.3 + chart_rows * 0.3
    fig = plt.figure(figsize=(fig_width, fig_height), dpi=130)
    table_share = (rows * ROW_HEIGHT + 0.6) * 0.3 / fig_height
    ax = fig.add_axes([0.2 / fig_width, 1 - table_share, 1 - 0.4 / fig_width, table_share])
    ax.set_xlim(-0.3, total_width + 0.3)
    ax.set_ylim(rows * ROW_HEIGHT + 0.3, 0)
    ax.axis("off")

    for r in range(1, rows + 1):
        for c in range(1, columns + 1):
            if (r, c) in covered:
                continue
            cell = ws.cell(row=r, column=c)
            last_row, last_col = merged.get((r, c), (r, c))
            x = lefts[c - 1]
            w = sum(widths[c - 1:last_col])
            y = (r - 1) * ROW_HEIGHT
            h = (last_row - r + 1) * ROW_HEIGHT
            bordered = cell.border is not None and cell.border.left is not None and cell.border.left.style
            fill = fill_of(cell)
            if fill or bordered:
                ax.add_patch(Rectangle((x, y), w, h, facecolor=fill or "white",
                                       edgecolor=GRID if bordered else "none", linewidth=0.6))
            text = shown(cell.value, cell.number_format)
            if not text:
                continue
            is_number = isinstance(cell.value, (int, float))
            align = cell.alignment.horizontal if cell.alignment is not None else None
            font = bold if cell.font is not None and cell.font.b else regular
            size = 9
            if cell.font is not None and cell.font.sz and float(cell.font.sz) >= 14:
                size = 13
            colour = "#" + cell.font.color.rgb[-6:] if (cell.font is not None and cell.font.color is not None
                                                        and isinstance(cell.font.color.rgb, str)) else "black"
            if align == "center" or (align is None and r == 1):
                ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontproperties=font,
                        fontsize=size, color=colour)
            elif is_number and align != "left":
                ax.text(x + w - 0.6, y + h / 2, text, ha="right", va="center", fontproperties=font, fontsize=size,
                        color=colour)
            else:
                ax.text(x + 0.6, y + h / 2, text, ha="left", va="center", fontproperties=font, fontsize=size,
                        color=colour)

    for _, _, chart in anchored:
        chart_ax = fig.add_axes([0.6 / fig_width, 0.9 / fig_height, min(7.5, fig_width - 1.0) / fig_width,
                                 (chart_rows * 0.3 - 1.6) / fig_height])
        draw_chart(chart_ax, book, chart, regular, bold)
        break
    fig.savefig(out, dpi=130, facecolor="white")


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: sheet_to_png.py WORKBOOK.xlsx SHEET OUT.png\n")
        return 2
    draw(sys.argv[1], sys.argv[2], sys.argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
