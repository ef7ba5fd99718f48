// Ingest through the real daemon: bad rows quarantined while the rest lands, the same export
// twice changes nothing, and a daemon killed mid-batch leaves a consistent ledger.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string config(const fs::path& dir) {
  fs::create_directories(dir / "inbox");
  return "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"" + binary("plugins").string() +
         "\"\n\n[connectors.finance]\nplugin = \"csv\"\nrole = \"finance\"\nfolder = \"inbox\"\n"
         "interval = \"1h\"\nmax_staleness = \"1d\"\n";
}

// A valid citizen id for person number `n` (born on one of 10,000 days from 1970, in Hailar).
std::string personId(std::size_t n) {
  const model::Date born = model::Date::fromYmd(1970, 1, 1).plusDays(static_cast<std::int32_t>(n % 10'000));
  const std::string date = model::formatDate(born);
  const std::string first17 =
      fmt::format("150702{}{}{}{:03}", date.substr(0, 4), date.substr(5, 2), date.substr(8, 2), (n / 10'000) % 1000);
  return first17 + model::citizenIdCheckChar(first17);
}

// `rows` payroll rows for distinct (person, month) pairs of one unit.
std::string payrollCsv(std::size_t rows) {
  std::string out = "person_id,unit_id,month,funding,gross\n";
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t month = 1 + i % 12;
    out += fmt::format("{},91350100M000100Y43,2025-{:02},full,8500.00\n", personId(i / 12), month);
  }
  return out;
}

std::size_t payrollInLedger(const fs::path& db) {
  auto ledger = ledger::SqlLedger::open(db);
  if (!ledger) return static_cast<std::size_t>(-1);
  auto dataset = ledger.value()->loadDataset();
  return dataset ? dataset->payroll.size() : static_cast<std::size_t>(-1);
}

std::vector<std::string> runOnce(const fs::path& dir, const fs::path& file, const std::string& log) {
  auto [code, out] = runToEnd({binary("staffchaind").string(), "--config", file.string(), "--once"}, dir / log);
  EXPECT_EQ(code, 0) << out;
  return {out};
}

TEST(Ingest, BadRowsAreQuarantinedWithReasonsAndTheRestLands) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", config(dir.path()));
  const std::string good1 = personId(1);
  const std::string good2 = personId(2);
  dir.write("inbox/payroll.csv", "person_id,unit_id,month,funding,gross\n" + good1 +
                                     ",91350100M000100Y43,2025-01,full,8500\n"
                                     "110105194912310021,91350100M000100Y43,2025-01,full,8500\n" +
                                     good2 + ",91350100M000100Y43,2025-13,full,8500\n" +
                                     "\"unterminated,x\n" +  // not last: in the last row it refuses the file
                                     good2 + ",91350100M000100Y43,2025-02,全额拨款,8500.50\n");
  const auto out = runOnce(dir.path(), file, "run1.log")[0];
  auto ledger = ledger::SqlLedger::open(dir.path() / "state" / "ledger.db");
  ASSERT_TRUE(ledger.ok());
  auto dataset = ledger.value()->loadDataset();
  ASSERT_TRUE(dataset.ok());
  EXPECT_EQ(dataset->payroll.size(), 2U);
  std::vector<std::string> reasons;
  for (const auto& entry : dataset->quarantine) {
    reasons.push_back(entry.origin + " " + entry.field + ": " + entry.reason);
  }
  EXPECT_THAT(reasons, ::testing::UnorderedElementsAre(HasSubstr("payroll.csv:3 person_id: citizen id check digit"),
                                                       HasSubstr("payroll.csv:4 month: "),
                                                       HasSubstr("payroll.csv:5 : unterminated")));
  EXPECT_THAT(out, HasSubstr("110105********0021"));  // the log names the bad value, masked
  EXPECT_THAT(out, ::testing::Not(HasSubstr("110105194912310021")));
}

TEST(Ingest, TheSameExportTwiceChangesNothing) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", config(dir.path()));
  const std::string csv = payrollCsv(500);
  dir.write("inbox/payroll.csv", csv);
  runOnce(dir.path(), file, "run1.log");
  EXPECT_EQ(payrollInLedger(dir.path() / "state" / "ledger.db"), 500U);
  // The same bytes again: recognised by checksum and archived without ingesting.
  dir.write("inbox/payroll.csv", csv);
  auto again = runOnce(dir.path(), file, "run2.log")[0];
  EXPECT_THAT(again, HasSubstr("was ingested before"));
  // The same records in another export (another order): ingested, and nothing changes.
  std::string reordered = "person_id,unit_id,month,funding,gross\n";
  std::vector<std::string> lines;
  std::istringstream in(csv.substr(csv.find('\n') + 1));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::reverse(lines.begin(), lines.end());
  for (const auto& line : lines) reordered += line + "\n";
  dir.write("inbox/payroll-reexport.csv", reordered);
  auto third = runOnce(dir.path(), file, "run3.log")[0];
  EXPECT_THAT(third, HasSubstr("500 records (0 new, 0 changed, 500 unchanged, 0 removed)"));
  EXPECT_EQ(payrollInLedger(dir.path() / "state" / "ledger.db"), 500U);
}

TEST(Ingest, DaemonKilledMidBatchLeavesAConsistentLedgerAndTheRerunCompletesIt) {
  // Enough rows that reading and writing the batch takes a good part of the kill window (0 to
  // 1.5 s after the start) in every build; each seed kills at another point of it.
  constexpr std::size_t kRows = 120'000;
  const std::string csv = payrollCsv(kRows);
  const unsigned seed = std::random_device{}();
  std::printf("kill seed %u\n", seed);
  std::mt19937 random(seed);
  for (int round = 0; round < 3; ++round) {
    ScratchDir dir;
    const auto file = dir.write("staffchain.toml", config(dir.path()));
    dir.write("inbox/payroll.csv", csv);
    {
      ChildProcess daemon({binary("staffchaind").string(), "--config", file.string(), "--once"},
                          dir.path() / "killed.log");
      ASSERT_TRUE(daemon.waitForOutput("staffchaind started", 30s)) << daemon.output();
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1500)(random)));
      daemon.signal(SIGKILL);
      daemon.wait(10s);
    }
    const std::size_t after_kill = payrollInLedger(dir.path() / "state" / "ledger.db");
    EXPECT_TRUE(after_kill == 0 || after_kill == kRows || !fs::exists(dir.path() / "state" / "ledger.db"))
        << "round " << round << ": " << after_kill << " rows after the kill";
    runOnce(dir.path(), file, "rerun.log");
    EXPECT_EQ(payrollInLedger(dir.path() / "state" / "ledger.db"), kRows) << "round " << round;
    EXPECT_FALSE(fs::exists(dir.path() / "inbox" / "payroll.csv"));
  }
}

}  // namespace
}  // namespace staffchain::testing
