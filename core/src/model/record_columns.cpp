#include "staffchain/model/record_columns.hpp"

namespace staffchain::model {
namespace {

template <std::size_t... I>
Record emptyRecordOf(std::size_t index, std::index_sequence<I...>) noexcept {
  Record record;
  static_cast<void>(((index == I ? (record.emplace<I>(), true) : false) || ...));
  return record;
}

}  // namespace

Record emptyRecord(RecordType type) noexcept {
  return emptyRecordOf(static_cast<std::size_t>(type), std::make_index_sequence<std::variant_size_v<Record>>{});
}

}  // namespace staffchain::model
