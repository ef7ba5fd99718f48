#include "staffchain/ingest/ingestor.hpp"

#include <algorithm>
#include <charconv>

#include "staffchain/model/normalise.hpp"
#include "staffchain/model/row_view.hpp"

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

}  // namespace

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
                                                  std::move(error.value), std::move(error.reason)});
    model::setQuarantineSubject(raw.type, row, out.problems.back());
  }
  return out;
}

Result<IngestResult> ingestBatch(ledger::Ledger& ledger, const std::string& connector, const plugin::SourceBatch& batch,
                                 const NoticePlanner& planner) {
  ledger::LedgerBatch write;
  write.connector = connector;
  write.full_snapshot_of = batch.full_snapshot_of;
  write.records.reserve(batch.records.size());
  const auto isSnapshot = [&](plugin::RecordType type) {
    return std::find(batch.full_snapshot_of.begin(), batch.full_snapshot_of.end(), type) != batch.full_snapshot_of.end();
  };
  for (const auto& raw : batch.records) {
    ValidatedRecord validated = validateRecord(connector, raw);
    if (validated.record) {
      write.records.push_back(std::move(*validated.record));
    } else {
      for (auto& problem : validated.problems) write.quarantine.push_back(std::move(problem));
      // An unreadable row is not an absent one: the snapshot must not remove what it replaces.
      if (isSnapshot(raw.type)) {
        if (auto key = model::rowKey(raw.type, model::rowViewOf(raw))) {
          write.unreadable_keys.emplace_back(raw.type, std::move(*key));
        }
      }
    }
  }
  for (const auto& rejected : batch.rejected) {
    write.quarantine.push_back(
        model::QuarantineEntry{connector, rejected.type, rejected.origin, rejected.field, "", rejected.reason});
  }
  if (!batch.cursor.empty()) write.cursor = batch.cursor;
  if (planner) write.notices = planner(connector, write.records);

  auto stats = ledger.commitBatch(write);
  if (!stats) return std::move(stats).error();
  IngestResult result;
  result.stats = stats.value();
  result.records = std::move(write.records);
  result.quarantine = std::move(write.quarantine);
  result.full_snapshot_of = batch.full_snapshot_of;
  return result;
}

}  // namespace staffchain::ingest
