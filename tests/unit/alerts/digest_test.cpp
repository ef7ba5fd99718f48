#include "staffchain/alerts/digest.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "alert_test_support.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)

std::vector<Alert> alertsOf(int count) {
  std::vector<Alert> out;
  for (int i = 0; i < count; ++i) {
    Alert a;
    a.id = fmt::format("{:016x}", 0xabc000 + i);
    a.rule = i % 7 == 0 ? "CHAIN-006" : "CHAIN-003";
    a.severity = i % 7 == 0 ? chain::Severity::critical : chain::Severity::major;
    a.unit_id = unit(i);
    a.person_id = person(i);
    a.region = "150702";
    a.since = model::Date::fromYmd(2024, 3, 1);
    a.summary_zh = "人员 " + person(i) + " 入职后未列入实名库";
    out.push_back(a);
  }
  return out;
}

Digest digestOf(const std::vector<Alert>& alerts) {
  Digest digest;
  digest.receiver = "wecom";
  digest.group_key = "notify|wecom|0|rule=CHAIN-003;region=150702;";
  digest.sequence = 3;
  digest.labels = {{"rule", "CHAIN-003"}, {"region", "150702"}};
  digest.at = at(0);
  for (const auto& a : alerts) digest.opened.push_back(&a);
  return digest;
}

TEST(Digest, SplitsAtTheReceiverLimitBetweenLines) {
  const auto alerts = alertsOf(60);
  AlertSettings settings;
  ReceiverProfile profile{"wecom", 4096, 20, MessageTemplate::full};
  const auto parts = renderDigest(digestOf(alerts), profile, settings);
  ASSERT_GT(parts.size(), 3U);
  std::set<std::string> keys;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    EXPECT_LE(part.markdown.size(), 4096U);
    EXPECT_LE(part.text.size(), 4096U);
    EXPECT_LE(part.html.size(), 4096U);
    EXPECT_EQ(part.part, i + 1);
    EXPECT_EQ(part.parts, parts.size());
    EXPECT_NE(part.title.find(fmt::format("第 {}/{} 部分", i + 1, parts.size())), std::string::npos) << part.title;
    keys.insert(part.idempotency_key);
    for (const auto& id : part.alert_ids) {
      EXPECT_TRUE(ids.insert(id).second) << id << " in two parts";
      EXPECT_NE(part.markdown.find(id), std::string::npos);
    }
    EXPECT_EQ(part.markdown.find(person(static_cast<int>(i))), std::string::npos) << "citizen ids are masked";
    EXPECT_NE(part.markdown.find("staffchainctl ack"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(part.json).at("part"), i + 1);
  }
  EXPECT_EQ(keys.size(), parts.size());
  EXPECT_EQ(ids.size(), 60U);
  // Most severe first.
  EXPECT_EQ(parts[0].severity, "critical");
  EXPECT_EQ(parts[0].alert_ids[0], alerts[0].id);
  // The same digest renders to the same keys (retries dedupe); another sequence does not.
  const auto again = renderDigest(digestOf(alerts), profile, settings);
  EXPECT_EQ(again[0].idempotency_key, parts[0].idempotency_key);
  auto next = digestOf(alerts);
  next.sequence = 4;
  EXPECT_NE(renderDigest(next, profile, settings)[0].idempotency_key, parts[0].idempotency_key);
}

TEST(Digest, CompactTemplateIsShorterAndStillNamesEveryAlert) {
  const auto alerts = alertsOf(20);
  AlertSettings settings;
  ReceiverProfile full{"wecom", 64 * 1024, 0, MessageTemplate::full};
  ReceiverProfile compact{"wecom", 64 * 1024, 0, MessageTemplate::compact};
  const auto long_form = renderDigest(digestOf(alerts), full, settings);
  const auto short_form = renderDigest(digestOf(alerts), compact, settings);
  ASSERT_EQ(long_form.size(), 1U);
  ASSERT_EQ(short_form.size(), 1U);
  // Shorter by a third at least, though each line keeps a short summary (see below).
  EXPECT_LT(short_form[0].markdown.size() * 3, long_form[0].markdown.size() * 2);
  for (const auto& a : alerts) EXPECT_NE(short_form[0].markdown.find(a.id), std::string::npos);
  EXPECT_NE(long_form[0].markdown.find("150702********"), std::string::npos);
  EXPECT_EQ(short_form[0].markdown.find("· 人员"), std::string::npos) << "no person column";
  EXPECT_NE(long_form[0].title.find("海拉尔区"), std::string::npos) << long_form[0].title;
}

