// The wording of the inspection notice, shared by its HTML and PDF forms so both say the same.
#pragma once

#include <string>

#include "staffchain/documents/inspection_notice.hpp"

namespace staffchain::documents::text {

inline constexpr const char* kTitle = "机构编制督查通知书";

// "（一）" … "（十）", then "（十一）" and on.
std::string ordinal(std::size_t index);
// "依据《机构编制监督检查工作办法》…经核查，你单位存在以下问题："
std::string opening(const InspectionNotice& notice);
// "规则：CHAIN-006　严重程度：严重　存在时间：自2026年3月1日起"
std::string findingFacts(const NoticeFinding& finding);
// "请于2026年7月31日前完成整改，并将整改情况书面报送…"
std::string requirement(const InspectionNotice& notice);
// "联系人及电话：…", or empty when the notice names no contact.
std::string contact(const InspectionNotice& notice);

}  // namespace staffchain::documents::text
