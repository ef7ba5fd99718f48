#include "notice_text.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace staffchain::documents {

namespace {

bool readNumber(const std::string& s, std::size_t from, std::size_t length, int& out) {
  const char* first = s.data() + from;
  const auto [end, ec] = std::from_chars(first, first + length, out);
  return ec == std::errc() && end == first + length;
}

}  // namespace

std::string chineseDate(const std::string& iso_date) {
  if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') return iso_date;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!readNumber(iso_date, 0, 4, year) || !readNumber(iso_date, 5, 2, month) || !readNumber(iso_date, 8, 2, day) ||
      month < 1 || month > 12 || day < 1 || day > 31) {
    return iso_date;
  }
  return fmt::format("{}年{}月{}日", year, month, day);
}

namespace text {

std::string ordinal(std::size_t index) {
  static constexpr std::array<const char*, 10> kDigits = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  const std::size_t n = index + 1;
  std::string number;
  if (n <= 10) {
    number = kDigits[n - 1];
  } else if (n < 100) {
    if (n >= 20) number += kDigits[n / 10 - 1];
    number += "十";
    if (n % 10 != 0) number += kDigits[n % 10 - 1];
  } else {
    number = std::to_string(n);
  }
  return "（" + number + "）";
}

std::string opening(const InspectionNotice& notice) {
  std::string unit = "你单位";
  if (!notice.unit_id.empty()) unit += fmt::format("（单位代码：{}）", notice.unit_id);
  return fmt::format(
      "依据《机构编制监督检查工作办法》等有关规定，我办对{}机构编制执行情况进行了监督检查，"
      "并将实名制人员数据与财政、社保等相关数据进行了比对核查。经核查，你单位存在以下问题：",
      unit);
}

std::string findingFacts(const NoticeFinding& finding) {
  std::string facts = fmt::format("规则：{}", finding.rule);
  if (!finding.severity_zh.empty()) facts += fmt::format("　严重程度：{}", finding.severity_zh);
  if (!finding.since.empty()) facts += fmt::format("　存在时间：自{}起", chineseDate(finding.since));
  return facts;
}

std::string requirement(const InspectionNotice& notice) {
  return fmt::format(
      "请你单位对照上述问题认真核实、逐项整改，于{}前完成整改，并将整改情况书面报送我办。"
      "逾期未整改或整改不到位的，将按照有关规定严肃处理。",
      chineseDate(notice.deadline));
}

std::string contact(const InspectionNotice& notice) {
  return notice.contact.empty() ? std::string() : "联系人及电话：" + notice.contact;
}

}  // namespace text

}  // namespace staffchain::documents
