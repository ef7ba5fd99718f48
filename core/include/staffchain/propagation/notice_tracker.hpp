// NoticeTracker: completes a notice when the record it asked for comes back from its target
// system's source (the roster_add, the pay_stop), and marks notices past their deadline overdue.
#pragma once

#include <cstddef>
#include <vector>

#include "staffchain/model/records.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/propagation/notice_store.hpp"

namespace staffchain::propagation {

class NoticeTracker {
 public:
  explicit NoticeTracker(NoticeStore& store) : store_(store) {}

  // Records just committed. Returns how many notices completed.
  Result<std::size_t> observe(const std::vector<model::Record>& records);
  // The whole ledger: also judges what only the whole shows (a person gone from a roster the
  // target reports, no pay for a month the target has paid others). Run at start and rebuild.
  Result<std::size_t> observeAll(const model::Dataset& dataset);
  Result<std::size_t> markOverdue(model::Date today) { return store_.markOverdue(today); }

 private:
  NoticeStore& store_;
};

}  // namespace staffchain::propagation
