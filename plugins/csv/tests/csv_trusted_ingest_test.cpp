// Real, messy exports in the drop folder: files refused whole, files still being written, links,
// upper-case names, snapshots in parts, and snapshots the removal guard holds until accepted.
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "csv_source_fixture.hpp"

namespace staffchain::plugin_host {
namespace {

using ::testing::HasSubstr;

constexpr const char* kRosterHeader =
    "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n";

// A valid citizen id for person n (born 1980-01-01 + n days' sequence numbers).
std::string citizenId(int n) {
  std::string id = fmt::format("150702198001{:02}{:03}", 1 + n / 1000 % 28, n % 1000);
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  return id + "10X98765432"[sum % 11];
}

std::string rosterRows(int from, int to) {
  std::string rows;
  for (int i = from; i < to; ++i) {
    rows += fmt::format("{},人员{},11150700MB12345678,行政编制,2020-07-01,,,\n", citizenId(i), i);
  }
  return rows;
}

class CsvTrustedIngestTest : public CsvSourceTest {
 protected:
  void SetUp() override {
    CsvSourceTest::SetUp();
    auto opened = ledger::SqlLedger::open(dir_.path() / "ledger.db");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    ledger_ = std::move(opened.value());
  }

  // One pull through ingest with the removal guard, acknowledged as the daemon does.
  struct Pulled {
    plugin::SourceBatch batch;
    ingest::IngestResult result;
  };
  Pulled sync(SourceInstance& source) {
    auto cursor = ledger_->cursor("hr_csv");
    auto batch = pullSource(source, cursor.ok() ? cursor.value().value_or("") : "", 5s);
    EXPECT_TRUE(batch.ok()) << batch.error().message;
    if (!batch.ok()) return {};
    auto ingested = ingest::ingestBatch(*ledger_, "hr_csv", batch.value(), {}, ledger::RemovalGuard{0.2, 50});
    EXPECT_TRUE(ingested.ok()) << ingested.error().message;
    if (!ingested.ok()) return {};
    if (ingested->held) {
      EXPECT_TRUE(source.object().held(batch.value(), "held by the test").ok());
    } else {
      EXPECT_TRUE(source.object().committed(batch.value()).ok());
    }
    return Pulled{std::move(batch.value()), std::move(ingested.value())};
  }
  // Pulls until the source has nothing more at once.
  std::vector<Pulled> syncAll(SourceInstance& source) {
    std::vector<Pulled> all;
    do {
      all.push_back(sync(source));
    } while (all.back().batch.more && all.size() < 100);
    return all;
  }
  std::size_t rosterSize() { return ledger_->loadDataset().value().roster.size(); }
  std::vector<std::string> filesIn(const std::string& folder) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_.path() / "inbox" / folder, ec)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::unique_ptr<ledger::SqlLedger> ledger_;
};

TEST_F(CsvTrustedIngestTest, BadFilesAreRefusedWholeAndChangeNothing) {
  auto source = create("");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 300));
  syncAll(*source);
  ASSERT_EQ(rosterSize(), 300U);

  const std::vector<std::pair<std::string, std::string>> bad{
      {"renamed header",
       "personid,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n" + rosterRows(0, 300)},
      {"duplicated header",
       "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,unit_id\n" + rosterRows(0, 300)},
      {"cut mid-row", std::string(kRosterHeader) + rosterRows(0, 150) + citizenId(150) + ",人员150,1115070"},
      {"undecodable header", "\xff\xfe\xfd,\xfc\n" + rosterRows(0, 300)},
  };
  int n = 2;
  for (const auto& [what, content] : bad) {
    SCOPED_TRACE(what);
    const std::string name = fmt::format("roster-{}.csv", n++);
    dir_.write("inbox/" + name, content);
    const auto pulled = syncAll(*source);
    ASSERT_EQ(pulled.size(), 1U);
    EXPECT_TRUE(pulled[0].batch.records.empty());
    ASSERT_EQ(pulled[0].result.quarantine.size(), 1U);
    EXPECT_EQ(pulled[0].result.quarantine[0].origin, name);
    EXPECT_THAT(pulled[0].result.quarantine[0].reason, HasSubstr("file refused"));
    EXPECT_EQ(rosterSize(), 300U);
    const auto rejected = filesIn("rejected");
    EXPECT_TRUE(std::any_of(rejected.begin(), rejected.end(),
                            [&](const std::string& file) { return file.starts_with(name) && file.ends_with(".txt"); }));
  }
  // A refused file never blocks its fix: the good roster dropped again is read.
  dir_.write("inbox/roster-9.csv", std::string(kRosterHeader) + rosterRows(0, 301));
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 301U);
}

