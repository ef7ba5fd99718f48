// ColumnMap: how a file's header lines up with a record type's canonical columns, so each
// CSV row fills a RowView by index with no look-up per cell.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/model/row_view.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::model {

class ColumnMap {
 public:
  // Header names are matched after trimming, without regard to ASCII case. A required
  // canonical column missing from the header, or a column named twice, is an error that
  // names `file` and the columns; columns that are not canonical are ignored and listed.
  static Result<ColumnMap> of(RecordType type, std::span<const std::string> header, std::string_view file);

  [[nodiscard]] RecordType type() const noexcept { return type_; }
  [[nodiscard]] const std::vector<std::string>& ignoredColumns() const noexcept { return ignored_; }

  // Fills `row` from the fields of one CSV row (as many fields as the header has).
  void fill(std::span<const std::string_view> fields, RowView& row) const noexcept;

 private:
  static constexpr std::int32_t kAbsent = -1;

  RecordType type_ = RecordType::unit;
  std::array<std::int32_t, kMaxCanonicalColumns> field_of_column_{};  // kAbsent when not in the file
  std::vector<std::string> ignored_;
};

}  // namespace staffchain::model
