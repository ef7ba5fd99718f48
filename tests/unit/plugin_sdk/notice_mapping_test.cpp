// The sinks' shared helpers: a notice rendered through its mapping, its JSON body, and how an
// HTTP target's answer reads as delivered, duplicate, retryable or permanent.
#include "staffchain/plugin/support/notice_mapping.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "staffchain/plugin/support/sink_http.hpp"

namespace staffchain::plugin {
namespace {

using ::testing::HasSubstr;

Notice notice() {
  Notice n;
  n.id = "0f3a9c2e7b1d4a65";
  n.sink = "finance_api";
  n.fields = {{"action", "pay_stop"}, {"person_id", "150702197409106771"}, {"name", "朱旭"}};
  return n;
}

NoticeMapping readMapping(const std::string& text, std::vector<std::string>& errors) {
  static toml::table table;
  table = toml::parse(text, std::string_view("sinks.toml"));
  ConfigReader reader(table, "sinks.finance_api.mapping", errors);
  return NoticeMapping::read(reader);
}

TEST(NoticeMapping, WithoutAMappingEveryCanonicalColumnGoesOutUnderItsOwnNameInOrder) {
  const auto rendered = NoticeMapping().render(notice());
  ASSERT_EQ(rendered.size(), kNoticeColumns.size());
  for (std::size_t i = 0; i < kNoticeColumns.size(); ++i) EXPECT_EQ(rendered[i].first, kNoticeColumns[i]);
  // notice_id comes from the notice's id when the fields lack it; absent columns are empty.
  EXPECT_EQ(rendered[0].second, "0f3a9c2e7b1d4a65");
  EXPECT_EQ(rendered[1].second, "pay_stop");
  EXPECT_EQ(rendered[2].second, "");
}

TEST(NoticeMapping, FieldsGoOutInCanonicalOrderWithValuesTranslatedAndConstantsLast) {
  std::vector<std::string> errors;
  const auto mapping = readMapping(R"(
fields = { name = "xm", notice_id = "bh", action = "lx" }
values = { action = { pay_stop = "停薪" } }
constants = { sjly = "staffchain" }
)",
                                   errors);
  EXPECT_THAT(errors, ::testing::IsEmpty());
  EXPECT_EQ(joinRendered(mapping.render(notice())), "bh=0f3a9c2e7b1d4a65, lx=停薪, xm=朱旭, sjly=staffchain");
  EXPECT_EQ(mapping.targetOf("name"), "xm");
  EXPECT_FALSE(mapping.targetOf("person_id"));
}

TEST(NoticeMapping, MaskingHidesTheMiddleOfTheCitizenIdOnly) {
  EXPECT_EQ(maskCitizenIdValue("150702197409106771"), "150702********6771");
  EXPECT_EQ(maskCitizenIdValue("12345"), "*****");
  const auto rendered = NoticeMapping().render(notice(), true);
  EXPECT_EQ(rendered[6].first, "person_id");
  EXPECT_EQ(rendered[6].second, "150702********6771");
  EXPECT_EQ(rendered[7].second, "朱旭");
}

// As model::maskCitizenIds masks an id in text: by characters, never cutting one in two.
TEST(NoticeMapping, MaskingCountsCharactersNotBytes) {
  EXPECT_EQ(maskCitizenIdValue("１５０７０２１９７４０９１０６７７１"), "１５０７０２＊＊＊＊＊＊＊＊６７７１");
  EXPECT_EQ(maskCitizenIdValue("15070219740910677x"), "150702********677x");
  EXPECT_EQ(maskCitizenIdValue("150702740910677"), "150702*****0677");
  EXPECT_EQ(maskCitizenIdValue("１２３４５"), "＊＊＊＊＊");
  EXPECT_EQ(maskCitizenIdValue(""), "");
}

TEST(NoticeMapping, EveryProblemIsReportedAtItsKey) {
  std::vector<std::string> errors;
  (void)readMapping(R"(fields = { name = "xm", person_id = "xm", nam = "x", notice_id = "" }
extra = 1
)",
                    errors);
  EXPECT_THAT(errors, ::testing::UnorderedElementsAre(
                          HasSubstr("sinks.finance_api.mapping.fields.nam: not a canonical notice column"),
                          HasSubstr("fields.notice_id: expected the target system's field name"),
                          HasSubstr("the target field \"xm\" is written twice (person_id and name)"),
                          HasSubstr("sinks.toml:2:1: sinks.finance_api.mapping.extra: unknown key")));
}

TEST(NoticeIdProblem, RefusesWhatCannotNameAFileOrTravelInAHeader) {
  EXPECT_FALSE(noticeIdProblem("0f3a9c2e7b1d4a65"));
  EXPECT_TRUE(noticeIdProblem(""));
  EXPECT_TRUE(noticeIdProblem(".hidden"));
  EXPECT_TRUE(noticeIdProblem("a/b"));
  EXPECT_TRUE(noticeIdProblem("a\r\nX-Injected: 1"));
  EXPECT_TRUE(noticeIdProblem(std::string(201, 'a')));
}

TEST(NoticeJson, DottedNamesNestAndAFieldCannotBeBothValueAndObject) {
  auto nested = noticeJson({{"id", "N-1"}, {"person.idCard", "1"}, {"person.name", "高娃"}});
  ASSERT_TRUE(nested.ok()) << nested.error().message;
  EXPECT_EQ(*nested, R"({"id":"N-1","person":{"idCard":"1","name":"高娃"}})");
  EXPECT_FALSE(noticeJson({{"person", "x"}, {"person.id", "1"}}).ok());
  EXPECT_FALSE(noticeJson({{"person.id", "1"}, {"person", "x"}}).ok());
}

TEST(ReadSinkAnswer, SortsStatusesIntoDeliveredDuplicateRetryableAndPermanent) {
  const auto answer = [](long status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return readSinkAnswer(response, "rest sink POST https://finance/stops", "N-1");
  };
  auto created = answer(201, "{}");
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->duplicate);
  auto conflict = answer(409, "exists");
  ASSERT_TRUE(conflict.ok());
  EXPECT_TRUE(conflict->duplicate);
  for (long status : {408L, 425L, 429L, 500L, 503L}) {
    auto error = answer(status, "later");
    ASSERT_FALSE(error.ok());
    EXPECT_FALSE(isPermanentSinkError(error.error())) << status;
  }
  for (long status : {301L, 400L, 401L, 403L, 404L, 422L}) {
    auto error = answer(status, "no");
    ASSERT_FALSE(error.ok());
    EXPECT_TRUE(isPermanentSinkError(error.error())) << status;
  }
  auto refused = answer(400, "stopMonth\nclosed");
  EXPECT_THAT(refused.error().message,
              HasSubstr("rest sink POST https://finance/stops refused notice N-1 with HTTP 400"));
  EXPECT_THAT(refused.error().message, HasSubstr("stopMonth closed"));
}

}  // namespace
}  // namespace staffchain::plugin
