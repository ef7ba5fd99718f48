// What every PDF the office files shares, through cairo + pango: pango shapes and wraps the
// Chinese text, blocks are broken into pages line by line (a line is never cut), table rows are
// kept whole and the table's header row is repeated on each page, every page is numbered in its
// foot, and cairo embeds the subset of each font it used. The file is written beside its target
// and renamed over it when complete.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/documents/inspection_notice.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::documents::detail {

inline constexpr double kMm = 72.0 / 25.4;

// A page and its text area, in points.
struct PageGeometry {
  double width = 210.0 * kMm;
  double height = 297.0 * kMm;
  double top = 37.0 * kMm;
  double bottom = height - 35.0 * kMm;  // the text area's lower edge
  double left = 28.0 * kMm;
  double right = width - 26.0 * kMm;
  double footer_baseline = height - 20.0 * kMm;

  [[nodiscard]] double textWidth() const { return right - left; }
  // A4 upright with the margins of official documents (GB/T 9704: 37 mm top, 35 mm bottom, 28 mm
  // left, 26 mm right).
  static PageGeometry a4Document() { return PageGeometry{}; }
  // A4 on its side with 15 mm margins all round: for a table of many columns.
  static PageGeometry a4Landscape();
};

enum class Face { serif, sans };
enum class Align { left, centre, right };

// One cell of a table row: wrapped within its width (points, padding included).
struct Cell {
  std::string text{};
  double width = 0;
  Align align = Align::left;
};

// One paragraph, or (with cells) one row of a table, before it is broken into lines.
struct Block {
  std::string text{};
  Face face = Face::serif;
  double size = 15.0;
  bool bold = false;
  Align align = Align::left;
  bool justify = false;
  double margin_left = 0;   // points, every line
  double margin_right = 0;  // points, every line
  double indent = 0;        // points, the first line only (negative: a hanging indent)
  double pitch = 27.0;      // baseline to baseline
  double space_before = 0;  // points, dropped at the top of a page
  bool keep_together = false;
  bool keep_with_next = false;  // never the last thing on a page
  double red = 0;
  double green = 0;
  double blue = 0;
  bool rule_after = false;  // the red rule under a document number
  // A table row: the cells side by side from the left margin, each framed; never split over
  // pages. A header row (shaded) is drawn again at the top of each page the table runs on to.
  std::vector<Cell> cells{};
  bool header_row = false;
};

struct PdfMetadata {
  std::string title;
  std::string author;
};

// Lays out `blocks` on pages of `page`, numbers them "第 N 页 共 M 页" and writes the PDF to `out`.
// `what` names the document in errors ("the inspection notice"). Fails, saying why, when a font
// is not installed or the file cannot be written; then nothing is left at `out`'s side.
Result<void> renderPdf(const std::vector<Block>& blocks, const PageGeometry& page, const NoticeFonts& fonts,
                       const PdfMetadata& metadata, const std::filesystem::path& out, std::string_view what);

}  // namespace staffchain::documents::detail
