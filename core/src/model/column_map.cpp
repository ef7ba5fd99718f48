#include "staffchain/model/column_map.hpp"

#include <fmt/format.h>

#include "text.hpp"

namespace staffchain::model {
namespace {

std::string lowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

Result<ColumnMap> ColumnMap::of(RecordType type, std::span<const std::string> header, std::string_view file) {
  ColumnMap map;
  map.type_ = type;
  map.field_of_column_.fill(kAbsent);
  const auto columns = canonicalColumns(type);
  std::vector<std::string> duplicates;
  for (std::size_t field = 0; field < header.size(); ++field) {
    const auto name = lowerAscii(detail::trim(header[field]));
    const auto column = canonicalColumnIndex(type, name);
    if (!column) {
      map.ignored_.emplace_back(detail::trim(header[field]));
      continue;
    }
    if (map.field_of_column_[*column] != kAbsent) {
      duplicates.push_back(name);
      continue;
    }
    map.field_of_column_[*column] = static_cast<std::int32_t>(field);
  }
  if (!duplicates.empty()) {
    return makeError(fmt::format("{}: column {} appears more than once in the header", file, joined(duplicates)));
  }
  std::vector<std::string> missing;
  for (std::size_t column = 0; column < columns.size(); ++column) {
    if (map.field_of_column_[column] == kAbsent && isRequiredColumn(type, column)) {
      missing.emplace_back(columns[column]);
    }
  }
  if (!missing.empty()) {
    return makeError(fmt::format("{}: missing required column{} {} in the header (a {} file needs {})", file,
                                 missing.size() > 1 ? "s" : "", joined(missing), plugin::recordTypeFile(type),
                                 fmt::join(columns, ", ")));
  }
  return map;
}

void ColumnMap::fill(std::span<const std::string_view> fields, RowView& row) const noexcept {
  row.clear();
  for (std::size_t column = 0; column < kMaxCanonicalColumns; ++column) {
    const auto field = field_of_column_[column];
    if (field != kAbsent && static_cast<std::size_t>(field) < fields.size()) {
      row.set(column, fields[static_cast<std::size_t>(field)]);
    }
  }
}

}  // namespace staffchain::model
