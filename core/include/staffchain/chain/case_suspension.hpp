// A unit under suspension (暂停受理) because a rectification case of it went overdue: the office
// accepts no new approval for it from the day after the case's deadline until the case stops
// being overdue. The cases live in the daemon; the engine is told of them (ChainEngine::
// setCaseSuspensions) so that CHAIN-016 and the pre-check judge them with the findings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

struct CaseSuspension {
  model::UnitId unit;
  std::int64_t case_number = 0;
  std::string doc_no;  // 呼编督〔2026〕12号
  model::Date deadline;
  model::Date from;                  // the day after the deadline
  std::optional<model::Date> until;  // the first day no longer suspended; nullopt: still suspended

  [[nodiscard]] bool covers(model::Date day) const noexcept { return from <= day && (!until || day < *until); }
  friend bool operator==(const CaseSuspension&, const CaseSuspension&) = default;
};

}  // namespace staffchain::chain
