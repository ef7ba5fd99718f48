#include "record_tables.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

#include "ledger_samples.hpp"
#include "record_codec.hpp"
#include "sqlite_query.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/model/record_columns.hpp"
#include "staffchain/plugin/canonical_columns.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger {
namespace {

using model::RecordType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::sqliteExec;
using testing::sqliteQuery;

class RecordTablesTest : public ::testing::Test {
 protected:
  [[nodiscard]] std::filesystem::path file() const { return dir_.path() / "ledger.db"; }

  // A ledger written by this staffchain, holding one record of each type.
  void writeLedger() {
    auto ledger = SqlLedger::open(file());
    ASSERT_TRUE(ledger) << ledger.error().message;
    auto stats = (*ledger)->commitBatch(testing::makeBatch("estab", testing::oneOfEachType()));
    ASSERT_TRUE(stats) << stats.error().message;
  }
  // By name: where a column sits in its table does not matter (every statement names its columns),
  // and a column added to an existing table comes last.
  std::vector<std::string> columnsOf(const std::string& table) {
    return sqliteQuery(file(),
                       "SELECT name, type, \"notnull\", pk FROM pragma_table_info('" + table + "') ORDER BY name");
  }

  testing::TempDir dir_;
};

// The columns of a table, as PRAGMA table_info has them, when created by `definition`.
std::vector<std::string> columnsCreatedBy(const std::filesystem::path& file, const std::string& definition,
                                          const std::string& table) {
  sqliteExec(file, definition);
  return sqliteQuery(file, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('" + table + "') ORDER BY name");
}

TEST_F(RecordTablesTest, TheDescriptionDefinesTheTablesMigrationOneCreated) {
  writeLedger();
  const auto scratch = dir_.path() / "scratch.db";
  for (std::size_t i = 0; i < plugin::kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    const std::string table(detail::recordTable(type));
    EXPECT_EQ(columnsCreatedBy(scratch, detail::recordTableDefinition(type), table), columnsOf(table)) << table;
  }
}

TEST_F(RecordTablesTest, StoredColumnsAreTheCanonicalOnesWithAmountsInFen) {
  for (std::size_t i = 0; i < plugin::kRecordTypeCount; ++i) {
    const auto type = static_cast<RecordType>(i);
    const auto canonical = plugin::canonicalColumnTable(type);
    const auto stored = detail::storedColumns(type);
    const auto names = detail::recordColumns(type);
    ASSERT_EQ(stored.size(), canonical.size());
    ASSERT_EQ(names.size(), canonical.size());
    for (std::size_t c = 0; c < canonical.size(); ++c) {
      const bool amount = canonical[c].kind == plugin::CellKind::amount;
      EXPECT_EQ(stored[c].name, std::string(canonical[c].name) + (amount ? "_fen" : ""));
      EXPECT_EQ(names[c], stored[c].name);
      const bool number = amount || canonical[c].kind == plugin::CellKind::count;
      EXPECT_EQ(stored[c].type, number ? "INTEGER" : "TEXT") << stored[c].name;
      if (canonical[c].required) {
        EXPECT_FALSE(stored[c].nullable) << stored[c].name;
      }
    }
  }
  EXPECT_EQ(detail::recordColumns(RecordType::payroll).back(), "gross_fen");
}

TEST_F(RecordTablesTest, AColumnAddedSinceAFileWasWrittenIsAddedWithItsRowsStillUnchanged) {
  writeLedger();
  // As if units.name and movements.recorded_on had come after this file was written.
  sqliteExec(file(),
             "ALTER TABLE units DROP COLUMN name; ALTER TABLE movements DROP COLUMN recorded_on; "
             "ALTER TABLE movement_history DROP COLUMN recorded_on;");
  const auto history_before = sqliteQuery(file(), "SELECT count(*) FROM movement_history");

  auto ledger = SqlLedger::open(file());
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_THAT(sqliteQuery(file(), "SELECT DISTINCT name FROM units"), ElementsAre(""));
  EXPECT_THAT(sqliteQuery(file(), "SELECT DISTINCT recorded_on FROM movements"), ElementsAre("<null>"));
  EXPECT_THAT(sqliteQuery(file(), "SELECT DISTINCT recorded_on FROM movement_history"), ElementsAre("<null>"));

  // The same records with nothing in the new columns are unchanged: their hashes were computed again.
  auto records = testing::oneOfEachType();
  std::size_t emptied = 0;  // records that held something in a new column
  for (auto& record : records) {
    if (auto* unit = std::get_if<model::Unit>(&record); unit != nullptr && !unit->name.empty()) {
      unit->name.clear();
      ++emptied;
    } else if (auto* movement = std::get_if<model::Movement>(&record); movement != nullptr && movement->recorded_on) {
      movement->recorded_on.reset();
      ++emptied;
    }
  }
  ASSERT_GT(emptied, 1U);
  auto again = (*ledger)->commitBatch(testing::makeBatch("estab", records));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->unchanged, records.size());
  EXPECT_EQ(sqliteQuery(file(), "SELECT count(*) FROM movement_history"), history_before);

  // And the records with names are a change, stored in the new column.
  auto named = (*ledger)->commitBatch(testing::makeBatch("estab", testing::oneOfEachType()));
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->updated, emptied);
  auto dataset = (*ledger)->loadDataset();
  ASSERT_TRUE(dataset) << dataset.error().message;
  ASSERT_FALSE(dataset->units.empty());
  EXPECT_EQ(dataset->units.front().name, "海拉尔区教育局");
}

