// The inspection notice (机构编制督查通知书): the formal document a unit receives listing its
// findings, their evidence and the rectification deadline. A plain data struct in, a document out;
// whoever builds rectification cases fills the struct.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::documents {

// One line of evidence under a finding, e.g. {"身份证号", "150702********0018"}.
struct NoticeEvidence {
  std::string label;
  std::string value;
};

struct NoticeFinding {
  std::string rule;           // "CHAIN-006"
  std::string rule_title_zh;  // "出人后未停薪（吃空饷）"
  std::string severity_zh;    // "严重" / "较重" / "一般"
  std::string since;          // "2026-03-01"
  std::string summary_zh;     // one line, ids already masked by the caller
  std::vector<NoticeEvidence> evidence;
};

struct InspectionNotice {
  std::string issuing_office;  // "呼伦贝尔市委机构编制委员会办公室"
  std::string doc_no;          // "呼编督〔2026〕12号"
  std::string unit_name, unit_id;
  std::string issued_on, deadline;  // YYYY-MM-DD; shown as 2026年7月1日
  std::vector<NoticeFinding> findings;
  std::string reply_instructions;  // how to reply (整改报告 ...)
  std::string contact;             // 联系人及电话, may be empty
};

// The notice as one self-contained HTML page (no external resources), every text escaped, with
// print CSS for A4.
std::string renderNoticeHtml(const InspectionNotice& notice);

// The notice as an A4 PDF with its CJK fonts embedded, written to `out`. Fails, saying why, when the
// file cannot be written or the CJK fonts are not installed.
Result<void> renderNoticePdf(const InspectionNotice& notice, const std::filesystem::path& out);

// A YYYY-MM-DD date the way a Chinese document writes it: "2026-07-01" → "2026年7月1日". Anything
// else is returned as it came.
std::string chineseDate(const std::string& iso_date);

namespace detail {

// The font families the PDF is set in; the public renderNoticePdf uses the defaults.
struct NoticeFonts {
  std::string serif = "Noto Serif CJK SC";
  std::string sans = "Noto Sans CJK SC";
};

Result<void> renderNoticePdf(const InspectionNotice& notice, const std::filesystem::path& out,
                             const NoticeFonts& fonts);

}  // namespace detail

}  // namespace staffchain::documents
