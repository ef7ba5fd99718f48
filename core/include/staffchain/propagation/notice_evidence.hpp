// Notice evidence: a chain finding about a person the daemon sent a notice for carries that
// notice's delivery history, so the department sees what it was told and when.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "staffchain/chain/finding.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/propagation/notice_store.hpp"

namespace staffchain::propagation {

// The notice action a finding rule is about: CHAIN-003 roster_add, CHAIN-005 roster_remove,
// CHAIN-006 pay_stop, CHAIN-017 pay_start; empty for other rules.
std::string_view noticeActionOf(std::string_view rule) noexcept;

// Appends to each such finding one evidence item per notice of its person and unit for that
// action (record_type "notice"), with the notice's state, times, answer and history. When the
// finding shows the movement it judges, only the notices of that movement's stay (the same
// `effective_on`) are added.
Result<void> appendNoticeEvidence(NoticeStore& store, std::vector<chain::Finding>& findings);
// The same for findings the caller holds its own way: add(i, items) for each of the `count`
// findings (read through finding_at) that notices are about, with the items to append.
Result<void> forEachNoticeEvidence(NoticeStore& store, std::size_t count,
                                   const std::function<const chain::Finding&(std::size_t)>& finding_at,
                                   const std::function<void(std::size_t, std::vector<chain::EvidenceItem>)>& add);

}  // namespace staffchain::propagation