TEST_F(CsvTrustedIngestTest, AHeaderOnlyRosterIsHeldAndAcceptingItAppliesIt) {
  auto source = create("");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 304));
  syncAll(*source);
  dir_.write("inbox/roster-2.csv", kRosterHeader);
  const auto pulled = syncAll(*source);
  ASSERT_EQ(pulled.size(), 1U);
  ASSERT_TRUE(pulled[0].result.held);
  EXPECT_EQ(pulled[0].result.held->stored, 304U);
  EXPECT_EQ(pulled[0].result.held->after, 0U);
  EXPECT_EQ(rosterSize(), 304U);
  ASSERT_EQ(filesIn("held").size(), 2U);  // the file and its reason
  EXPECT_FALSE(fs::exists(dir_.path() / "inbox" / "roster-2.csv"));

  // Nothing else comes of it: the next sync finds nothing to do.
  EXPECT_TRUE(sync(*source).batch.records.empty());
  EXPECT_EQ(rosterSize(), 304U);

  auto accepted = source->object().act("accept", "roster-2.csv");
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_THAT(accepted.value(), HasSubstr("removals accepted"));
  const auto applied = syncAll(*source);
  EXPECT_FALSE(applied.back().result.held);
  EXPECT_EQ(rosterSize(), 0U);
  EXPECT_TRUE(ledger_->heldSnapshots(true).value().empty());
}

TEST_F(CsvTrustedIngestTest, AnArchivedFileCanBeReingestedOnPurpose) {
  auto source = create("");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 100));
  syncAll(*source);
  dir_.write("inbox/roster-2.csv", std::string(kRosterHeader) + rosterRows(0, 90));
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 90U);
  auto again = source->object().act("reingest", "roster-1.csv");
  ASSERT_TRUE(again.ok()) << again.error().message;
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 100U);
  EXPECT_FALSE(source->object().act("reingest", "../etc/passwd").ok());
  EXPECT_FALSE(source->object().act("reingest", "nothing.csv").ok());
}

TEST_F(CsvTrustedIngestTest, AnOlderSnapshotDroppedAgainIsAppliedAgain) {
  auto source = create("");
  ASSERT_TRUE(source);
  const std::string good = std::string(kRosterHeader) + rosterRows(0, 100);
  dir_.write("inbox/roster-1.csv", good);
  syncAll(*source);
  dir_.write("inbox/roster-2.csv", std::string(kRosterHeader) + rosterRows(0, 95));
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 95U);
  dir_.write("inbox/roster-3.csv", good);  // the last good export, dropped again
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 100U);
  dir_.write("inbox/roster-4.csv", good);  // the same as what is applied: nothing to read
  syncAll(*source);
  EXPECT_THAT(log_.str(), HasSubstr("roster-4.csv was ingested before"));
}

