// The inspection notice (机构编制督查通知书) of a rectification case: the case and the office's
// [cases] settings turned into the document a unit receives (rendered by staffchain/documents).
#pragma once

#include "staffchain/cases/case.hpp"
#include "staffchain/documents/inspection_notice.hpp"

namespace staffchain::cases {

// Each finding as it stood when the case was opened: its rule's Chinese title, its severity,
// its summary and its evidence in plain words. Citizen ids are masked unless the unit is in
// [cases] show_citizen_ids_to.
documents::InspectionNotice noticeOf(const Case& c, const CaseSettings& settings);

}  // namespace staffchain::cases
