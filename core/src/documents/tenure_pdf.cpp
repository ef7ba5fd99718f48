// The tenure audit report on A4 turned on its side: nine columns of a table do not fit upright.
#include "staffchain/documents/tenure_pdf.hpp"

#include <fmt/format.h>

#include <array>

#include "pdf_pages.hpp"

namespace staffchain::documents {

namespace {

using detail::Align;
using detail::Block;
using detail::Cell;
using detail::Face;
using detail::kMm;

constexpr double kTableSize = 9.5;
constexpr double kTablePitch = 13.5;

std::string unitLine(const reports::TenureReport& report) {
  return report.unit_name.empty() ? report.unit_id : fmt::format("{}（{}）", report.unit_name, report.unit_id);
}

std::string titleOf(const reports::TenureReport& report) {
  return (report.unit_name.empty() ? report.unit_id : report.unit_name) + "任期机构编制专项审计报告";
}

std::vector<Block> blocksOf(const reports::TenureReport& report, double text_width) {
  std::vector<Block> blocks;
  blocks.push_back(Block{.text = titleOf(report), .size = 20.0, .bold = true, .align = Align::centre, .pitch = 32.0});
  const Block meta{.size = 11.0, .pitch = 18.0};
  auto metaLine = [&](std::string text) {
    Block b = meta;
    b.text = std::move(text);
    return b;
  };
  blocks.push_back(metaLine(fmt::format("审计单位：{}", unitLine(report))));
  blocks.back().space_before = 6.0;
  blocks.push_back(metaLine(fmt::format("任期：{} 至 {}", chineseDate(report.from), chineseDate(report.to))));
  std::string office;
  if (!report.issuing_office.empty()) office = fmt::format("填报单位：{}", report.issuing_office);
  if (!report.generated_at.empty()) {
    office += fmt::format("{}生成时间：{}", office.empty() ? "" : "　　", report.generated_at);
  }
  if (!office.empty()) blocks.push_back(metaLine(office));
  std::size_t open = 0;
  for (const auto& row : report.rows) open += row.open_at_end ? 1 : 0;
  const std::string totals =
      report.rows.empty()
          ? std::string("任期内未发现机构编制问题。")
          : fmt::format("任期内共存在机构编制问题 {} 项，其中 {} 项在任期内已纠正，{} 项至任期末仍存在。",
                        report.rows.size(), report.rows.size() - open, open);
  blocks.push_back(Block{.text = totals, .size = 12.0, .pitch = 20.0, .space_before = 10.0});
  if (report.rows.empty()) return blocks;

  // Column widths in millimetres; the summary takes what is left.
  constexpr std::array<double, 8> kFixed{10, 23, 36, 18, 38, 22, 22, 24};
  double fixed = 0;
  for (const double mm : kFixed) fixed += mm * kMm;
  auto widths = [&](std::size_t i) { return i < kFixed.size() ? kFixed[i] * kMm : text_width - fixed; };
  auto row = [&](std::vector<std::string> texts, bool header) {
    Block b{.face = header ? Face::sans : Face::serif,
            .size = kTableSize,
            .bold = header,
            .pitch = kTablePitch,
            .header_row = header};
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const bool centred = header || (i != 2 && i != 8);
      b.cells.push_back(Cell{std::move(texts[i]), widths(i), centred ? Align::centre : Align::left});
    }
    return b;
  };
  blocks.push_back(
      row({"序号", "规则", "问题", "严重程度", "人员", "问题始于", "任期内起", "任期内止", "情况说明"}, true));
  blocks.back().space_before = 8.0;
  std::size_t number = 1;
  for (const auto& r : report.rows) {
    blocks.push_back(
        row({std::to_string(number++), r.rule, r.rule_title_zh, r.severity_zh, r.person.empty() ? "—" : r.person,
             r.since, r.first, r.open_at_end ? std::string("任期末仍存在") : r.last, r.summary_zh},
            false));
  }
  return blocks;
}

}  // namespace

namespace detail {

Result<void> renderTenurePdf(const reports::TenureReport& report, const std::filesystem::path& out,
                             const NoticeFonts& fonts) {
  const auto page = PageGeometry::a4Landscape();
  return renderPdf(blocksOf(report, page.textWidth()), page, fonts, PdfMetadata{titleOf(report), report.issuing_office},
                   out, "the tenure audit report");
}

}  // namespace detail

Result<void> renderTenurePdf(const reports::TenureReport& report, const std::filesystem::path& out) {
  return detail::renderTenurePdf(report, out, detail::NoticeFonts{});
}

}  // namespace staffchain::documents
