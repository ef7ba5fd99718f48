// The [cases] table's reader: defaults, every key, and each mistake named with its key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_table.hpp"
#include "staffchain/cases/case.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::cases {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

staffchain::testing::TableRead<CaseSettings> read(const std::string& text) {
  return staffchain::testing::readTable<CaseSettings>(
      text, "cases", [](plugin::ConfigReader& reader, CaseSettings& settings) { readCaseSettings(reader, settings); });
}

TEST(CaseSettingsReader, AnEmptyTableKeepsTheDefaults) {
  const auto read_back = read("");
  EXPECT_THAT(read_back.errors, IsEmpty());
  EXPECT_EQ(read_back.settings, CaseSettings{});
  EXPECT_EQ(read_back.settings.rectify_within_days, 30);
  EXPECT_EQ(formatDocNo(read_back.settings.doc_no_pattern, 2026, 12), "呼编督〔2026〕12号");
}

TEST(CaseSettingsReader, ReadsEveryKey) {
  const auto read_back = read(R"(
doc_no_pattern = "阿编督〔{year}〕第{n}号"
rectify_within_days = 15
auto_case_after_days = 60
issuing_office = "阿荣旗委机构编制委员会办公室"
reply_instructions = "请书面报告。"
contact = "李某，0470-1234567"
show_citizen_ids_to = ["11150702MB0000001G"]
)");
  ASSERT_THAT(read_back.errors, IsEmpty());
  const auto& s = read_back.settings;
  EXPECT_EQ(formatDocNo(s.doc_no_pattern, 2027, 3), "阿编督〔2027〕第3号");
  EXPECT_EQ(s.rectify_within_days, 15);
  EXPECT_EQ(s.auto_case_after_days, 60);
  EXPECT_EQ(s.issuing_office, "阿荣旗委机构编制委员会办公室");
  EXPECT_EQ(s.reply_instructions, "请书面报告。");
  EXPECT_EQ(s.contact, "李某，0470-1234567");
  EXPECT_THAT(s.show_citizen_ids_to, ElementsAre("11150702MB0000001G"));
}

TEST(CaseSettingsReader, EachMistakeIsNamedWithItsKey) {
  EXPECT_THAT(read("doc_no_pattern = \"呼编督〔{year}〕号\"").errors,
              ElementsAre(HasSubstr("cases.doc_no_pattern: must contain {n}")));
  EXPECT_THAT(read("doc_no_pattern = \"呼编督〔{yaer}〕{n}号\"").errors,
              ElementsAre(HasSubstr("only {year} and {n} may be written in braces")));
  EXPECT_THAT(read("rectify_within_days = 0").errors, ElementsAre(HasSubstr("cases.rectify_within_days")));
  EXPECT_THAT(read("auto_case_after_days = -1").errors, ElementsAre(HasSubstr("cases.auto_case_after_days")));
  EXPECT_THAT(read("issuing_office = \"\"").errors, ElementsAre(HasSubstr("cases.issuing_office: must not be empty")));
  EXPECT_THAT(read("show_citizen_ids_to = [\"11150702MB000000\"]").errors,
              ElementsAre(HasSubstr("cases.show_citizen_ids_to")));
  EXPECT_THAT(read("rectfy_within_days = 10").errors, ElementsAre(HasSubstr("unknown key")));
}

}  // namespace
}  // namespace staffchain::cases
