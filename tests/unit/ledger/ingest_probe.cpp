// Times SqlLedger::commitBatch over generated batches and prints records per second.
// Not a test (tests never assert on timings): run it by hand on a Release build.
//   ledger_ingest_probe [RECORDS] [postgresql://USER@HOST:PORT/DATABASE]
// With a URL the ledger is that PostgreSQL database (empty: its tables are created), else an
// SQLite file in a fresh folder.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "ledger_samples.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "temp_dir.hpp"

namespace {

using staffchain::ledger::Ledger;
using staffchain::ledger::LedgerBatch;

bool timeCommit(Ledger& ledger, const LedgerBatch& batch, const char* what) {
  const auto start = std::chrono::steady_clock::now();
  auto stats = ledger.commitBatch(batch);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!stats) {
    std::fprintf(stderr, "%s\n", stats.error().message.c_str());
    return false;
  }
  fmt::print(
      "{:<34} {:>7} records in {:6.3f} s = {:>9.0f} records/s (inserted {}, updated {}, unchanged {}, "
      "removed {})\n",
      what, batch.records.size(), took.count(), static_cast<double>(batch.records.size()) / took.count(),
      stats->inserted, stats->updated, stats->unchanged, stats->removed);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 100'000;
  staffchain::ledger::testing::TempDir dir;
  staffchain::store::Location location{dir.path() / "probe.db", std::nullopt};
  if (argc > 2) {
    staffchain::store::PostgresTarget target;
    target.url = argv[2];
    location.postgres = std::move(target);
  }
  auto ledger = staffchain::ledger::SqlLedger::open(location);
  if (!ledger) {
    std::fprintf(stderr, "%s\n", ledger.error().message.c_str());
    return 1;
  }
  using staffchain::model::RecordType;
  auto delta =
      staffchain::ledger::testing::makeBatch("probe", staffchain::ledger::testing::mixedRecords(count), {}, {}, "c1");
  auto snapshot = staffchain::ledger::testing::makeBatch(
      "probe-snapshot", delta.records, {RecordType::payroll, RecordType::roster, RecordType::movement}, {}, "c1");
  bool ok = timeCommit(**ledger, delta, "delta, new records") &&
            timeCommit(**ledger, delta, "delta, same batch again") &&
            timeCommit(**ledger, snapshot, "full snapshot, new records") &&
            timeCommit(**ledger, snapshot, "full snapshot, same batch again");
  // A tenth of the payroll changes, as after a pay rise in a few units.
  for (std::size_t i = 0; i < snapshot.records.size(); i += 10) {
    if (auto* pay = std::get_if<staffchain::model::PayrollMonth>(&snapshot.records[i])) pay->gross_fen += 100;
  }
  ok = ok && timeCommit(**ledger, snapshot, "full snapshot, 10% of payroll changed");
  if (!ok) return 1;
  // What an evaluation reads before it judges: every current record, as the daemon loads them.
  const auto start = std::chrono::steady_clock::now();
  auto dataset = (*ledger)->loadDataset();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (!dataset) {
    std::fprintf(stderr, "%s\n", dataset.error().message.c_str());
    return 1;
  }
  const auto records = dataset->units.size() + dataset->quotas.size() + dataset->leader_quotas.size() +
                       dataset->approvals.size() + dataset->roster.size() + dataset->movements.size() +
                       dataset->payroll.size() + dataset->deaths.size();
  fmt::print("{:<34} {:>7} records in {:6.3f} s = {:>9.0f} records/s\n", "loading the dataset", records, took.count(),
             static_cast<double>(records) / took.count());
  return 0;
}
