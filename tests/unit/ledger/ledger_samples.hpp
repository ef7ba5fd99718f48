// Records for the ledger tests and the ingest probe: one of each type, and large generated batches.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/ledger/ledger.hpp"

namespace staffchain::ledger::testing {

model::PersonId personId(std::size_t n);
model::UnitId unitId(std::size_t n);

// One record of every type, optional fields both set and unset, rows 2, 3, ...
std::vector<model::Record> oneOfEachType();

// `count` payroll months: people times twelve months of 2023, rows from 2.
std::vector<model::Record> payrollRecords(std::size_t count);

// A mix the size of a city's monthly pull: 60% payroll, 25% roster, 15% movements.
std::vector<model::Record> mixedRecords(std::size_t count);

// A batch from its usual parts (named fields, so a new LedgerBatch member needs no test edits).
inline LedgerBatch makeBatch(std::string connector, std::vector<model::Record> records,
                             std::vector<model::RecordType> full_snapshot_of = {},
                             std::vector<model::QuarantineEntry> quarantine = {},
                             std::optional<std::string> cursor = std::nullopt) {
  LedgerBatch batch;
  batch.connector = std::move(connector);
  batch.records = std::move(records);
  batch.full_snapshot_of = std::move(full_snapshot_of);
  batch.quarantine = std::move(quarantine);
  batch.cursor = std::move(cursor);
  return batch;
}

// Every field of a record, origin row included, as one line: tests compare records with it.
std::string describe(const model::Record& record);
std::vector<std::string> describeAll(const model::Dataset& dataset);

}  // namespace staffchain::ledger::testing
