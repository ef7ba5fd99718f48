#include "staffchain/model/column_map.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace staffchain::model {
namespace {

TEST(ColumnMap, MapsHeaderInAnyOrderAndIgnoresExtraColumns) {
  const std::vector<std::string> header{"gross", " Person_ID ", "remark", "unit_id", "month", "funding"};
  const auto map = ColumnMap::of(RecordType::payroll, header, "payroll.csv");
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->ignoredColumns(), std::vector<std::string>{"remark"});

  const std::vector<std::string_view> fields{"8500", "P", "note", "U", "2024-07", "full"};
  RowView row;
  map->fill(fields, row);
  EXPECT_EQ(row[0], "P");
  EXPECT_EQ(row[1], "U");
  EXPECT_EQ(row[2], "2024-07");
  EXPECT_EQ(row[3], "full");
  EXPECT_EQ(row[4], "8500");
}

TEST(ColumnMap, OptionalColumnsMayBeAbsent) {
  const std::vector<std::string> header{"person_id", "unit_id", "estab_type", "entered_on"};
  const auto map = ColumnMap::of(RecordType::roster, header, "roster.csv");
  ASSERT_TRUE(map) << map.error().message;
  const std::vector<std::string_view> fields{"P", "U", "admin", "2020-01-01"};
  RowView row;
  map->fill(fields, row);
  EXPECT_EQ(row[0], "P");
  EXPECT_FALSE(row[1].has_value());  // name
  EXPECT_FALSE(row[5].has_value());  // approval_id
}

TEST(ColumnMap, MissingRequiredColumnsAreNamed) {
  const std::vector<std::string> header{"person_id", "name", "estab_type"};
  const auto map = ColumnMap::of(RecordType::roster, header, "roster.csv");
  ASSERT_FALSE(map);
  EXPECT_EQ(map.error().message,
            "roster.csv: missing required columns unit_id, entered_on in the header (a roster file needs person_id, "
            "name, unit_id, estab_type, entered_on, approval_id, leader_level, leader_rank)");
}

TEST(ColumnMap, DuplicateColumnIsAnError) {
  const std::vector<std::string> header{"person_id", "died_on", "person_id"};
  const auto map = ColumnMap::of(RecordType::death, header, "deaths.csv");
  ASSERT_FALSE(map);
  EXPECT_NE(map.error().message.find("person_id appears more than once"), std::string::npos);
}

}  // namespace
}  // namespace staffchain::model