TEST(Digest, AnOverlongLineIsCutNotLost) {
  auto alerts = alertsOf(1);
  alerts[0].summary_zh = std::string(3000, 'x') + "汉字";
  AlertSettings settings;
  ReceiverProfile tiny{"sms", 600, 0, MessageTemplate::full};
  const auto parts = renderDigest(digestOf(alerts), tiny, settings);
  ASSERT_EQ(parts.size(), 1U);
  EXPECT_LE(parts[0].markdown.size(), 600U);
  EXPECT_LE(parts[0].text.size(), 600U);
  EXPECT_EQ(parts[0].alert_ids, std::vector<std::string>{alerts[0].id});
}

TEST(Digest, ResolvedOnlyDigestSaysSo) {
  auto alerts = alertsOf(2);
  alerts[0].state = AlertState::resolved;
  alerts[0].resolved_at = at(5);
  Digest digest = digestOf({});
  digest.resolved = {&alerts[0]};
  digest.still_firing = {&alerts[1]};
  digest.silenced = 2;
  AlertSettings settings;
  const auto parts = renderDigest(digest, ReceiverProfile{"wecom", 4096, 0, MessageTemplate::full}, settings);
  ASSERT_EQ(parts.size(), 1U);
  EXPECT_NE(parts[0].title.find("已解决 1 项"), std::string::npos) << parts[0].title;
  EXPECT_NE(parts[0].markdown.find("2 项告警在静默中"), std::string::npos);
  EXPECT_NE(parts[0].markdown.find("另有 1 项此前已通报"), std::string::npos);
  EXPECT_NE(parts[0].markdown.find("2024-05-06 08:05"), std::string::npos) << parts[0].markdown;
}

