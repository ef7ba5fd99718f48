// RowView: one row of a canonical file as unowned text cells, indexed by canonical column,
// so that the CSV path and plugins' raw records reach the normaliser without copying.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "staffchain/plugin/canonical_columns.hpp"
#include "staffchain/plugin/records.hpp"

namespace staffchain::model {

using plugin::RecordType;

// The column names of DOMAIN.md §5 in exchange-format order, and their indexes (plugin SDK).
using plugin::canonicalColumnIndex;
using plugin::canonicalColumns;
using plugin::kMaxCanonicalColumns;

// Whether a row is unusable without a value in this column (ids, kinds, dates, numbers);
// optional columns (name, parent_id, doc_no, approval_id, ...) may be absent or empty.
bool isRequiredColumn(RecordType type, std::size_t column) noexcept;

// Cells by canonical column index: nullopt when the source did not provide the column at
// all, the (untrimmed) text otherwise. The views borrow from the caller's buffer.
struct RowView {
  std::array<std::optional<std::string_view>, kMaxCanonicalColumns> cells{};

  void clear() noexcept { cells.fill(std::nullopt); }
  void set(std::size_t column, std::string_view text) noexcept { cells[column] = text; }
  [[nodiscard]] const std::optional<std::string_view>& operator[](std::size_t column) const noexcept {
    return cells[column];
  }
};

// The cells of a plugin's raw record, matched by field name. Fields that are not canonical
// columns of the record's type are ignored (a connector's mapping names its columns). The
// views borrow from `raw`, which must outlive the result.
RowView rowViewOf(const plugin::RawRecord& raw) noexcept;

}  // namespace staffchain::model
