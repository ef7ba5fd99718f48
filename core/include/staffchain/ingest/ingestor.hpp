// Ingest: one source batch validated record by record, bad records to quarantine, the rest
// (with the cursor) committed to the ledger in one transaction.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/model/row_view.hpp"
#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::ingest {

struct IngestResult {
  ledger::CommitStats stats;
  std::vector<model::Record> records;               // what was committed, for the engine
  std::vector<model::QuarantineEntry> quarantine;   // what was refused, with reasons
  std::vector<model::RecordType> full_snapshot_of;  // as the batch declared
  // Set when the removal guard held the batch: nothing of it was written (quarantine neither).
  std::optional<ledger::HeldSnapshot> held;
};

// Turns the valid records of a batch into the notices they cause, to be written in the same
// transaction (propagation plugs in here; ingest knows nothing of its rules).
using PlanNotices =
    std::function<std::vector<ledger::OutboxNotice>(const std::string& connector, const std::vector<model::Record>&)>;

// Validates every raw record (DATA-001 material goes to quarantine, one entry per failing
// field) and commits the good ones, the quarantine and the cursor together. A ledger error
// leaves the ledger as it was and is returned. With a `guard`, a snapshot that would remove
// more than it allows is held (IngestResult::held), unless the batch says an operator
// accepted it.
Result<IngestResult> ingestBatch(ledger::Ledger& ledger, const std::string& connector, const plugin::SourceBatch& batch,
                                 const PlanNotices& planner = {},
                                 const std::optional<ledger::RemovalGuard>& guard = std::nullopt);

// What can be read of the key of a row that failed validation: the parts of its record key
// that are valid, empty where a key column is not (ledger::UnreadableKey).
ledger::UnreadableKey unreadableKey(model::RecordType type, const model::RowView& row);

// The quarantine entries of one raw record, or the typed record when it is valid.
struct ValidatedRecord {
  std::optional<model::Record> record;
  std::vector<model::QuarantineEntry> problems;
};
ValidatedRecord validateRecord(const std::string& connector, const plugin::RawRecord& raw);

}  // namespace staffchain::ingest
