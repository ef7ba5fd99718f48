// The inspection notice of a case: the office, number, unit, deadline and each finding with its
// rule's title and evidence in plain words; citizen ids masked unless the unit may see them; and
// the PDF drawn from it reads back with pdftotext.
#include "staffchain/cases/case_notice.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "chain_test_support.hpp"
#include "scratch_dir.hpp"

namespace staffchain::cases {
namespace {

using chain::testing::day;
using ::testing::HasSubstr;
using ::testing::Not;

Case sampleCase() {
  Case c;
  c.number = 4;
  c.doc_no = "呼编督〔2026〕4号";
  c.unit_id = chain::testing::unitId(1).str();
  c.unit_name = "海拉尔区财政局";
  c.opened_on = day(2026, 7, 1);
  c.deadline = day(2026, 7, 31);
  CaseFinding f;
  f.alert_id = "0f3a";
  f.rule = "CHAIN-006";
  f.severity = chain::Severity::critical;
  f.person_id = chain::testing::person(7).str();
  f.since = day(2026, 3, 1);
  f.summary_zh = "张某 2026-02 退休后仍发放工资";
  f.evidence.push_back(chain::EvidenceItem{"payroll_csv",
                                           "payroll",
                                           f.person_id + "|2026-03",
                                           {{"person_id", f.person_id}, {"month", "2026-03"}, {"gross", "6123.00"}}});
  c.findings.push_back(f);
  return c;
}

std::string joined(const documents::InspectionNotice& notice) {
  std::string out;
  for (const auto& f : notice.findings) {
    out += f.rule + f.rule_title_zh + f.severity_zh + f.summary_zh;
    for (const auto& e : f.evidence) out += e.label + "=" + e.value + "\n";
  }
  return out;
}

TEST(CaseNotice, CarriesTheCaseInPlainWordsWithIdsMasked) {
  const Case c = sampleCase();
  const auto notice = noticeOf(c, CaseSettings{});
  EXPECT_EQ(notice.doc_no, "呼编督〔2026〕4号");
  EXPECT_EQ(notice.unit_name, "海拉尔区财政局");
  EXPECT_EQ(notice.issued_on, "2026-07-01");
  EXPECT_EQ(notice.deadline, "2026-07-31");
  EXPECT_EQ(notice.issuing_office, CaseSettings{}.issuing_office);
  ASSERT_EQ(notice.findings.size(), 1U);
  EXPECT_EQ(notice.findings[0].rule_title_zh, "出人后未停薪（吃空饷）");
  EXPECT_EQ(notice.findings[0].severity_zh, "严重");
  const std::string text = joined(notice);
  EXPECT_THAT(text, HasSubstr("工资发放记录（payroll_csv）="));
  EXPECT_THAT(text, HasSubstr("发放月份：2026-03"));
  EXPECT_THAT(text, HasSubstr("应发金额（元）：6123.00"));
  EXPECT_THAT(text, Not(HasSubstr(c.findings[0].person_id))) << "masked: " << text;
}

TEST(CaseNotice, AUnitTheConfigurationEntitlesSeesIdsInFull) {
  const Case c = sampleCase();
  CaseSettings settings;
  settings.show_citizen_ids_to = {c.unit_id};
  EXPECT_THAT(joined(noticeOf(c, settings)), HasSubstr("身份证号：" + c.findings[0].person_id));
}

TEST(CaseNotice, ThePdfReadsBackWithTheNumberTheUnitAndTheFinding) {
  testing::ScratchDir dir;
  const auto pdf = dir.path() / "notice.pdf";
  auto rendered = documents::renderNoticePdf(noticeOf(sampleCase(), CaseSettings{}), pdf);
  ASSERT_TRUE(rendered) << rendered.error().message;
  std::FILE* pipe = popen(("pdftotext '" + pdf.string() + "' - 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  ASSERT_EQ(pclose(pipe), 0) << text;
  std::string flat;
  for (char ch : text) {
    if (ch != ' ' && ch != '\n' && ch != '\f') flat += ch;
  }
  EXPECT_THAT(flat, HasSubstr("呼编督〔2026〕4号"));
  EXPECT_THAT(flat, HasSubstr("海拉尔区财政局"));
  EXPECT_THAT(flat, HasSubstr("退休后仍发放工资"));
  EXPECT_THAT(flat, HasSubstr("2026年7月31日"));
}

}  // namespace
}  // namespace staffchain::cases
