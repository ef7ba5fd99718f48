#include "movement_stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "staffchain/model/identifiers.hpp"

namespace staffchain::bench {

namespace {

constexpr std::int32_t kHireDaysBeforeAsOf = 10;
constexpr std::int32_t kRetireDaysBeforeAsOf = 5;
constexpr std::int64_t kPayCorrectionFen = 100;
// New people are born from 1990-01-01 on, 999 of them a day, in 海拉尔区.
constexpr std::uint64_t kPeoplePerBirthDate = 999;

// Shuffled with a fixed seed: consecutive picks land in different units, the same every run.
template <typename T>
void shuffle(std::vector<T>& items) {
  std::mt19937_64 rng(20260630);
  std::shuffle(items.begin(), items.end(), rng);
}

}  // namespace

MovementStream::MovementStream(const model::Dataset& dataset, model::Date as_of) : as_of_(as_of) {
  const model::Date hire_on = as_of.plusDays(-kHireDaysBeforeAsOf);
  for (const auto& approval : dataset.approvals) {
    if (approval.slots > 0 && approval.issued_on <= hire_on && hire_on <= approval.valid_until) {
      approvals_.push_back(approval);
    }
  }
  // A world without a live approval still gets hires: citing an old one is a CHAIN-001 case,
  // which the engine must judge just as fast.
  if (approvals_.empty()) approvals_ = dataset.approvals;
  roster_ = dataset.roster;
  const model::Month pay_month = model::Month::of(as_of);
  for (const auto& row : dataset.payroll) {
    if (row.month == pay_month) payroll_.push_back(row);
  }
  shuffle(approvals_);
  shuffle(roster_);
  shuffle(payroll_);
  known_.reserve(dataset.roster.size() + dataset.movements.size());
  for (const auto& entry : dataset.roster) known_.insert(entry.person_id);
  for (const auto& movement : dataset.movements) known_.insert(movement.person_id);
  for (const auto& row : dataset.payroll) known_.insert(row.person_id);
}

model::PersonId MovementStream::freshPerson() {
  for (;;) {
    const std::uint64_t n = next_person_++;
    const auto born = model::Date::fromYmd(1990, 1, 1).plusDays(static_cast<std::int32_t>(n / kPeoplePerBirthDate));
    const auto ymd = born.ymd();
    const std::string first17 =
        fmt::format("150702{:04}{:02}{:02}{:03}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                    static_cast<unsigned>(ymd.day()), n % kPeoplePerBirthDate + 1);
    const auto id = model::PersonId::fromValid(first17 + model::citizenIdCheckChar(first17));
    if (known_.insert(id).second) return id;
  }
}

model::Movement MovementStream::nextHire() {
  const auto& approval = approvals_[hires_ % approvals_.size()];
  model::Movement hire;
  hire.movement_id = fmt::format("BENCH-HIRE-{:08}", hires_++);
  hire.source = model::SourceRole::hr;
  hire.kind = model::MovementKind::hire;
  hire.person_id = freshPerson();
  hire.name = fmt::format("新录用{}", hires_);
  hire.unit_id = approval.unit_id;
  hire.effective_on = as_of_.plusDays(-kHireDaysBeforeAsOf);
  hire.recorded_on = hire.effective_on.plusDays(1);
  hire.approval_id = approval.approval_id;
  return hire;
}

model::Movement MovementStream::rosterAddFor(const model::Movement& hire, model::Date effective_on) {
  model::Movement add;
  add.movement_id = hire.movement_id + "-ROSTER";
  add.source = model::SourceRole::estab;
  add.kind = model::MovementKind::roster_add;
  add.person_id = hire.person_id;
  add.name = hire.name;
  add.unit_id = hire.unit_id;
  add.effective_on = effective_on;
  add.recorded_on = effective_on;
  add.approval_id = hire.approval_id;
  return add;
}

model::Movement MovementStream::nextRetirement() {
  const auto& entry = roster_[retirements_ % roster_.size()];
  model::Movement retire;
  retire.movement_id = fmt::format("BENCH-RETIRE-{:08}", retirements_++);
  retire.source = model::SourceRole::hr;
  retire.kind = model::MovementKind::retire;
  retire.person_id = entry.person_id;
  retire.name = entry.name;
  retire.unit_id = entry.unit_id;
  retire.effective_on = as_of_.plusDays(-kRetireDaysBeforeAsOf);
  retire.recorded_on = retire.effective_on;
  return retire;
}

model::PayrollMonth MovementStream::nextPayroll() {
  auto row = payroll_[payrolls_ % payroll_.size()];
  row.gross_fen += kPayCorrectionFen * static_cast<std::int64_t>(1 + payrolls_ / payroll_.size());
  ++payrolls_;
  return row;
}

}  // namespace staffchain::bench