TEST_F(CsvTrustedIngestTest, ALargeSnapshotIsCommittedInPartsAndResumesAfterARestart) {
  auto source = create("batch_rows = 40\n");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 100));
  syncAll(*source);
  ASSERT_EQ(rosterSize(), 100U);
  dir_.write("inbox/roster-2.csv", std::string(kRosterHeader) + rosterRows(10, 100));
  auto first = sync(*source);
  EXPECT_EQ(first.batch.snapshot_part, plugin::SnapshotPart::first);
  EXPECT_EQ(first.batch.snapshot_rows, 90U);
  EXPECT_EQ(first.batch.records.size(), 40U);
  EXPECT_TRUE(first.batch.more);
  EXPECT_EQ(rosterSize(), 100U);
  // A restart: a new instance resumes from the committed cursor, inside the file.
  source.reset();
  source = create("batch_rows = 40\n");
  ASSERT_TRUE(source);
  auto rest = syncAll(*source);
  ASSERT_EQ(rest.size(), 2U);
  EXPECT_EQ(rest[0].batch.snapshot_part, plugin::SnapshotPart::middle);
  EXPECT_EQ(rest[1].batch.snapshot_part, plugin::SnapshotPart::last);
  EXPECT_EQ(rest[1].result.stats.removed, 10U);
  EXPECT_EQ(rosterSize(), 90U);
  EXPECT_THAT(log_.str(), HasSubstr("resuming at line 42"));
}

// The next part is read while the host commits the one before; it is handed over only when the
// host asks from where the committed part ended, never to a pull from anywhere else.
TEST_F(CsvTrustedIngestTest, APartReadAheadIsHandedOverOnlyForTheCursorItStartsAt) {
  auto source = create("batch_rows = 40\n");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 100));
  const auto names = [](const plugin::SourceBatch& batch) {
    std::vector<std::string> out;
    for (const auto& record : batch.records) {
      for (const auto& [field, value] : record.fields) {
        if (field == "name") out.push_back(value);
      }
    }
    return out;
  };
  auto first = pullSource(*source, "", 5s);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->records.size(), 40U);
  ASSERT_TRUE(first->more);
  // The host did not commit it (a failed commit, a restart of the sync): it asks from the start
  // again, and gets the first part again, not the one read ahead.
  auto again = pullSource(*source, "", 5s);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(names(*again), names(*first));
  EXPECT_EQ(again->cursor, first->cursor);
  // From the first part's end, the parts follow in order, each row once.
  auto second = pullSource(*source, again->cursor, 5s);
  ASSERT_TRUE(second.ok()) << second.error().message;
  auto third = pullSource(*source, second->cursor, 5s);
  ASSERT_TRUE(third.ok()) << third.error().message;
  EXPECT_FALSE(third->more);
  std::vector<std::string> all = names(*again);
  for (const auto& part : {names(*second), names(*third)}) all.insert(all.end(), part.begin(), part.end());
  ASSERT_EQ(all.size(), 100U);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], fmt::format("人员{}", i));
  // Asked again from the second part's start, the source reads it again from the file.
  auto second_again = pullSource(*source, again->cursor, 5s);
  ASSERT_TRUE(second_again.ok()) << second_again.error().message;
  EXPECT_EQ(names(*second_again), names(*second));
}

// A file written to after its first part was committed is refused whole at its next part, even
// though that part was read ahead before the write: nothing more of it is applied.
TEST_F(CsvTrustedIngestTest, AFileChangedWhileItsNextPartWasReadAheadIsRefusedWhole) {
  auto source = create("batch_rows = 40\n");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 100));
  const auto first = sync(*source);
  ASSERT_EQ(first.batch.records.size(), 40U);
  ASSERT_EQ(rosterSize(), 40U);
  {
    std::ofstream out(dir_.path() / "inbox" / "roster-1.csv", std::ios::app);
    out << rosterRows(100, 101);
  }
  const auto next = sync(*source);
  EXPECT_TRUE(next.batch.records.empty());
  ASSERT_EQ(next.result.quarantine.size(), 1U);
  EXPECT_THAT(next.result.quarantine[0].reason, HasSubstr("it changed while being read"));
  EXPECT_EQ(rosterSize(), 40U);
  EXPECT_EQ(filesIn("rejected").size(), 2U);  // the file and its reason beside it
}

