// Realistic new records for an already loaded world: the kinds of change a daemon sees
// between two evaluations, each with fresh ids so that every one is new to the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::bench {

class MovementStream {
 public:
  // Picks its approvals, roster people and payroll rows from `dataset`, which must outlive
  // the stream only during construction (everything needed is copied).
  MovementStream(const model::Dataset& dataset, model::Date as_of);

  // A recruitment (公开招聘) of a new person into an approval's unit and type, citing that
  // approval, effective 10 days before as_of and recorded the next day.
  model::Movement nextHire();
  // The establishment office's roster entry (上编) for a hire made by nextHire().
  static model::Movement rosterAddFor(const model::Movement& hire, model::Date effective_on);
  // A retirement of a person on the world's roster, effective 5 days before as_of; each
  // roster person retires once before the stream starts over.
  model::Movement nextRetirement();
  // A payroll row for as_of's month of a person paid that month, re-sent with a corrected
  // gross (the finance system's monthly file): replaces the held row.
  model::PayrollMonth nextPayroll();

  [[nodiscard]] bool canHire() const noexcept { return !approvals_.empty(); }
  [[nodiscard]] bool canRetire() const noexcept { return !roster_.empty(); }
  [[nodiscard]] bool canPay() const noexcept { return !payroll_.empty(); }

 private:
  model::PersonId freshPerson();

  model::Date as_of_;
  std::vector<model::Approval> approvals_;  // valid on the hire date
  std::vector<model::RosterEntry> roster_;
  std::vector<model::PayrollMonth> payroll_;   // as_of's month
  std::unordered_set<model::PersonId> known_;  // every person of the world, to keep new ids new
  std::uint64_t next_person_ = 0;
  std::uint64_t hires_ = 0;
  std::uint64_t retirements_ = 0;
  std::uint64_t payrolls_ = 0;
};

}  // namespace staffchain::bench
