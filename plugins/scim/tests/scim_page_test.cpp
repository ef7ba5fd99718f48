// ListResponse parsing, paging arithmetic, timestamps and the cursor.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "list_response.hpp"
#include "scim_cursor.hpp"
#include "timestamp.hpp"

namespace staffchain::scim {
namespace {

using ::testing::HasSubstr;

std::string listBody(int total, int start, int per_page, const std::string& resources) {
  return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":)" +
         std::to_string(total) + R"(,"startIndex":)" + std::to_string(start) + R"(,"itemsPerPage":)" +
         std::to_string(per_page) + R"(,"Resources":)" + resources + "}";
}

TEST(ListResponse, PagesUntilStartPlusItemsPassesTotal) {
  auto first = ListResponse::parse(listBody(5, 1, 2, R"([{"id":"a"},{"id":"b"}])"), 1);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->resources.size(), 2U);
  EXPECT_EQ(first->nextStartIndex(), 3);
  auto last = ListResponse::parse(listBody(5, 5, 1, R"([{"id":"e"}])"), 5);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->nextStartIndex(), 0);
  auto exact = ListResponse::parse(listBody(4, 3, 2, R"([{"id":"c"},{"id":"d"}])"), 3);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->nextStartIndex(), 0);  // 3 + 2 > 4
}

TEST(ListResponse, RemainingIsTheTotalLessWhatThisAndEarlierPagesHeld) {
  auto first = ListResponse::parse(listBody(5, 1, 2, R"([{"id":"a"},{"id":"b"}])"), 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->remainingAfter(), 3U);
  auto middle = ListResponse::parse(listBody(5, 3, 2, R"([{"id":"c"},{"id":"d"}])"), 3);
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(middle->remainingAfter(), 1U);
  auto last = ListResponse::parse(listBody(5, 5, 1, R"([{"id":"e"}])"), 5);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->remainingAfter(), 0U);
  // A page of nothing ends the query: nothing is left to wait for, whatever the total says.
  auto empty = ListResponse::parse(listBody(9, 4, 0, "[]"), 4);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->remainingAfter(), 0U);
}

TEST(ListResponse, AServerEchoingTheCountAskedForStillPagesByWhatItSent) {
  auto page = ListResponse::parse(listBody(3, 1, 100, R"([{"id":"a"},{"id":"b"}])"), 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items_per_page, 2);
  EXPECT_EQ(page->nextStartIndex(), 3);
}

// Found by fuzzing: start + items overflowed a signed 64-bit integer (undefined behaviour).
TEST(ListResponse, NumbersAtTheIntegerLimitEndTheQueryWithoutOverflow) {
  const std::string max = std::to_string(std::numeric_limits<std::int64_t>::max());
  const std::string body = R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":)" +
                           max + R"(,"startIndex":)" + max + R"(,"itemsPerPage":1,"Resources":[{"id":"a"}]})";
  auto page = ListResponse::parse(body, 1);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->nextStartIndex(), 0);
  EXPECT_EQ(page->remainingAfter(), 0U);
  auto before = ListResponse::parse(listBody(1, 1, 1, R"([{"id":"a"}])"), 1);
  ASSERT_TRUE(before.ok());
  before->total_results = std::numeric_limits<std::int64_t>::max();
  before->start_index = std::numeric_limits<std::int64_t>::max() - 1;
  EXPECT_EQ(before->nextStartIndex(), std::numeric_limits<std::int64_t>::max());
}

TEST(ListResponse, AnEmptyPageEndsTheQueryEvenWhenTheTotalSaysMore) {
  auto page = ListResponse::parse(listBody(9, 4, 0, "[]"), 4);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->nextStartIndex(), 0);
}

TEST(ListResponse, OptionalMembersFallBackToTheRequest) {
  auto page =
      ListResponse::parse(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0})", 7);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->start_index, 7);
  EXPECT_TRUE(page->resources.empty());
}

TEST(ListResponse, WhatIsNotAListResponseIsRefusedWithTheReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"<html>busy</html>", "not JSON"},
      {"[]", "not a JSON object"},
      {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"totalResults":1,"Resources":[]})",
       "does not list urn:ietf:params:scim:api:messages:2.0:ListResponse"},
      {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[]})", "no \"totalResults\""},
      {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3})",
       "no \"Resources\" though \"totalResults\" is 3"},
      {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":{}})",
       "\"Resources\" is not an array"},
      {R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":0,
          "Resources":[]})",
       "\"startIndex\" is not a positive integer"},
  };
  for (const auto& [body, reason] : cases) {
    auto page = ListResponse::parse(body, 1);
    ASSERT_FALSE(page.ok()) << body;
    EXPECT_THAT(page.error().message, HasSubstr(reason)) << body;
  }
}

TEST(Timestamp, ComparesInstantsAcrossOffsetsAndFractions) {
  EXPECT_EQ(parseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseTimestamp("1970-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(parseTimestamp("2024-05-01T08:00:00+08:00"), parseTimestamp("2024-05-01T00:00:00.000Z"));
  EXPECT_EQ(parseTimestamp("2024-04-30T19:00:00-05:00"), parseTimestamp("2024-05-01T00:00:00Z"));
  EXPECT_EQ(parseTimestamp("2000-03-01T00:00:00Z"), 951'868'800'000'000);
  for (const auto* bad : {"", "2024-05-01", "2024-05-01T00:00:00", "2024-13-01T00:00:00Z", "2024-05-01T00:00:00.Z",
                          "2024-05-01T00:00:00Zjunk", "2024-05-01T00:00:00+0800"}) {
    EXPECT_FALSE(parseTimestamp(bad).has_value()) << bad;
  }
  EXPECT_EQ(laterTimestamp("2024-05-01T08:00:00+08:00", "2024-05-01T00:00:00.001Z"), "2024-05-01T00:00:00.001Z");
  EXPECT_EQ(laterTimestamp("2024-05-02T00:00:00Z", "2024-05-01T23:00:00Z"), "2024-05-02T00:00:00Z");
  EXPECT_EQ(laterTimestamp("", "2024-05-01T00:00:00Z"), "2024-05-01T00:00:00Z");
  EXPECT_EQ(laterTimestamp("2024-05-01T00:00:00Z", "garbage"), "2024-05-01T00:00:00Z");
}

TEST(ScimCursor, RoundTripsAndRefusesForeignText) {
  ScimCursor cursor;
  cursor.since = "2024-05-01T00:00:00.000Z";
  cursor.next_start = 51;
  cursor.seen = "2024-05-02T00:00:00.000Z";
  cursor.pass = "00ff";
  auto back = ScimCursor::decode(cursor.encode());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->since, cursor.since);
  EXPECT_EQ(back->next_start, 51);
  EXPECT_EQ(back->seen, cursor.seen);
  EXPECT_EQ(back->pass, "00ff");
  EXPECT_FALSE(back->betweenPasses());

  auto first = ScimCursor::decode("");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->betweenPasses());
  EXPECT_TRUE(first->since.empty());

  for (const auto* bad : {"c1+", "{}", R"({"v":2,"since":"","next":1,"seen":"","pass":""})",
                          R"({"v":1,"since":"yesterday","next":1,"seen":"","pass":""})",
                          R"({"v":1,"since":"","next":0,"seen":"","pass":""})"}) {
    auto decoded = ScimCursor::decode(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_THAT(decoded.error().message, HasSubstr("is not a SCIM connector's cursor"));
  }
}

}  // namespace
}  // namespace staffchain::scim
