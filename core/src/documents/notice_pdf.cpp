// The inspection notice as an A4 PDF through the shared page machinery (pdf_pages): the notice's
// paragraphs in the order and style of an official document, on pages with the margins of GB/T 9704.
#include <fmt/format.h>

#include "notice_text.hpp"
#include "pdf_pages.hpp"
#include "staffchain/documents/inspection_notice.hpp"

namespace staffchain::documents {

namespace {

using detail::Align;
using detail::Block;
using detail::Face;

constexpr double kBodySize = 15.0;
constexpr double kSmallSize = 12.5;
constexpr double kSmallPitch = 21.0;

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

}  // namespace

namespace detail {

Result<void> renderNoticePdf(const InspectionNotice& notice, const std::filesystem::path& out,
                             const NoticeFonts& fonts) {
  return renderPdf(blocksOf(notice), PageGeometry::a4Document(), fonts,
                   PdfMetadata{fmt::format("{} {}", text::kTitle, notice.doc_no), notice.issuing_office}, out,
                   "the inspection notice");
}

}  // namespace detail

Result<void> renderNoticePdf(const InspectionNotice& notice, const std::filesystem::path& out) {
  return detail::renderNoticePdf(notice, out, detail::NoticeFonts{});
}

}  // namespace staffchain::documents
