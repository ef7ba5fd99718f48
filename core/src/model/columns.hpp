// Canonical column indexes by name, so the normaliser reads `row[col::Payroll::month]`
// instead of magic numbers (internal to the model library; order matches row_view.cpp).
#pragma once

#include <cstddef>

namespace staffchain::model::col {

struct Unit {
  static constexpr std::size_t unit_id = 0, name = 1, region = 2, parent_id = 3, kind = 4, funding = 5;
};
struct Quota {
  static constexpr std::size_t unit_id = 0, estab_type = 1, approved = 2, effective_from = 3, doc_no = 4;
};
struct LeaderQuota {
  static constexpr std::size_t unit_id = 0, level = 1, rank = 2, approved = 3;
};
struct Approval {
  static constexpr std::size_t approval_id = 0, unit_id = 1, estab_type = 2, slots = 3, issued_on = 4, valid_until = 5,
                               purpose = 6;
};
struct Roster {
  static constexpr std::size_t person_id = 0, name = 1, unit_id = 2, estab_type = 3, entered_on = 4, approval_id = 5,
                               leader_level = 6, leader_rank = 7;
};
struct Movement {
  static constexpr std::size_t movement_id = 0, source = 1, kind = 2, person_id = 3, name = 4, unit_id = 5,
                               from_unit_id = 6, effective_on = 7, recorded_on = 8, approval_id = 9, leader_level = 10,
                               leader_rank = 11;
};
struct Payroll {
  static constexpr std::size_t person_id = 0, unit_id = 1, month = 2, funding = 3, gross = 4;
};
struct Death {
  static constexpr std::size_t person_id = 0, died_on = 1, source = 2;
};

}  // namespace staffchain::model::col
