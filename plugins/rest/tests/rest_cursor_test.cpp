#include "rest_cursor.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace staffchain::rest {
namespace {

TEST(RestCursor, EmptyTextIsAFreshStart) {
  auto cursor = RestCursor::decode("");
  ASSERT_TRUE(cursor.ok());
  EXPECT_TRUE(cursor->active.empty());
  EXPECT_TRUE(cursor->endpoints.empty());
}

TEST(RestCursor, RoundTripsAListingUnderWayAndTheOtherWatermarks) {
  RestCursor cursor;
  cursor.active = "movements";
  cursor.endpoints["movements"] = {
      "2024-05-01T00:00:00Z", "2024-04-01T00:00:00Z", "2024-05-03T10:00:00Z", 3, "http://h/movements?_page=4", 300};
  cursor.endpoints["units"] = {"17", "", "", 0, "", 0};
  auto decoded = RestCursor::decode(cursor.encode());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->active, "movements");
  const auto& movements = decoded->endpoints.at("movements");
  EXPECT_EQ(movements.watermark, "2024-05-01T00:00:00Z");
  EXPECT_EQ(movements.since, "2024-04-01T00:00:00Z");
  EXPECT_EQ(movements.run_max, "2024-05-03T10:00:00Z");
  EXPECT_EQ(movements.page, 3);
  EXPECT_EQ(movements.next, "http://h/movements?_page=4");
  EXPECT_EQ(movements.read, 300);
  EXPECT_EQ(decoded->endpoints.at("units").watermark, "17");
}

TEST(RestCursor, KeepsOnlyWatermarksOfEndpointsNotUnderWay) {
  RestCursor cursor;
  cursor.endpoints["units"] = {"17", "stale-since", "stale-max", 5, "stale-next", 42};
  auto decoded = RestCursor::decode(cursor.encode());
  ASSERT_TRUE(decoded.ok());
  const auto& units = decoded->endpoints.at("units");
  EXPECT_EQ(units.watermark, "17");
  EXPECT_EQ(units.page, 0);
  EXPECT_TRUE(units.next.empty());
  EXPECT_EQ(units.read, 0);
}

TEST(RestCursor, RefusesACursorItDidNotWrite) {
  for (const char* text : {"d41d8cd98f00b204", "[1,2]", R"({"v":2})", R"({"v":1,"active":5})",
                           R"({"v":1,"endpoints":{"units":{"page":"x"}}})"}) {
    auto decoded = RestCursor::decode(text);
    ASSERT_FALSE(decoded.ok()) << text;
    EXPECT_THAT(decoded.error().message, ::testing::HasSubstr("not one this rest source wrote")) << text;
  }
}

TEST(CompareWatermarks, IntegersByValueAndTextAsText) {
  EXPECT_LT(compareWatermarks("9", "10"), 0);
  EXPECT_GT(compareWatermarks("100", "099"), 0);
  EXPECT_EQ(compareWatermarks("007", "7"), 0);
  EXPECT_LT(compareWatermarks("-5", "3"), 0);
  EXPECT_GT(compareWatermarks("-5", "-10"), 0);
  EXPECT_LT(compareWatermarks("2024-05-01T08:00:00Z", "2024-05-01T09:00:00Z"), 0);
  EXPECT_GT(compareWatermarks("2024-12-01", "2024-05-30"), 0);
  EXPECT_EQ(compareWatermarks("2024-05-01", "2024-05-01"), 0);
}

}  // namespace
}  // namespace staffchain::rest
