#include "pdf_pages.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>
#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

namespace staffchain::documents::detail {

namespace {

// Inside a table cell: room between the frame and the text.
constexpr double kCellPadX = 4.0;
constexpr double kCellPadY = 3.0;
constexpr double kHeaderShade = 0.87;  // grey level of a header row's fill

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct GObjectDeleter {
  void operator()(PangoLayout* layout) const { g_object_unref(layout); }
};
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;

// One wrapped line of a block (of one of its cells), and where it lands.
struct PlacedLine {
  std::size_t block = 0;
  std::size_t cell = 0;
  int line = 0;
  int page = 0;
  double baseline = 0;
  double x = 0;
};

// A table cell's frame.
struct Frame {
  int page = 0;
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  bool shaded = false;
};

struct Laid {
  std::vector<std::vector<LayoutPtr>> layouts;  // per block: its paragraph, or one per cell
  std::vector<PlacedLine> lines;
  std::vector<Frame> frames;
  std::vector<std::pair<int, double>> rules;  // page, y
  int pages = 1;
};

int units(double points) {
  return pango_units_from_double(points);
}
double points(int pango_units) {
  return pango_units_to_double(pango_units);
}

LayoutPtr makeLayout(cairo_t* cr, const Block& b, const std::string& text, double width, Align align,
                     const NoticeFonts& fonts) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> desc(pango_font_description_new());
  pango_font_description_set_family(desc.get(), (b.face == Face::sans ? fonts.sans : fonts.serif).c_str());
  pango_font_description_set_absolute_size(desc.get(), b.size * PANGO_SCALE);
  pango_font_description_set_weight(desc.get(), b.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_width(layout.get(), units(width));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_indent(layout.get(), units(b.indent));
  pango_layout_set_justify(layout.get(), b.justify ? 1 : 0);
  pango_layout_set_alignment(layout.get(), align == Align::centre  ? PANGO_ALIGN_CENTER
                                           : align == Align::right ? PANGO_ALIGN_RIGHT
                                                                   : PANGO_ALIGN_LEFT);
  // Simplified Chinese: its glyph forms and its line-breaking rules (no line opens with "，" or "。").
  pango_context_set_language(pango_layout_get_context(layout.get()), pango_language_from_string("zh-cn"));
  pango_layout_context_changed(layout.get());
  pango_layout_set_text(layout.get(), text.c_str(), -1);
  return layout;
}

double linePitch(const Block& b, PangoLayoutLine* line) {
  PangoRectangle logical{};
  pango_layout_line_get_extents(line, nullptr, &logical);
  return std::max(b.pitch, points(logical.height));
}

double textHeight(const Block& b, PangoLayout* layout) {
  double height = 0;
  for (int k = 0; k < pango_layout_get_line_count(layout); ++k) {
    height += linePitch(b, pango_layout_get_line_readonly(layout, k));
  }
  return height;
}

// A table row's height: its tallest cell.
double rowHeight(const Block& b, const std::vector<LayoutPtr>& cells) {
  double height = 0;
  for (const auto& cell : cells) height = std::max(height, textHeight(b, cell.get()));
  return height + 2 * kCellPadY;
}

// The height a block needs on the current page before it may start there: a table row whole; a
// paragraph whole when it keeps together or is short, else its first two lines; plus what
// follows when it keeps with the next block.
double neededHeight(const std::vector<Block>& blocks, const Laid& laid, std::size_t i) {
  const Block& b = blocks[i];
  double need = 0;
  if (!b.cells.empty()) {
    need = rowHeight(b, laid.layouts[i]);
  } else {
    PangoLayout* layout = laid.layouts[i][0].get();
    // A paragraph of up to three lines is never split; a longer one leaves no single line behind.
    const int lines = pango_layout_get_line_count(layout);
    const int count = b.keep_together || lines <= 3 ? lines : 2;
    for (int k = 0; k < count; ++k) need += linePitch(b, pango_layout_get_line_readonly(layout, k));
  }
  if (b.keep_with_next && i + 1 < blocks.size()) need += blocks[i + 1].space_before + neededHeight(blocks, laid, i + 1);
  return need;
}

// Places one table row with its top at y.
void placeRow(const Block& b, std::size_t index, const PageGeometry& g, int page, double y, Laid& laid) {
  const double height = rowHeight(b, laid.layouts[index]);
  double x = g.left;
  for (std::size_t c = 0; c < b.cells.size(); ++c) {
    const Cell& cell = b.cells[c];
    laid.frames.push_back(Frame{page, x, y, cell.width, height, b.header_row});
    PangoLayout* layout = laid.layouts[index][c].get();
    // Vertically centred in the row.
    double line_top = y + (height - textHeight(b, layout)) / 2;
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    int line_no = 0;
    do {
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
      const double pitch = linePitch(b, line);
      PangoRectangle logical{};
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      PangoRectangle line_logical{};
      pango_layout_line_get_extents(line, nullptr, &line_logical);
      const double baseline = line_top + (pitch - points(line_logical.height)) / 2 - points(line_logical.y);
      laid.lines.push_back(PlacedLine{.block = index,
                                      .cell = c,
                                      .line = line_no,
                                      .page = page,
                                      .baseline = baseline,
                                      .x = x + kCellPadX + points(logical.x)});
      line_top += pitch;
      ++line_no;
    } while (pango_layout_iter_next_line(iter) != 0);
    pango_layout_iter_free(iter);
    x += cell.width;
  }
}

Laid layOut(cairo_t* cr, const std::vector<Block>& blocks, const PageGeometry& g, const NoticeFonts& fonts) {
  Laid laid;
  for (const Block& b : blocks) {
    std::vector<LayoutPtr> layouts;
    if (b.cells.empty()) {
      layouts.push_back(makeLayout(cr, b, b.text, g.textWidth() - b.margin_left - b.margin_right, b.align, fonts));
    } else {
      for (const Cell& cell : b.cells) {
        layouts.push_back(makeLayout(cr, b, cell.text, std::max(cell.width - 2 * kCellPadX, 1.0), cell.align, fonts));
      }
    }
    laid.layouts.push_back(std::move(layouts));
  }
  int page = 0;
  double y = g.top;
  // The table's header row once placed, kNone before: an index, not an optional, because g++ 12
  // at -O3 takes an optional's value for uninitialised here (-Wmaybe-uninitialized).
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t header = kNone;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    if (y > g.top) y += b.space_before;
    if (y > g.top && y + neededHeight(blocks, laid, i) > g.bottom) {
      ++page;
      y = g.top;
      // The table goes on: its header first.
      if (!b.cells.empty() && !b.header_row && header != kNone) {
        placeRow(blocks[header], header, g, page, y, laid);
        y += rowHeight(blocks[header], laid.layouts[header]);
      }
    }
    if (!b.cells.empty()) {
      if (b.header_row) header = i;
      placeRow(b, i, g, page, y, laid);
      y += rowHeight(b, laid.layouts[i]);
      continue;
    }
    if (b.header_row) header = kNone;
    PangoLayout* layout = laid.layouts[i][0].get();
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    int line_no = 0;
    do {
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
      const double pitch = linePitch(b, line);
      if (y + pitch > g.bottom && y > g.top) {
        ++page;
        y = g.top;
      }
      PangoRectangle logical{};
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      PangoRectangle line_logical{};
      pango_layout_line_get_extents(line, nullptr, &line_logical);
      // The line's box centred in its slot; line_logical.y is the box's top above the baseline.
      const double baseline = y + (pitch - points(line_logical.height)) / 2 - points(line_logical.y);
      laid.lines.push_back(PlacedLine{.block = i,
                                      .cell = 0,
                                      .line = line_no,
                                      .page = page,
                                      .baseline = baseline,
                                      .x = g.left + b.margin_left + points(logical.x)});
      y += pitch;
      ++line_no;
    } while (pango_layout_iter_next_line(iter) != 0);
    pango_layout_iter_free(iter);
    if (b.rule_after) {
      laid.rules.emplace_back(page, y + 6.0);
      y += 12.0;
    }
  }
  laid.pages = page + 1;
  return laid;
}

bool fontInstalled(const std::string& family) {
  PangoFontMap* map = pango_cairo_font_map_get_default();
  PangoFontFamily** families = nullptr;
  int count = 0;
  pango_font_map_list_families(map, &families, &count);
  bool found = false;
  for (int i = 0; i < count && !found; ++i) {
    found = strcasecmp(pango_font_family_get_name(families[i]), family.c_str()) == 0;
  }
  g_free(families);
  return found;
}

// Where cairo's PDF stream goes: a file opened here, so a failure to open or write names its reason.
struct Sink {
  std::FILE* file = nullptr;
  int error = 0;
};

cairo_status_t writeToSink(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<Sink*>(closure);
  if (std::fwrite(data, 1, length, sink->file) != length) {
    sink->error = errno != 0 ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  return CAIRO_STATUS_SUCCESS;
}

void drawFooter(cairo_t* cr, int page, int pages, const PageGeometry& g, const NoticeFonts& fonts) {
  Block footer{.text = fmt::format("第 {} 页 共 {} 页", page + 1, pages), .size = 10.5, .align = Align::centre};
  LayoutPtr layout = makeLayout(cr, footer, footer.text, g.textWidth(), footer.align, fonts);
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout.get(), 0);
  PangoRectangle logical{};
  pango_layout_get_extents(layout.get(), nullptr, &logical);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_move_to(cr, g.left + points(logical.x), g.footer_baseline);
  pango_cairo_show_layout_line(cr, line);
}

void drawPage(cairo_t* cr, const std::vector<Block>& blocks, const Laid& laid, int page, const PageGeometry& g,
              const NoticeFonts& fonts) {
  for (const Frame& frame : laid.frames) {
    if (frame.page != page) continue;
    cairo_rectangle(cr, frame.x, frame.y, frame.width, frame.height);
    if (frame.shaded) {
      cairo_set_source_rgb(cr, kHeaderShade, kHeaderShade, kHeaderShade);
      cairo_fill_preserve(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
  }
  for (const PlacedLine& placed : laid.lines) {
    if (placed.page != page) continue;
    const Block& b = blocks[placed.block];
    cairo_set_source_rgb(cr, b.red, b.green, b.blue);
    cairo_move_to(cr, placed.x, placed.baseline);
    pango_cairo_show_layout_line(
        cr, pango_layout_get_line_readonly(laid.layouts[placed.block][placed.cell].get(), placed.line));
  }
  for (const auto& [rule_page, rule_y] : laid.rules) {
    if (rule_page != page) continue;
    cairo_set_source_rgb(cr, 0.8, 0, 0);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, g.left, rule_y);
    cairo_line_to(cr, g.right, rule_y);
    cairo_stroke(cr);
  }
  drawFooter(cr, page, laid.pages, g, fonts);
}

}  // namespace

PageGeometry PageGeometry::a4Landscape() {
  PageGeometry g;
  g.width = 297.0 * kMm;
  g.height = 210.0 * kMm;
  g.top = 15.0 * kMm;
  g.bottom = g.height - 18.0 * kMm;
  g.left = 15.0 * kMm;
  g.right = g.width - 15.0 * kMm;
  g.footer_baseline = g.height - 9.0 * kMm;
  return g;
}

Result<void> renderPdf(const std::vector<Block>& blocks, const PageGeometry& page, const NoticeFonts& fonts,
                       const PdfMetadata& metadata, const std::filesystem::path& out, std::string_view what) {
  for (const std::string* family : {&fonts.serif, &fonts.sans}) {
    if (!fontInstalled(*family)) {
      return makeError(fmt::format(
          "cannot render {} {}: the font \"{}\" is not installed (install the Debian package fonts-noto-cjk)", what,
          out.string(), *family));
    }
  }
  auto failed = [&](const std::string& reason) {
    return makeError(fmt::format("cannot write {} {}: {}", what, out.string(), reason));
  };
  // Written beside the target and renamed over it when complete: nobody opens half a document.
  std::filesystem::path partial = out;
  partial += ".partial";
  Sink sink;
  sink.file = std::fopen(partial.c_str(), "wb");
  if (sink.file == nullptr) return failed(std::strerror(errno));
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
      cairo_pdf_surface_create_for_stream(writeToSink, &sink, page.width, page.height));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, metadata.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, metadata.author.c_str());
  {
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    const Laid laid = layOut(cr.get(), blocks, page, fonts);
    for (int p = 0; p < laid.pages; ++p) {
      drawPage(cr.get(), blocks, laid, p, page, fonts);
      cairo_show_page(cr.get());
    }
  }
  cairo_surface_finish(surface.get());
  const cairo_status_t status = cairo_surface_status(surface.get());
  surface.reset();
  const bool closed = std::fclose(sink.file) == 0;
  if (sink.error == 0 && !closed) sink.error = errno;
  std::string reason;
  if (sink.error != 0) {
    reason = std::strerror(sink.error);
  } else if (status != CAIRO_STATUS_SUCCESS) {
    reason = cairo_status_to_string(status);
  } else if (std::error_code ec; std::filesystem::rename(partial, out, ec), ec) {
    reason = ec.message();
  }
  if (!reason.empty()) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return failed(reason);
  }
  return {};
}

}  // namespace staffchain::documents::detail
