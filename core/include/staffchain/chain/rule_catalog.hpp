// The rules the chain engine knows: id, severity and title, for configuration checks and display.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "staffchain/chain/finding.hpp"

namespace staffchain::chain {

struct RuleInfo {
  std::string_view id;
  Severity severity;
  std::string_view title_en;
  std::string_view title_zh;
};

// CHAIN-001 .. CHAIN-018 and DATA-001, in id order. (LINK-* findings come from the connectors.)
std::span<const RuleInfo> chainRules() noexcept;
std::optional<RuleInfo> findRule(std::string_view id) noexcept;
// The engine's rules and those the daemon raises beside them: CASE-001 (an overdue rectification
// case), DATA-002 (a snapshot held back), LINK-001..003 (sources and receivers failing).
std::optional<RuleInfo> findAnyRule(std::string_view id) noexcept;

// 严重 / 重要 / 一般: a severity as digests and reports print it.
std::string_view chineseLabel(Severity severity) noexcept;

}  // namespace staffchain::chain
