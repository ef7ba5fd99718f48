#include "staffchain/chain/rule_catalog.hpp"

#include <array>

namespace staffchain::chain {
namespace {

constexpr std::array kRules{
    RuleInfo{"CHAIN-001", Severity::critical, "hire or transfer in without a valid pre-approval", "无有效用编核准进人"},
    RuleInfo{"CHAIN-002", Severity::critical, "hire with no vacancy", "超编进人"},
    RuleInfo{"CHAIN-003", Severity::major, "hire not on the roster in time", "进人后未按时上编"},
    RuleInfo{"CHAIN-004", Severity::critical, "pay without a roster entry", "在薪不在编 / 先起薪后上编"},
    RuleInfo{"CHAIN-005", Severity::major, "exit not removed from the roster in time", "出人后未按时下编"},
    RuleInfo{"CHAIN-006", Severity::critical, "pay after exit", "出人后未停薪（吃空饷）"},
    RuleInfo{"CHAIN-007", Severity::critical, "leaders above approved leadership posts", "超职数配备"},
    RuleInfo{"CHAIN-008", Severity::major, "transfer in with no vacancy and no post brought",
             "出一进一 / 带编调任未落实"},
    RuleInfo{"CHAIN-009", Severity::critical, "paid by two units in one month", "多头领薪"},
    RuleInfo{"CHAIN-010", Severity::major, "on one unit's roster, paid by another", "人岗不符 / 混岗"},
    RuleInfo{"CHAIN-011", Severity::major, "establishment type does not fit the unit kind", "混编混岗"},
    RuleInfo{"CHAIN-012", Severity::major, "roster headcount above approved establishment", "超编"},
    RuleInfo{"CHAIN-013", Severity::minor, "past statutory retirement age, no retirement recorded", "到龄未退休"},
    RuleInfo{"CHAIN-014", Severity::critical, "dead person still on roster or paid", "死亡人员未下编停薪"},
    RuleInfo{"CHAIN-015", Severity::minor, "secondment beyond its maximum", "借调超期"},
    RuleInfo{"CHAIN-016", Severity::major, "approval issued to a suspended unit", "暂停受理期间核准用编"},
    RuleInfo{"CHAIN-017", Severity::minor, "on the roster, no pay in time", "上编后未按时起薪"},
    RuleInfo{"CHAIN-018", Severity::major, "reduction task past its due date, posts not recovered",
             "控编减编任务逾期未完成"},
    RuleInfo{"DATA-001", Severity::minor, "invalid identifier, unknown code or malformed record", "数据不合规"},
};

constexpr std::array kDaemonRules{
    RuleInfo{"CASE-001", Severity::major, "rectification case overdue", "整改逾期未完成"},
    RuleInfo{"DATA-002", Severity::critical, "source snapshot held back for review", "数据快照暂扣待核"},
    RuleInfo{"LINK-001", Severity::major, "source connection failing", "数据源连接失败"},
    RuleInfo{"LINK-002", Severity::major, "source not synchronised in time", "数据源超时未同步"},
    RuleInfo{"LINK-003", Severity::major, "receiver failing deliveries", "通知渠道发送失败"},
};

}  // namespace

std::optional<RuleInfo> findAnyRule(std::string_view id) noexcept {
  if (auto rule = findRule(id)) return rule;
  for (const auto& rule : kDaemonRules) {
    if (rule.id == id) return rule;
  }
  return std::nullopt;
}

std::span<const RuleInfo> chainRules() noexcept {
  return kRules;
}

std::optional<RuleInfo> findRule(std::string_view id) noexcept {
  for (const auto& rule : kRules) {
    if (rule.id == id) return rule;
  }
  return std::nullopt;
}

std::string_view chineseLabel(Severity severity) noexcept {
  switch (severity) {
    case Severity::critical:
      return "严重";
    case Severity::major:
      return "重要";
    case Severity::minor:
      return "一般";
  }
  return "重要";
}

}  // namespace staffchain::chain
