#include "staffchain/cases/case.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::cases {

namespace {

struct StateName {
  CaseState state;
  std::string_view code;
  std::string_view zh;
};

constexpr std::array kStates{
    StateName{CaseState::issued, "issued", "已下发"},
    StateName{CaseState::rectifying, "rectifying", "整改中"},
    StateName{CaseState::submitted, "submitted", "已报送整改报告"},
    StateName{CaseState::verified, "verified", "已核验销号"},
    StateName{CaseState::overdue, "overdue", "逾期未整改"},
};

// The longest text a document-number pattern may be: a number goes on letterhead, not in a paragraph.
constexpr std::size_t kMaxPattern = 120;

}  // namespace

std::string_view toString(CaseState state) noexcept {
  for (const auto& name : kStates) {
    if (name.state == state) return name.code;
  }
  return "issued";
}

std::optional<CaseState> parseCaseState(std::string_view text) noexcept {
  for (const auto& name : kStates) {
    if (name.code == text) return name.state;
  }
  return std::nullopt;
}

std::string_view caseStateZh(CaseState state) noexcept {
  for (const auto& name : kStates) {
    if (name.state == state) return name.zh;
  }
  return "";
}

std::size_t Case::openFindings() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [](const CaseFinding& f) { return f.open; }));
}

std::string formatDocNo(std::string_view pattern, int year, std::int64_t seq) {
  std::string out;
  out.reserve(pattern.size() + 8);
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern.substr(i, 6) == "{year}") {
      out += std::to_string(year);
      i += 6;
    } else if (pattern.substr(i, 3) == "{n}") {
      out += std::to_string(seq);
      i += 3;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

void readCaseSettings(plugin::ConfigReader& reader, CaseSettings& settings) {
  if (auto pattern = reader.string("doc_no_pattern")) {
    // Every other brace is a typo ({yaer}, {N}) that would print as it is on every notice.
    std::string rest = formatDocNo(*pattern, 0, 0);
    if (pattern->find("{n}") == std::string::npos) {
      reader.fail("doc_no_pattern", "must contain {n}, the number within the year (e.g. \"呼编督〔{year}〕{n}号\")");
    } else if (rest.find('{') != std::string::npos || rest.find('}') != std::string::npos) {
      reader.fail("doc_no_pattern", fmt::format("\"{}\": only {{year}} and {{n}} may be written in braces", *pattern));
    } else if (pattern->size() > kMaxPattern) {
      reader.fail("doc_no_pattern", fmt::format("is longer than {} bytes", kMaxPattern));
    } else {
      settings.doc_no_pattern = std::move(*pattern);
    }
  }
  settings.rectify_within_days =
      static_cast<std::int32_t>(reader.integer("rectify_within_days", 1, 3650, settings.rectify_within_days));
  settings.auto_case_after_days =
      static_cast<std::int32_t>(reader.integer("auto_case_after_days", 0, 3650, settings.auto_case_after_days));
  auto text = [&](const char* key, std::string& into) {
    if (auto value = reader.string(key)) {
      if (std::string_view(key) != "contact" && value->empty()) {
        reader.fail(key, "must not be empty: it is printed on every notice");
      } else {
        into = std::move(*value);
      }
    }
  };
  text("issuing_office", settings.issuing_office);
  text("reply_instructions", settings.reply_instructions);
  text("contact", settings.contact);
  if (auto units = reader.stringArray("show_citizen_ids_to")) {
    for (const auto& unit : *units) {
      if (auto checked = model::checkCreditCode(unit); !checked) {
        reader.fail("show_citizen_ids_to", fmt::format("\"{}\": {}", unit, checked.reason));
      }
    }
    settings.show_citizen_ids_to = std::move(*units);
  }
  reader.finish();
}

}  // namespace staffchain::cases