// An 18-digit unit credit code with a valid check character: shaped like a citizen id, but
// not one (its "birth date" is no date), so it must stay readable.
std::string allDigitCreditCode() {
  for (int n = 0;; ++n) {
    const std::string first17 = fmt::format("12150702{:09}", n);
    const char check = model::creditCodeCheckChar(first17);
    if (check >= '0' && check <= '9') return first17 + check;
  }
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

TEST(Digest, CreditCodesStayReadableAndCitizenIdsAreMaskedInEveryForm) {
  const std::string code = allDigitCreditCode();
  ASSERT_TRUE(model::checkCreditCode(code)) << code;
  auto alerts = alertsOf(1);
  alerts[0].unit_id = code;
  alerts[0].summary_zh = "人员 " + person(0) + " 由单位 " + code + " 发薪，但不在任何单位编内";
  AlertSettings settings;
  for (const auto kind : {MessageTemplate::full, MessageTemplate::compact}) {
    const auto parts = renderDigest(digestOf(alerts), ReceiverProfile{"mail", 64 * 1024, 0, kind}, settings);
    ASSERT_EQ(parts.size(), 1U);
    const auto document = nlohmann::json::parse(parts[0].json);
    const auto& item = document.at("alerts").at(0);
    const std::string summary = item.at("summary");
    for (const std::string& form : {parts[0].markdown, parts[0].text, parts[0].html, summary}) {
      EXPECT_NE(form.find(code), std::string::npos) << "the credit code is readable in: " << form;
      EXPECT_EQ(form.find(person(0)), std::string::npos) << "the citizen id is masked in: " << form;
    }
    EXPECT_EQ(item.at("unit_id"), code);
    EXPECT_EQ(item.at("person_id"), model::maskCitizenId(person(0)));
  }
}

TEST(Digest, CompactTemplateKeepsAShortSummary) {
  auto alerts = alertsOf(2);
  alerts[0].summary_zh =
      "张某已于 2024-01-31 退休，呼伦贝尔市海拉尔区教育局仍发放 2024-02 至 2024-04 工资（吃空饷），请财政局核实并停发";
  alerts[1].summary_zh = "李某到龄未退休";
  AlertSettings settings;
  const auto parts =
      renderDigest(digestOf(alerts), ReceiverProfile{"phone", 4096, 0, MessageTemplate::compact}, settings);
  ASSERT_EQ(parts.size(), 1U);
  for (const std::string& form : {parts[0].markdown, parts[0].text}) {
    EXPECT_NE(form.find("张某已于 2024-01-31 退休，呼伦贝尔市海拉尔区教育局仍发放"), std::string::npos)
        << "a phone reader sees what the alert is about: " << form;
    EXPECT_NE(form.find("…"), std::string::npos) << "a long summary is cut, and says so";
    EXPECT_EQ(form.find("请财政局核实并停发"), std::string::npos) << "…to a short line";
    EXPECT_NE(form.find("李某到龄未退休"), std::string::npos) << "a short one is kept whole";
  }
}

TEST(Digest, TheEmailIsATableWithOneRowPerAlertAndTheTextPartStays) {
  auto alerts = alertsOf(4);
  alerts[1].summary_zh = "<script>alert(1)</script> & \"引号\" 'x'";
  alerts[3].state = AlertState::resolved;
  alerts[3].resolved_at = at(5);
  Digest digest = digestOf({alerts[0], alerts[1], alerts[2]});
  digest.opened = {&alerts[0], &alerts[1], &alerts[2]};
  digest.resolved = {&alerts[3]};
  digest.silenced = 1;
  AlertSettings settings;
  for (const auto kind : {MessageTemplate::full, MessageTemplate::compact}) {
    const auto parts = renderDigest(digest, ReceiverProfile{"mail", 64 * 1024, 0, kind}, settings);
    ASSERT_EQ(parts.size(), 1U);
    const std::string& html = parts[0].html;
    EXPECT_EQ(occurrences(html, "<table"), 2U) << "one table per section (new, resolved): " << html;
    EXPECT_EQ(occurrences(html, "<tr>"), 2U + 4U) << "a header and one row per alert: " << html;
    EXPECT_EQ(occurrences(html, "<td>"), 4U * 7U) << html;
    for (const char* column : {"<th>规则</th>", "<th>级别</th>", "<th>单位</th>", "<th>人员</th>", "<th>摘要</th>",
                               "<th>始于</th>", "<th>告警 ID</th>"}) {
      EXPECT_NE(html.find(column), std::string::npos) << column;
    }
    for (const auto& a : alerts) {
      EXPECT_NE(html.find("<code>" + a.id + "</code>"), std::string::npos) << a.id;
      EXPECT_NE(html.find("<td>" + a.unit_id + "</td>"), std::string::npos) << a.unit_id;
      EXPECT_NE(html.find("<td>" + model::maskCitizenId(a.person_id) + "</td>"), std::string::npos);
      EXPECT_EQ(html.find(a.person_id), std::string::npos) << "masked";
      EXPECT_NE(parts[0].text.find(a.id), std::string::npos) << "the plain-text part names it too";
    }
    EXPECT_NE(html.find("<td>2024-03-01</td>"), std::string::npos) << "since";
    EXPECT_EQ(html.find("<script>"), std::string::npos) << "escaped";
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot; &#39;x&#39;"), std::string::npos)
        << html;
    EXPECT_NE(html.find("<li>1 项告警在静默中，未列出</li>"), std::string::npos) << "notes stay a list";
    EXPECT_EQ(parts[0].text.find("<td>"), std::string::npos) << "the text part is text";
    EXPECT_NE(parts[0].text.find("<script>alert(1)</script>"), std::string::npos) << "and unescaped";
  }
}

}  // namespace
}  // namespace staffchain::alerts
