#include "staffchain/propagation/notice_evidence.hpp"

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <set>
#include <string>

namespace staffchain::propagation {

std::string_view noticeActionOf(std::string_view rule) noexcept {
  if (rule == "CHAIN-003") return "roster_add";
  if (rule == "CHAIN-005") return "roster_remove";
  if (rule == "CHAIN-006") return "pay_stop";
  if (rule == "CHAIN-017") return "pay_start";
  return {};
}

namespace {

// The date of the movement a finding judges (its movement evidence), which names the stay the
// notices of that movement are about (noticeKey); empty when the finding shows none.
std::string judgedStay(const chain::Finding& finding) {
  for (const auto& item : finding.evidence) {
    if (item.record_type != "movements") continue;
    for (const auto& [name, value] : item.fields) {
      if (name == "effective_on") return value;
    }
  }
  return {};
}

}  // namespace

Result<void> forEachNoticeEvidence(NoticeStore& store, std::size_t count,
                                   const std::function<const chain::Finding&(std::size_t)>& finding_at,
                                   const std::function<void(std::size_t, std::vector<chain::EvidenceItem>)>& add) {
  // One query for who has notices at all, then one per finding of such a person: a province
  // has thousands of findings of these rules, most of them of persons no notice was sent about
  // (a query each took half a second of every evaluation at a million persons).
  std::optional<std::set<std::string, std::less<>>> noticed;
  for (std::size_t i = 0; i < count; ++i) {
    const chain::Finding& finding = finding_at(i);
    const auto action = noticeActionOf(finding.rule);
    if (action.empty() || finding.person_id.empty()) continue;
    if (!noticed) {
      auto persons = store.personsWithNotices();
      if (!persons) return std::move(persons).error();
      noticed = std::move(*persons);
    }
    if (!noticed->contains(finding.person_id.view())) continue;
    // A notice of an earlier stay in the same unit (an exit before the person came back) is
    // not what the department was told about this movement.
    const std::string stay = judgedStay(finding);
    NoticeFilter filter;
    filter.person = finding.person_id.str();
    filter.unit = finding.unit_id.str();
    auto notices = store.list(filter);
    if (!notices) return std::move(notices).error();
    std::vector<chain::EvidenceItem> items;
    for (const auto& notice : notices.value()) {
      if (notice.action != action || (!stay.empty() && notice.field("effective_on") != stay)) continue;
      auto history = store.history(notice.id);
      if (!history) return std::move(history).error();
      chain::EvidenceItem item;
      item.source = notice.sink;
      item.record_type = "notice";
      item.record_id = notice.id;
      item.fields = {{"action", notice.action},
                     {"target_system", notice.target_system},
                     {"movement_id", notice.field("movement_id")},
                     {"state", notice.state},
                     {"deadline", notice.deadline},
                     {"written_at", notice.created_at},
                     {"delivered_at", notice.delivered_at},
                     {"completed_at", notice.completed_at},
                     {"attempts", std::to_string(notice.attempts)},
                     {"answer", notice.receipt},
                     {"last_error", notice.last_error}};
      for (std::size_t h = 0; h < history->size(); ++h) {
        const auto& event = (*history)[h];
        item.fields.emplace_back(fmt::format("history.{}", h + 1),
                                 fmt::format("{} {}: {}", event.at, event.event, event.detail));
      }
      items.push_back(std::move(item));
    }
    if (!items.empty()) add(i, std::move(items));
  }
  return {};
}

Result<void> appendNoticeEvidence(NoticeStore& store, std::vector<chain::Finding>& findings) {
  return forEachNoticeEvidence(
      store, findings.size(), [&](std::size_t i) -> const chain::Finding& { return findings[i]; },
      [&](std::size_t i, std::vector<chain::EvidenceItem> items) {
        for (auto& item : items) findings[i].evidence.push_back(std::move(item));
      });
}

}  // namespace staffchain::propagation
