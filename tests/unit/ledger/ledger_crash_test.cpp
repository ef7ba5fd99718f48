// A writer killed in the middle of a commit leaves none or all of its batch, never a part.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <system_error>
#include <thread>

#include "ledger_samples.hpp"
#include "sqlite_query.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger {
namespace {

constexpr std::size_t kBatchSize = 300'000;
constexpr const char* kCursor = "payroll-2023-12";

// The child never returns into the test framework: it exits with a code the parent checks.
[[noreturn]] void commitInChild(const std::filesystem::path& file, const LedgerBatch& batch, int ready_fd) {
  // A small cache makes the batch spill into the WAL long before it commits, so kills land
  // while uncommitted pages are on disk, the case recovery must get right.
  SqlLedgerOptions options;
  options.cache_kib = 1024;
  auto ledger = SqlLedger::open(file, options);
  if (!ledger) _exit(2);
  const char ready = 'r';
  if (::write(ready_fd, &ready, 1) != 1) _exit(3);
  auto stats = (*ledger)->commitBatch(batch);
  _exit(stats && stats->inserted == kBatchSize ? 0 : 4);
}

unsigned seedFromEnvironment() {
  if (const char* text = std::getenv("STAFFCHAIN_LEDGER_CRASH_SEED")) {
    return static_cast<unsigned>(std::strtoul(text, nullptr, 10));
  }
  return std::random_device{}();
}

TEST(LedgerCrashTest, KilledCommitLeavesNoneOrAllOfTheBatch) {
  const unsigned seed = seedFromEnvironment();
  std::cout << "crash test seed " << seed << " (rerun with STAFFCHAIN_LEDGER_CRASH_SEED=" << seed << ")\n";
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(0, 300);

  const auto batch =
      testing::makeBatch("finance", testing::payrollRecords(kBatchSize), {model::RecordType::payroll}, {}, kCursor);
  for (int round = 0; round < 4; ++round) {
    const int delay = delay_ms(random);
    SCOPED_TRACE(fmt::format("round {}, kill after {} ms, seed {}", round, delay, seed));
    testing::TempDir dir;
    const auto file = dir.path() / "ledger.db";

    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(ready[0]);
      commitInChild(file, batch, ready[1]);
    }
    ::close(ready[1]);
    char signal_byte = 0;
    const auto got = ::read(ready[0], &signal_byte, 1);
    ::close(ready[0]);
    ASSERT_EQ(got, 1) << "the child could not open the ledger";
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    const bool finished = WIFEXITED(status);
    if (finished) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "the child's commit failed";
    }

    std::error_code no_wal;
    const auto wal_bytes = std::filesystem::file_size(dir.path() / "ledger.db-wal", no_wal);
    EXPECT_EQ(testing::sqliteQuery(file, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
    auto ledger = SqlLedger::open(file);
    ASSERT_TRUE(ledger) << ledger.error().message;
    const auto held = std::stoul(testing::sqliteQuery(file, "SELECT count(*) FROM payroll").at(0));
    EXPECT_TRUE(held == 0 || held == kBatchSize) << held << " of " << kBatchSize << " records survived the kill";
    if (finished) {
      EXPECT_EQ(held, kBatchSize);
    }
    auto cursor = (*ledger)->cursor("finance");
    ASSERT_TRUE(cursor) << cursor.error().message;
    EXPECT_EQ(cursor->has_value(), held == kBatchSize) << "the cursor must move with the records";
    std::cout << fmt::format("round {}: killed after {} ms with {} bytes in the WAL, {} records held\n", round, delay,
                             no_wal ? 0 : wal_bytes, held);

    auto stats = (*ledger)->commitBatch(batch);
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->inserted, kBatchSize - held);
    EXPECT_EQ(stats->unchanged, held);
    EXPECT_EQ(stats->updated + stats->removed, 0U);
    EXPECT_EQ(testing::sqliteQuery(file, "SELECT count(*), count(DISTINCT person_id || unit_id || month) FROM payroll"),
              std::vector<std::string>{fmt::format("{0}|{0}", kBatchSize)});
    auto dataset = (*ledger)->loadDataset();
    ASSERT_TRUE(dataset) << dataset.error().message;
    EXPECT_EQ(dataset->payroll.size(), kBatchSize);
    EXPECT_EQ((*ledger)->cursor("finance")->value_or(""), kCursor);
  }
}

// A ledger that cannot grow (a full disk; here a file-size limit, with SIGXFSZ ignored so that
// writes fail with EFBIG) refuses the batch with the system's reason, keeps what it had, and
// takes the batch once there is room again.
TEST(LedgerCrashTest, ACommitThatCannotGrowTheFileNamesTheSystemsReasonAndLosesNothing) {
  testing::TempDir dir;
  const auto file = dir.path() / "ledger.db";
  LedgerBatch first;
  first.connector = "finance";
  first.records = testing::payrollRecords(1'000);
  first.cursor = "first";
  {
    auto ledger = SqlLedger::open(file);
    ASSERT_TRUE(ledger) << ledger.error().message;
    ASSERT_TRUE((*ledger)->commitBatch(first));
  }
  LedgerBatch big;
  big.connector = "finance";
  big.records = testing::payrollRecords(60'000);
  big.cursor = "big";

  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(report[0]);
    auto ledger = SqlLedger::open(file);
    if (!ledger) _exit(2);
    ::signal(SIGXFSZ, SIG_IGN);
    const auto size = std::filesystem::file_size(file);
    const rlimit limit{size + 64 * 1024, size + 64 * 1024};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(3);
    auto stats = (*ledger)->commitBatch(big);
    const std::string message = stats ? std::string("committed") : stats.error().message;
    if (::write(report[1], message.data(), message.size()) < 0) _exit(4);
    _exit(0);
  }
  ::close(report[1]);
  std::string message;
  char buffer[512];
  for (ssize_t got = 0; (got = ::read(report[0], buffer, sizeof buffer)) > 0;) {
    message.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(report[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_NE(message, "committed");
  EXPECT_NE(message.find(std::error_code(EFBIG, std::generic_category()).message()), std::string::npos) << message;

  EXPECT_EQ(testing::sqliteQuery(file, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  EXPECT_EQ(testing::sqliteQuery(file, "SELECT count(*) FROM payroll"), std::vector<std::string>{"1000"});
  auto ledger = SqlLedger::open(file);
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ((*ledger)->cursor("finance")->value_or(""), "first");
  auto stats = (*ledger)->commitBatch(big);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->inserted, 59'000U);
  EXPECT_EQ(stats->unchanged, 1'000U);
  EXPECT_EQ((*ledger)->cursor("finance")->value_or(""), "big");
}

}  // namespace
}  // namespace staffchain::ledger
