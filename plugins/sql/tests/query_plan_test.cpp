// The statement built around an operator's query, and the cursor's encoding.
#include "query_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace staffchain::sql {
namespace {

using ::testing::HasSubstr;

QuerySpec incremental() {
  return QuerySpec{"movements", plugin::RecordType::movement, "SELECT * FROM staff_changes -- all of them",
                   Watermark{"updated_at", "change_id"}, false};
}

TEST(BuildStatement, FirstPullOrdersByWatermarkThenKeyAndBindsOnlyTheLimit) {
  const auto statement = buildStatement(Dialect::postgresql, incremental(), nullptr, 500);
  EXPECT_EQ(statement.text,
            "SELECT * FROM (\nSELECT * FROM staff_changes -- all of them\n) AS staffchain_rows WHERE \"updated_at\" IS "
            "NOT NULL AND \"change_id\" IS NOT NULL ORDER BY \"updated_at\", \"change_id\" LIMIT $1");
  ASSERT_EQ(statement.parameters.size(), 1U);
  EXPECT_EQ(statement.parameters[0].text, "500");
  EXPECT_EQ(statement.parameters[0].kind, ValueKind::integer);
}

TEST(BuildStatement, LaterPullsBindThePositionAsParametersNeverAsText) {
  const QueryPosition position{SqlValue{"2026-05-01 08:00:00+00'; DROP TABLE x; --", ValueKind::text},
                               SqlValue{"17", ValueKind::integer}};
  const auto pg = buildStatement(Dialect::postgresql, incremental(), &position, 100);
  EXPECT_THAT(pg.text, HasSubstr("AND (\"updated_at\", \"change_id\") > ($1, $2) ORDER BY \"updated_at\", "
                                 "\"change_id\" LIMIT $3"));
  EXPECT_THAT(pg.text, ::testing::Not(HasSubstr("DROP TABLE")));
  ASSERT_EQ(pg.parameters.size(), 3U);
  EXPECT_EQ(pg.parameters[0].text, position.watermark.text);
  EXPECT_EQ(pg.parameters[1].kind, ValueKind::integer);
  EXPECT_EQ(pg.parameters[2].text, "100");

  const auto lite = buildStatement(Dialect::sqlite, incremental(), &position, 100);
  EXPECT_THAT(lite.text, HasSubstr("> (?1, ?2) ORDER BY \"updated_at\", \"change_id\" LIMIT ?3"));
}

TEST(BuildStatement, AQueryWithoutWatermarkRunsWholeButStillWrapped) {
  const QuerySpec roster{"roster", plugin::RecordType::roster, "SELECT * FROM bz", std::nullopt, true};
  const auto statement = buildStatement(Dialect::sqlite, roster, nullptr, 100);
  EXPECT_EQ(statement.text, "SELECT * FROM (\nSELECT * FROM bz\n) AS staffchain_rows");
  EXPECT_TRUE(statement.parameters.empty());
}

TEST(QuoteIdentifier, DoublesEmbeddedQuotes) {
  EXPECT_EQ(quoteIdentifier("updated_at"), "\"updated_at\"");
  EXPECT_EQ(quoteIdentifier("a\"b"), "\"a\"\"b\"");
}

TEST(NormaliseQueryText, DropsTrailingSemicolonsAndBlanks) {
  EXPECT_EQ(normaliseQueryText("  SELECT 1 ;\n ;  "), "SELECT 1");
  EXPECT_EQ(normaliseQueryText("SELECT ';' AS x"), "SELECT ';' AS x");
}

TEST(SqlCursor, EmptyTextIsTheStartAndEncodesBackToEmpty) {
  auto cursor = SqlCursor::decode("");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->position("movements"), nullptr);
  EXPECT_EQ(cursor->encode(), "");
}

TEST(SqlCursor, RoundTripsPositionsWithTheirKinds) {
  SqlCursor cursor;
  cursor.set("movements",
             QueryPosition{SqlValue{"2026-05-01 08:00:00+00", ValueKind::text}, SqlValue{"42", ValueKind::integer}});
  cursor.set("payroll", QueryPosition{SqlValue{"1.5", ValueKind::real}, SqlValue{"P\"1", ValueKind::text}});
  auto decoded = SqlCursor::decode(cursor.encode());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const QueryPosition* movements = decoded->position("movements");
  ASSERT_NE(movements, nullptr);
  EXPECT_EQ(movements->watermark.text, "2026-05-01 08:00:00+00");
  EXPECT_EQ(movements->key.kind, ValueKind::integer);
  const QueryPosition* payroll = decoded->position("payroll");
  ASSERT_NE(payroll, nullptr);
  EXPECT_EQ(payroll->watermark.kind, ValueKind::real);
  EXPECT_EQ(payroll->key.text, "P\"1");
  EXPECT_EQ(decoded->encode(), cursor.encode());
}

TEST(SqlCursor, RetainDropsPositionsOfQueriesNoLongerIncremental) {
  SqlCursor cursor;
  cursor.set("movements", QueryPosition{SqlValue{"1", ValueKind::integer}, SqlValue{"1", ValueKind::integer}});
  cursor.set("deaths", QueryPosition{SqlValue{"1", ValueKind::integer}, SqlValue{"1", ValueKind::integer}});
  cursor.retain({incremental(), QuerySpec{"deaths", plugin::RecordType::death, "SELECT 1", std::nullopt, false}});
  EXPECT_NE(cursor.position("movements"), nullptr);
  EXPECT_EQ(cursor.position("deaths"), nullptr);
}

TEST(SqlCursor, RefusesTextItDidNotWriteWithAReason) {
  for (const auto* text : {"not json", "[1]", "{\"v\":9,\"positions\":{}}", "{\"v\":1}",
                           "{\"v\":1,\"positions\":{\"m\":{\"watermark\":\"1\",\"key\":\"2\",\"kinds\":\"sx\"}}}",
                           "{\"v\":1,\"positions\":{\"m\":{\"watermark\":1,\"key\":\"2\",\"kinds\":\"ss\"}}}"}) {
    auto decoded = SqlCursor::decode(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_THAT(decoded.error().message, HasSubstr("cannot read the saved cursor"));
  }
}

}  // namespace
}  // namespace staffchain::sql
