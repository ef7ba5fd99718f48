// The inspection notice as an A4 PDF through cairo + pango: pango shapes and wraps the Chinese
// text, the blocks are broken into pages line by line (a line is never cut), and cairo embeds
// the subset of each font it used.
#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>
#include <strings.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "notice_text.hpp"
#include "staffchain/documents/inspection_notice.hpp"

namespace staffchain::documents {

namespace {

// A4 in points, with the margins of official documents (GB/T 9704: 37 mm top, 35 mm bottom,
// 28 mm left, 26 mm right).
constexpr double kMm = 72.0 / 25.4;
constexpr double kPageWidth = 210.0 * kMm;
constexpr double kPageHeight = 297.0 * kMm;
constexpr double kTop = 37.0 * kMm;
constexpr double kBottom = kPageHeight - 35.0 * kMm;
constexpr double kLeft = 28.0 * kMm;
constexpr double kRight = kPageWidth - 26.0 * kMm;
constexpr double kTextWidth = kRight - kLeft;
constexpr double kFooterBaseline = kPageHeight - 20.0 * kMm;

constexpr double kBodySize = 15.0;
constexpr double kSmallSize = 12.5;
constexpr double kSmallPitch = 21.0;

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

enum class Face { serif, sans };
enum class Align { left, centre, right };

// One paragraph of the notice, before it is broken into lines.
struct Block {
  std::string text;
  Face face = Face::serif;
  double size = kBodySize;
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
  bool rule_after = false;  // the red rule under the document number
};

// One wrapped line of a block, and where it lands.
struct PlacedLine {
  std::size_t block = 0;
  int line = 0;
  int page = 0;
  double baseline = 0;
  double x = 0;
};

struct Laid {
  std::vector<LayoutPtr> layouts;
  std::vector<PlacedLine> lines;
  std::vector<std::pair<int, double>> rules;  // page, y
  int pages = 1;
};

std::vector<Block> blocksOf(const InspectionNotice& notice) {
  std::vector<Block> blocks;
  const double em = kBodySize;
  Block title{.text = text::kTitle, .size = 26.0, .bold = true, .align = Align::centre, .pitch = 40.0};
  blocks.push_back(title);
  Block doc_no{.text = notice.doc_no, .align = Align::centre, .pitch = 28.0, .space_before = 6.0, .rule_after = true};
  blocks.push_back(doc_no);
  Block addressee{.text = notice.unit_name + "：", .space_before = 20.0};
  blocks.push_back(addressee);
  auto paragraph = [&](std::string s) {
    return Block{.text = std::move(s), .justify = true, .indent = 2 * em, .space_before = 2.0};
  };
  blocks.push_back(paragraph(text::opening(notice)));
  for (std::size_t i = 0; i < notice.findings.size(); ++i) {
    const NoticeFinding& f = notice.findings[i];
    blocks.push_back(Block{.text = text::ordinal(i) + f.rule_title_zh,
                           .face = Face::sans,
                           .indent = 2 * em,
                           .space_before = 8.0,
                           .keep_with_next = true});
    blocks.push_back(Block{.text = text::findingFacts(f),
                           .size = kSmallSize,
                           .margin_left = 2 * em,
                           .pitch = kSmallPitch,
                           .keep_with_next = true,
                           .red = 0.3,
                           .green = 0.3,
                           .blue = 0.3});
    blocks.push_back(paragraph(f.summary_zh));
    if (f.evidence.empty()) continue;
    blocks.push_back(Block{.text = "相关证据：",
                           .size = kSmallSize,
                           .margin_left = 2 * em,
                           .pitch = kSmallPitch,
                           .space_before = 2.0,
                           .keep_with_next = true});
    // Numbered lines under the heading, wrapped lines aligned after the number.
    const double hanging = 2.0 * kSmallSize;
    for (std::size_t k = 0; k < f.evidence.size(); ++k) {
      const NoticeEvidence& e = f.evidence[k];
      blocks.push_back(Block{.text = fmt::format("{}. {}：{}", k + 1, e.label, e.value),
                             .size = kSmallSize,
                             .margin_left = 2 * em + hanging,
                             .indent = -hanging,
                             .pitch = kSmallPitch});
    }
  }
  blocks.push_back(paragraph(text::requirement(notice)));
  blocks.back().space_before = 10.0;
  if (!notice.reply_instructions.empty()) blocks.push_back(paragraph(notice.reply_instructions));
  if (const std::string contact = text::contact(notice); !contact.empty()) blocks.push_back(paragraph(contact));
  // The signature never stands alone on a page: the last paragraph goes with it.
  blocks.back().keep_with_next = true;
  // The signature: the seal's space, the office, the date, kept together at the right.
  blocks.push_back(Block{.text = "（印章）",
                         .align = Align::right,
                         .margin_right = 4 * em,
                         .space_before = 24.0,
                         .keep_together = true,
                         .keep_with_next = true,
                         .red = 0.55,
                         .green = 0.55,
                         .blue = 0.55});
  blocks.push_back(Block{.text = notice.issuing_office,
                         .align = Align::right,
                         .margin_right = 2 * em,
                         .space_before = 12.0,
                         .keep_together = true,
                         .keep_with_next = true});
  blocks.push_back(Block{
      .text = chineseDate(notice.issued_on), .align = Align::right, .margin_right = 4 * em, .keep_together = true});
  return blocks;
}

int units(double points) {
  return pango_units_from_double(points);
}
double points(int pango_units) {
  return pango_units_to_double(pango_units);
}

LayoutPtr makeLayout(cairo_t* cr, const Block& b, const detail::NoticeFonts& fonts) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  std::unique_ptr<PangoFontDescription, FontDescriptionDeleter> desc(pango_font_description_new());
  pango_font_description_set_family(desc.get(), (b.face == Face::sans ? fonts.sans : fonts.serif).c_str());
  pango_font_description_set_absolute_size(desc.get(), b.size * PANGO_SCALE);
  pango_font_description_set_weight(desc.get(), b.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_width(layout.get(), units(kTextWidth - b.margin_left - b.margin_right));
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_indent(layout.get(), units(b.indent));
  pango_layout_set_justify(layout.get(), b.justify ? 1 : 0);
  pango_layout_set_alignment(layout.get(), b.align == Align::centre  ? PANGO_ALIGN_CENTER
                                           : b.align == Align::right ? PANGO_ALIGN_RIGHT
                                                                     : PANGO_ALIGN_LEFT);
  // Simplified Chinese: its glyph forms and its line-breaking rules (no line opens with "，" or "。").
  pango_context_set_language(pango_layout_get_context(layout.get()), pango_language_from_string("zh-cn"));
  pango_layout_context_changed(layout.get());
  pango_layout_set_text(layout.get(), b.text.c_str(), -1);
  return layout;
}

double linePitch(const Block& b, PangoLayoutLine* line) {
  PangoRectangle logical{};
  pango_layout_line_get_extents(line, nullptr, &logical);
  return std::max(b.pitch, points(logical.height));
}

// The height a block needs on the current page before it may start there: the whole block when
// it keeps together or is short, else its first two lines; plus what follows when it keeps with
// the next block.
double neededHeight(const std::vector<Block>& blocks, const std::vector<LayoutPtr>& layouts, std::size_t i) {
  const Block& b = blocks[i];
  PangoLayout* layout = layouts[i].get();
  double need = 0;
  // A paragraph of up to three lines is never split; a longer one leaves no single line behind.
  const int lines = pango_layout_get_line_count(layout);
  const int count = b.keep_together || lines <= 3 ? lines : 2;
  for (int k = 0; k < count; ++k) need += linePitch(b, pango_layout_get_line_readonly(layout, k));
  if (b.keep_with_next && i + 1 < blocks.size())
    need += blocks[i + 1].space_before + neededHeight(blocks, layouts, i + 1);
  return need;
}

Laid layOut(cairo_t* cr, const std::vector<Block>& blocks, const detail::NoticeFonts& fonts) {
  Laid laid;
  for (const Block& b : blocks) laid.layouts.push_back(makeLayout(cr, b, fonts));
  int page = 0;
  double y = kTop;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    PangoLayout* layout = laid.layouts[i].get();
    if (y > kTop) y += b.space_before;
    if (y > kTop && y + neededHeight(blocks, laid.layouts, i) > kBottom) {
      ++page;
      y = kTop;
    }
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    int line_no = 0;
    do {
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
      const double pitch = linePitch(b, line);
      if (y + pitch > kBottom && y > kTop) {
        ++page;
        y = kTop;
      }
      PangoRectangle logical{};
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      PangoRectangle line_logical{};
      pango_layout_line_get_extents(line, nullptr, &line_logical);
      // The line's box centred in its slot; line_logical.y is the box's top above the baseline.
      const double baseline = y + (pitch - points(line_logical.height)) / 2 - points(line_logical.y);
      laid.lines.push_back(PlacedLine{.block = i,
                                      .line = line_no,
                                      .page = page,
                                      .baseline = baseline,
                                      .x = kLeft + b.margin_left + points(logical.x)});
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

void drawFooter(cairo_t* cr, int page, int pages, const detail::NoticeFonts& fonts) {
  Block footer{.text = fmt::format("第 {} 页 共 {} 页", page + 1, pages), .size = 10.5, .align = Align::centre};
  LayoutPtr layout = makeLayout(cr, footer, fonts);
  PangoLayoutLine* line = pango_layout_get_line_readonly(layout.get(), 0);
  PangoRectangle logical{};
  pango_layout_get_extents(layout.get(), nullptr, &logical);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_move_to(cr, kLeft + points(logical.x), kFooterBaseline);
  pango_cairo_show_layout_line(cr, line);
}

}  // namespace

namespace detail {

Result<void> renderNoticePdf(const InspectionNotice& notice, const std::filesystem::path& out,
                             const NoticeFonts& fonts) {
  for (const std::string* family : {&fonts.serif, &fonts.sans}) {
    if (!fontInstalled(*family)) {
      return makeError(
          fmt::format("cannot render the inspection notice {}: the font \"{}\" is not installed (install the Debian "
                      "package fonts-noto-cjk)",
                      out.string(), *family));
    }
  }
  auto failed = [&out](const std::string& reason) {
    return makeError(fmt::format("cannot write the inspection notice {}: {}", out.string(), reason));
  };
  // Written beside the target and renamed over it when complete: nobody opens half a notice.
  std::filesystem::path partial = out;
  partial += ".partial";
  Sink sink;
  sink.file = std::fopen(partial.c_str(), "wb");
  if (sink.file == nullptr) return failed(std::strerror(errno));
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
      cairo_pdf_surface_create_for_stream(writeToSink, &sink, kPageWidth, kPageHeight));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 fmt::format("{} {}", text::kTitle, notice.doc_no).c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_AUTHOR, notice.issuing_office.c_str());
  {
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    const std::vector<Block> blocks = blocksOf(notice);
    const Laid laid = layOut(cr.get(), blocks, fonts);
    std::size_t next = 0;
    for (int page = 0; page < laid.pages; ++page) {
      for (; next < laid.lines.size() && laid.lines[next].page == page; ++next) {
        const PlacedLine& placed = laid.lines[next];
        const Block& b = blocks[placed.block];
        cairo_set_source_rgb(cr.get(), b.red, b.green, b.blue);
        cairo_move_to(cr.get(), placed.x, placed.baseline);
        pango_cairo_show_layout_line(cr.get(),
                                     pango_layout_get_line_readonly(laid.layouts[placed.block].get(), placed.line));
      }
      for (const auto& [rule_page, rule_y] : laid.rules) {
        if (rule_page != page) continue;
        cairo_set_source_rgb(cr.get(), 0.8, 0, 0);
        cairo_set_line_width(cr.get(), 1.5);
        cairo_move_to(cr.get(), kLeft, rule_y);
        cairo_line_to(cr.get(), kRight, rule_y);
        cairo_stroke(cr.get());
      }
      drawFooter(cr.get(), page, laid.pages, fonts);
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

}  // namespace detail

Result<void> renderNoticePdf(const InspectionNotice& notice, const std::filesystem::path& out) {
  return detail::renderNoticePdf(notice, out, detail::NoticeFonts{});
}

}  // namespace staffchain::documents
