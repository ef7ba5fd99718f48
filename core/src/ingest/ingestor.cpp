#include "staffchain/ingest/ingestor.hpp"

#include <algorithm>
#include <charconv>

#include "staffchain/model/normalise.hpp"
#include "staffchain/model/row_view.hpp"
#include "staffchain/plugin/canonical_columns.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"

namespace staffchain::ingest {
namespace {

// "roster.csv:17" -> 17; an origin without a trailing line number has row 0.
std::uint32_t rowOf(std::string_view origin) noexcept {
  const auto colon = origin.rfind(':');
  if (colon == std::string_view::npos) return 0;
  std::uint32_t row = 0;
  const char* begin = origin.data() + colon + 1;
  const char* end = origin.data() + origin.size();
  const auto [ptr, ec] = std::from_chars(begin, end, row);
  return ec == std::errc() && ptr == end ? row : 0;
}

// The columns of each record type's key, in the order model::recordKey joins them, with a value
// that passes validation to stand in for one that does not.
struct KeyColumn {
  std::string_view name;
  std::string_view stand_in;
};
constexpr KeyColumn kUnitId{"unit_id", "91350100M000100Y43"};
constexpr KeyColumn kPersonId{"person_id", "11010519491231002X"};

std::vector<KeyColumn> keyColumns(model::RecordType type) {
  using model::RecordType;
  switch (type) {
    case RecordType::unit:
      return {kUnitId};
    case RecordType::quota:
      return {kUnitId, {"estab_type", "admin"}, {"effective_from", "2000-01-01"}};
    case RecordType::leader_quota:
      return {kUnitId, {"level", "county"}, {"rank", "chief"}};
    case RecordType::approval:
      return {{"approval_id", "x"}};
    case RecordType::roster:
      return {kPersonId, kUnitId};
    case RecordType::movement:
      return {{"movement_id", "x"}};
    case RecordType::payroll:
      return {kPersonId, kUnitId, {"month", "2000-01"}};
    case RecordType::death:
      return {kPersonId};
    case RecordType::reduction:
      return {{"task_id", "x"}};
  }
  return {};
}

}  // namespace

ledger::UnreadableKey unreadableKey(model::RecordType type, const model::RowView& row) {
  // The key is read by model::rowKey itself, with the columns that fail it replaced by valid
  // stand-ins, fewest first: the parts that come out are spelled exactly as a good row's key.
  const auto columns = keyColumns(type);
  const auto count = static_cast<unsigned>(columns.size());
  for (unsigned replaced = 0; replaced <= count; ++replaced) {
    for (unsigned mask = 0; mask < (1U << count); ++mask) {
      if (static_cast<unsigned>(__builtin_popcount(mask)) != replaced) continue;
      model::RowView attempt = row;
      for (unsigned i = 0; i < count; ++i) {
        if ((mask & (1U << i)) != 0) {
          if (const auto index = plugin::canonicalColumnIndex(type, columns[i].name)) {
            attempt.set(*index, columns[i].stand_in);
          }
        }
      }
      auto key = model::rowKey(type, attempt);
      if (!key) continue;
      ledger::UnreadableKey out{type, model::keyParts(type, *key)};
      if (out.parts.size() != count) return ledger::UnreadableKey{type, {}};
      for (unsigned i = 0; i < count; ++i) {
        if ((mask & (1U << i)) != 0) out.parts[i].clear();
      }
      return out;
    }
  }
  return ledger::UnreadableKey{type, {}};
}

ValidatedRecord validateRecord(const std::string& connector, const plugin::RawRecord& raw) {
  ValidatedRecord out;
  const model::RowView row = model::rowViewOf(raw);
  model::NormaliseResult result = model::normalise(raw.type, row, model::Origin{0, rowOf(raw.origin)});
  if (result.record) {
    out.record = std::move(result.record);
    return out;
  }
  for (auto& error : result.errors) {
    out.problems.push_back(model::QuarantineEntry{connector, raw.type, raw.origin, std::move(error.field),
                                                  plugin::excerpt(error.value), std::move(error.reason)});
    model::setQuarantineSubject(raw.type, row, out.problems.back());
  }
  return out;
}

Result<IngestResult> ingestBatch(ledger::Ledger& ledger, const std::string& connector, const plugin::SourceBatch& batch,
                                 const PlanNotices& planner, const std::optional<ledger::RemovalGuard>& guard) {
  ledger::LedgerBatch write;
  write.connector = connector;
  write.full_snapshot_of = batch.full_snapshot_of;
  write.snapshot_part = batch.snapshot_part;
  write.snapshot_rows = batch.snapshot_rows;
  write.snapshot_name = batch.snapshot_name;
  if (!batch.accept_removals) write.removal_guard = guard;
  write.records.reserve(batch.records.size());
  const auto isSnapshot = [&](plugin::RecordType type) {
    return std::find(batch.full_snapshot_of.begin(), batch.full_snapshot_of.end(), type) !=
           batch.full_snapshot_of.end();
  };
  for (const auto& raw : batch.records) {
    ValidatedRecord validated = validateRecord(connector, raw);
    if (validated.record) {
      write.records.push_back(std::move(*validated.record));
    } else {
      for (auto& problem : validated.problems) write.quarantine.push_back(std::move(problem));
      // An unreadable row is not an absent one: the snapshot must not remove what it replaces.
      if (isSnapshot(raw.type)) write.unreadable_keys.push_back(unreadableKey(raw.type, model::rowViewOf(raw)));
    }
  }
  for (const auto& rejected : batch.rejected) {
    write.quarantine.push_back(model::QuarantineEntry{connector, rejected.type, rejected.origin, rejected.field,
                                                      plugin::excerpt(rejected.value), rejected.reason});
    // A row the source could not even split into fields could be any record of its type.
    if (isSnapshot(rejected.type)) write.unreadable_keys.push_back(ledger::UnreadableKey{rejected.type, {}});
  }
  if (!batch.cursor.empty()) write.cursor = batch.cursor;
  if (planner) write.notices = planner(connector, write.records);

  auto stats = ledger.commitBatch(write);
  if (!stats) return std::move(stats).error();
  IngestResult result;
  result.stats = stats.value();
  if (result.stats.held) {
    result.held = std::move(result.stats.held);
    result.full_snapshot_of = batch.full_snapshot_of;
    return result;
  }
  result.records = std::move(write.records);
  result.quarantine = std::move(write.quarantine);
  result.full_snapshot_of = batch.full_snapshot_of;
  return result;
}

}  // namespace staffchain::ingest
