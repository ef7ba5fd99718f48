#include "staffchain/model/row_view.hpp"

namespace staffchain::model {

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
