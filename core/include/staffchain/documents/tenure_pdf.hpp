// The tenure audit report (任期审计) as an A4 PDF: a title naming the unit, the period, the office
// and the time generated, a sentence of totals, then a table of the violations with the days of
// the period each covered.
#pragma once

#include <filesystem>

#include "staffchain/documents/inspection_notice.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/reports/tenure_report.hpp"

namespace staffchain::documents {

// Fails, saying why, when the file cannot be written or the CJK fonts are not installed.
Result<void> renderTenurePdf(const reports::TenureReport& report, const std::filesystem::path& out);

namespace detail {
Result<void> renderTenurePdf(const reports::TenureReport& report, const std::filesystem::path& out,
                             const NoticeFonts& fonts);
}  // namespace detail

}  // namespace staffchain::documents
