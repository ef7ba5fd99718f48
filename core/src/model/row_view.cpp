#include "staffchain/model/row_view.hpp"

#include "columns.hpp"

namespace staffchain::model {
// columns.hpp names the positions of plugin::columns; a reordering there must be mirrored.
static_assert(col::Movement::leader_rank == 11 && col::Roster::leader_rank == 7 && col::Approval::purpose == 6);

bool isRequiredColumn(RecordType type, std::size_t column) noexcept {
  return plugin::isRequiredCanonicalColumn(type, column);
}

RowView rowViewOf(const plugin::RawRecord& raw) noexcept {
  RowView row;
  for (const auto& [name, value] : raw.fields) {
    if (const auto index = canonicalColumnIndex(raw.type, name)) row.set(*index, value);
  }
  return row;
}

}  // namespace staffchain::model
