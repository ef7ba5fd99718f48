// The canonical row normaliser: text cells of any source in, a typed, validated record out,
// or every problem of the row (DATA-001 evidence for the quarantine).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "staffchain/model/records.hpp"
#include "staffchain/model/row_view.hpp"

namespace staffchain::model {

// One problem with one cell: the canonical column, its value (folded and trimmed) and what is
// wrong with it, as a short English phrase that also says what was expected.
struct FieldError {
  std::string field;
  std::string value;
  std::string reason;
};

struct NormaliseResult {
  std::optional<Record> record;    // set exactly when `errors` is empty
  std::vector<FieldError> errors;  // all problems of the row, in column order

  [[nodiscard]] bool ok() const noexcept { return record.has_value(); }
};

// Folds the full-width forms in every cell to ASCII (U+FF01..U+FF5E to U+0021..U+007E, the
// ideographic space U+3000 to a blank: "１５０７０２…Ｘ" reads as "150702…X"), trims every
// cell, checks required columns, parses codes (canonical or Chinese, via enums.hpp),
// identifiers (a legacy 15-digit citizen id is upgraded), dates, months, counts and money
// ("8500.00" -> 850000 fen), and the rules that span cells (valid_until >= issued_on; leader
// level and rank both set or both empty).
NormaliseResult normalise(RecordType type, const RowView& row, Origin origin);

// Fills a quarantine entry's unit_id and person_id from the row's unit_id and person_id
// cells when they hold a valid credit code / citizen id (the unit and person its DATA-001
// finding names); leaves them empty otherwise.
void setQuarantineSubject(RecordType type, const RowView& row, QuarantineEntry& entry);

// The recordKey the row would have if its key columns alone are valid (whatever is wrong
// elsewhere in it); nullopt when a key column itself is unreadable. A full snapshot uses it to
// keep the held version of a record whose new version could not be read.
std::optional<std::string> rowKey(RecordType type, const RowView& row);

}  // namespace staffchain::model