TEST_F(CsvTrustedIngestTest, AnUnreadableIdKeepsTheStoredRowInsteadOfRemovingIt) {
  auto source = create("");
  ASSERT_TRUE(source);
  dir_.write("inbox/roster-1.csv", std::string(kRosterHeader) + rosterRows(0, 10));
  syncAll(*source);
  // Person 3's id cannot be read this time (a NUL in it); the others are as before.
  std::string rows = rosterRows(0, 10);
  const auto at = rows.find(citizenId(3));
  rows[at + 5] = '\0';
  dir_.write("inbox/roster-2.csv", std::string(kRosterHeader) + rows);
  const auto pulled = syncAll(*source);
  EXPECT_EQ(pulled.back().result.stats.removed, 0U);
  EXPECT_EQ(pulled.back().result.stats.kept_unreadable, 1U);
  EXPECT_EQ(rosterSize(), 10U);
}

TEST_F(CsvTrustedIngestTest, AFileStillBeingWrittenIsTakenOnlyOnceItsWriterIsDone) {
  auto source = create("settle = \"300ms\"\n");
  ASSERT_TRUE(source);
  const auto path = dir_.path() / "inbox" / "roster-1.csv";
  int ready_pipe[2];
  int go_pipe[2];
  ASSERT_EQ(::pipe(ready_pipe), 0);
  ASSERT_EQ(::pipe(go_pipe), 0);
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    // A second process writes the export in place, in two goes, holding it open in between.
    std::ofstream out(path);
    out << kRosterHeader << rosterRows(0, 39) << std::flush;
    char byte = 1;
    (void)!::write(ready_pipe[1], &byte, 1);
    (void)!::read(go_pipe[0], &byte, 1);
    out << rosterRows(39, 304) << std::flush;
    out.close();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready_pipe[0], &byte, 1), 1);
  std::this_thread::sleep_for(400ms);  // older than `settle`, but still open for writing
  const auto early = sync(*source);
  EXPECT_TRUE(early.batch.records.empty());
  ASSERT_TRUE(early.batch.pull_again_after.has_value());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_THAT(log_.str(), HasSubstr("still has it open for writing"));
  ASSERT_EQ(::write(go_pipe[1], &byte, 1), 1);
  int status = 0;
  ::waitpid(writer, &status, 0);
  std::this_thread::sleep_for(400ms);
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 304U);
}

TEST_F(CsvTrustedIngestTest, LinksAreRefusedAndUpperCaseNamesAreRead) {
  auto source = create("");
  ASSERT_TRUE(source);
  dir_.write("outside.csv", std::string(kRosterHeader) + rosterRows(0, 5));
  fs::create_symlink(dir_.path() / "outside.csv", dir_.path() / "inbox" / "roster-link.csv");
  dir_.write("inbox/ROSTER-20260501.CSV", std::string(kRosterHeader) + rosterRows(0, 7));
  dir_.write("inbox/notes.txt", "hello");
  syncAll(*source);
  syncAll(*source);  // said once, not on every pull
  EXPECT_EQ(rosterSize(), 7U) << log_.str();
  EXPECT_TRUE(fs::exists(dir_.path() / "outside.csv"));
  const auto log = log_.str();
  EXPECT_THAT(log, HasSubstr("roster-link.csv: refused: a symbolic link"));
  EXPECT_THAT(log, HasSubstr("notes.txt: left alone"));
  std::size_t said = 0;
  for (auto at = log.find("roster-link.csv: refused"); at != std::string::npos;
       at = log.find("roster-link.csv: refused", at + 1)) {
    ++said;
  }
  EXPECT_EQ(said, 1U);
}

TEST_F(CsvTrustedIngestTest, FullWidthGb18030ExportWithBomAndCrlfIsRead) {
  auto source = create("");
  ASSERT_TRUE(source);
  std::string text = std::string(kRosterHeader) + rosterRows(0, 3);
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  dir_.write("inbox/roster.csv", toGb18030(crlf));
  syncAll(*source);
  EXPECT_EQ(rosterSize(), 3U);
}

}  // namespace
}  // namespace staffchain::plugin_host
