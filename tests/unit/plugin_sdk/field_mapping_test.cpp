#include "staffchain/plugin/support/field_mapping.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "staffchain/plugin/support/retry.hpp"

namespace staffchain::plugin {
namespace {

using ::testing::HasSubstr;

TEST(ReformatDate, AcceptsCompactChineseAndTimestampFormats) {
  EXPECT_EQ(reformatDate("20240517", "%Y%m%d").value(), "2024-05-17");
  EXPECT_EQ(reformatDate("2024年5月7日", "%Y年%m月%d日").value(), "2024-05-07");
  EXPECT_EQ(reformatDate(" 2024/05/17 08:30:00 ", "%Y/%m/%d %H:%M:%S").value(), "2024-05-17");
  EXPECT_EQ(reformatDate("202405", "%Y%m").value(), "2024-05");
}

TEST(ReformatDate, RefusesTextThatDoesNotFit) {
  auto wrong = reformatDate("2024-05-17", "%Y%m%d");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.error().message, HasSubstr("does not match the date format \"%Y%m%d\""));
  EXPECT_FALSE(reformatDate("20240517x", "%Y%m%d").ok());
  EXPECT_FALSE(reformatDate("2024", "%Y").ok());
  EXPECT_THAT(reformatDate("2024", "%j").error().message, HasSubstr("%j, which is not supported"));
}

FieldMapping readMapping(const std::string& text, RecordType type, std::vector<std::string>& errors) {
  static std::vector<toml::table> keep;
  keep.push_back(toml::parse(text, std::string_view("m.toml")));
  ConfigReader reader(keep.back(), "connectors.hr.mapping", errors);
  auto mapping = FieldMapping::read(reader, type);
  reader.finish();
  return mapping;
}

TEST(FieldMapping, RenamesMapsValuesReformatsDatesAndSetsConstants) {
  std::vector<std::string> errors;
  auto mapping = readMapping(R"(
fields = { person_id = "sfzh", unit_id = "dw.code", effective_on = "sxrq", movement_id = "id" }
values = { kind = { "退休" = "retire" } }
dates = { effective_on = "%Y%m%d" }
constants = { source = "hr" }
)",
                             RecordType::movement, errors);
  ASSERT_TRUE(errors.empty()) << errors.front();
  const std::map<std::string, std::string> source = {{"sfzh", "11010519491231002X"},
                                                     {"dw.code", "91350100M000100Y43"},
                                                     {"sxrq", "20240517"},
                                                     {"id", "M-1"},
                                                     {"kind", "退休"},
                                                     {"name", "张三"}};
  auto mapped = mapping.apply(
      [&](std::string_view field) -> std::optional<std::string> {
        auto it = source.find(std::string(field));
        return it == source.end() ? std::nullopt : std::optional<std::string>(it->second);
      },
      "api:M-1");
  ASSERT_TRUE(mapped.ok());
  const RawRecord& record = mapped.record;
  EXPECT_EQ(record.type, RecordType::movement);
  EXPECT_EQ(record.origin, "api:M-1");
  EXPECT_EQ(*record.field("person_id"), "11010519491231002X");
  EXPECT_EQ(*record.field("unit_id"), "91350100M000100Y43");
  EXPECT_EQ(*record.field("effective_on"), "2024-05-17");
  EXPECT_EQ(*record.field("kind"), "retire");
  EXPECT_EQ(*record.field("source"), "hr");
  EXPECT_EQ(*record.field("name"), "张三");         // unmapped columns come from the same name
  EXPECT_EQ(record.field("recorded_on"), nullptr);  // absent stays absent
}

TEST(FieldMapping, ADateThatDoesNotFitRejectsTheRecordWithTheField) {
  std::vector<std::string> errors;
  auto mapping = readMapping("dates = { died_on = \"%Y%m%d\" }\n", RecordType::death, errors);
  SourceBatch batch;
  mapping.applyInto(
      batch,
      [](std::string_view field) -> std::optional<std::string> {
        if (field == "died_on") return "2024-13";
        return "11010519491231002X";
      },
      "deaths:7");
  EXPECT_TRUE(batch.records.empty());
  ASSERT_EQ(batch.rejected.size(), 1U);
  EXPECT_EQ(batch.rejected[0].field, "died_on");
  EXPECT_EQ(batch.rejected[0].origin, "deaths:7");
  EXPECT_THAT(batch.rejected[0].reason, HasSubstr("does not match the date format"));
}

TEST(FieldMapping, UnknownColumnsAndBadFormatsAreConfigurationErrors) {
  std::vector<std::string> errors;
  readMapping("fields = { persn_id = \"x\" }\ndates = { died_on = \"%Q\" }\nfoo = 1\n", RecordType::death, errors);
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_THAT(errors[0], HasSubstr("m.toml:1:12: connectors.hr.mapping.fields.persn_id: not a column of deaths.csv"));
  EXPECT_THAT(errors[1], HasSubstr("connectors.hr.mapping.dates.died_on: the date format \"%Q\" uses %Q"));
  EXPECT_THAT(errors[2], HasSubstr("connectors.hr.mapping.foo: unknown key"));
}

// The one backoff rule: the daemon's receivers, sinks and connectors and the plugins' retries.
TEST(BackoffCeiling, DoublesFromTheInitialWaitUpToTheCap) {
  using std::chrono::milliseconds;
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), 1), milliseconds(1000));
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), 2), milliseconds(2000));
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), 4), milliseconds(8000));
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), 5), milliseconds(10'000));
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), 1'000'000), milliseconds(10'000));
  // Before the first failure (0) or nonsense (negative) it is the initial wait.
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), 0), milliseconds(1000));
  EXPECT_EQ(backoffCeiling(milliseconds(1000), milliseconds(10'000), -3), milliseconds(1000));
  // A day's initial wait doubled thirty times does not overflow.
  EXPECT_EQ(backoffCeiling(std::chrono::hours(24), std::chrono::hours(24 * 365 * 1000), 40),
            std::chrono::hours(24 * 365 * 1000));
}

TEST(RetryPolicy, BackoffGrowsWithinItsCeilingAndJitters) {
  RetryPolicy policy;
  policy.initial = Duration(100);
  policy.max = Duration(1000);
  std::mt19937_64 random(42);
  std::set<std::int64_t> seen;
  for (int retry = 1; retry <= 8; ++retry) {
    for (int i = 0; i < 50; ++i) {
      const auto delay = policy.delay(retry, random);
      EXPECT_GE(delay.count(), 0);
      EXPECT_LE(delay.count(), std::min<std::int64_t>(1000, 100LL << (retry - 1)));
      seen.insert(delay.count());
    }
  }
  EXPECT_GT(seen.size(), 100U);  // jittered, not a fixed schedule
}

TEST(RateLimiter, GivesItsCapacityAtOnceThenWaits) {
  RateLimiter limiter(3, Duration(60'000));
  CancelToken cancel;
  EXPECT_TRUE(limiter.acquire(&cancel));
  EXPECT_TRUE(limiter.acquire(&cancel));
  EXPECT_TRUE(limiter.acquire(&cancel));
  cancel.cancel();  // the fourth would wait 20 s: a cancelled wait gives up
  EXPECT_FALSE(limiter.acquire(&cancel));
}

}  // namespace
}  // namespace staffchain::plugin