TEST_F(RecordTablesTest, AMissingRecordTableIsCreatedAsDescribed) {
  writeLedger();
  sqliteExec(file(), "DROP TABLE deaths");
  auto ledger = SqlLedger::open(file());
  ASSERT_TRUE(ledger) << ledger.error().message;
  const auto scratch = dir_.path() / "scratch.db";
  EXPECT_EQ(columnsOf("deaths"), columnsCreatedBy(scratch, detail::recordTableDefinition(RecordType::death), "deaths"));
  auto stats = (*ledger)->commitBatch(testing::makeBatch("estab", testing::oneOfEachType()));
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->inserted, 1U);  // the death, stored again
}

TEST_F(RecordTablesTest, AMissingColumnItsRowsCouldNotReadBackIsRefusedAndNothingChanges) {
  writeLedger();
  sqliteExec(file(), "ALTER TABLE payroll DROP COLUMN gross_fen; ALTER TABLE units DROP COLUMN name;");
  const auto units_before = columnsOf("units");
  auto ledger = SqlLedger::open(file());
  ASSERT_FALSE(ledger);
  EXPECT_THAT(ledger.error().message, HasSubstr(file().string()));
  EXPECT_THAT(ledger.error().message, HasSubstr("adding column gross_fen to table payroll"));
  EXPECT_THAT(ledger.error().message, HasSubstr("a migration must add it"));
  EXPECT_EQ(columnsOf("units"), units_before);
}

TEST_F(RecordTablesTest, AColumnStoredOtherwiseThanDescribedIsRefusedNamingBoth) {
  writeLedger();
  sqliteExec(file(), "ALTER TABLE units DROP COLUMN kind; ALTER TABLE units ADD COLUMN kind INTEGER;");
  auto ledger = SqlLedger::open(file());
  ASSERT_FALSE(ledger);
  EXPECT_THAT(ledger.error().message, HasSubstr("checking column kind of table units"));
  EXPECT_THAT(ledger.error().message, HasSubstr("it is INTEGER, where this staffchain stores kind TEXT NOT NULL"));
}

TEST_F(RecordTablesTest, AFileAsDescribedIsLeftAsItIs) {
  writeLedger();
  const auto schema = sqliteQuery(file(), "SELECT sql FROM sqlite_master ORDER BY name");
  const auto hashes = sqliteQuery(file(), "SELECT record_key, content_hash FROM units ORDER BY record_key");
  auto ledger = SqlLedger::open(file());
  ASSERT_TRUE(ledger) << ledger.error().message;
  EXPECT_EQ(sqliteQuery(file(), "SELECT sql FROM sqlite_master ORDER BY name"), schema);
  EXPECT_EQ(sqliteQuery(file(), "SELECT record_key, content_hash FROM units ORDER BY record_key"), hashes);
}

// What writeOrder gave when it built each key's order text (cluster values and key, each ended by
// a NUL) and sorted by it: the same order, without a string a record.
std::vector<std::uint32_t> orderByText(const std::vector<model::Record>& records,
                                       const std::vector<std::string>& keys) {
  std::vector<std::tuple<std::size_t, std::string, std::uint32_t>> entries;
  for (std::uint32_t i = 0; i < records.size(); ++i) {
    const auto type = static_cast<RecordType>(records[i].index());
    std::string text;
    if (type != RecordType::movement) {
      if (!detail::clusterColumns(type).empty()) {
        for (const auto value : detail::clusterOfKey(type, keys[i])) text.append(value).push_back('\0');
      }
      text.append(keys[i]);
    }
    entries.emplace_back(records[i].index(), std::move(text), i);
  }
  std::sort(entries.begin(), entries.end());
  std::vector<std::uint32_t> order;
  for (const auto& entry : entries) order.push_back(std::get<2>(entry));
  return order;
}

TEST(WriteOrder, IsTheTablesOrderAsTheKeysOrderTextWouldGiveIt) {
  // Ids of different lengths that share their first digits, months of two years, keys that come
  // twice, a payroll key without its separators, and every other type among them.
  std::mt19937 random(7);
  const auto pick = [&random](std::initializer_list<std::string_view> from) {
    return std::string(*(from.begin() + std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)));
  };
  for (int round = 0; round < 50; ++round) {
    std::vector<model::Record> records;
    std::vector<std::string> keys;
    for (int i = 0; i < 400; ++i) {
      const auto type =
          static_cast<RecordType>(std::uniform_int_distribution<std::size_t>(0, plugin::kRecordTypeCount - 1)(random));
      records.push_back(model::emptyRecord(type));
      if (type == RecordType::payroll) {
        const std::string person = pick({"150102199001011234", "15010219900101123X", "150102", "150102199001011"});
        const std::string unit = pick({"U1501", "U15010", "U150100000001", "U150100000001A", "U2", ""});
        const std::string month = pick({"2025-12", "2026-01", "2026-02", "2026-1"});
        keys.push_back(i % 97 == 0 ? person : fmt::format("{}|{}|{}", person, unit, month));
      } else {
        keys.push_back(pick({"A", "AB", "ABC", "U150100000001", "U1501000000012", "U15010000000", "M-1", "M-2"}));
      }
    }
    ASSERT_EQ(detail::writeOrder(records, keys), orderByText(records, keys)) << "round " << round;
  }
}

}  // namespace
}  // namespace staffchain::ledger
