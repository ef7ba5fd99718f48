#include "staffchain/alerts/digest.hpp"

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert_test_support.hpp"

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
  EXPECT_LT(short_form[0].markdown.size() * 2, long_form[0].markdown.size());
  for (const auto& a : alerts) EXPECT_NE(short_form[0].markdown.find(a.id), std::string::npos);
  EXPECT_NE(long_form[0].markdown.find("150702********"), std::string::npos);
  EXPECT_EQ(short_form[0].markdown.find("人员"), std::string::npos);
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

}  // namespace
}  // namespace staffchain::alerts
