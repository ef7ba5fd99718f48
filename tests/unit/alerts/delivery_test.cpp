#include <gtest/gtest.h>

#include "alert_test_support.hpp"
#include "staffchain/alerts/alert_manager.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using chain::Severity;

const std::set<std::string> kNoneDown;

std::vector<chain::Finding> findingsOfRules(int rules) {
  std::vector<chain::Finding> out;
  for (int i = 0; i < rules; ++i) {
    out.push_back(finding("CHAIN-0" + std::to_string(10 + i), Severity::major, unit(i), person(i)));
  }
  return out;
}

TEST(AlertDelivery, AReceiverFailingForAWhileGetsEveryMessageExactlyOnce) {
  ScratchDir dir;
  auto settings = settingsFor({"wecom"});
  settings.delivery.initial_backoff = std::chrono::seconds(10);
  settings.delivery.max_backoff = std::chrono::minutes(5);
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  const auto open = findingsOfRules(5);
  ASSERT_TRUE(manager->observe(open, regions(), kNoneDown, at(0)).ok());
  ASSERT_TRUE(manager->flush(at(1)).ok());

  FakeReceiver receiver;
  receiver.down = true;
  auto now = at(1);
  int attempts_while_down = 0;
  for (int step = 0; step < 40; ++step) {  // 40 minutes of outage, polled every minute
    auto next = manager->nextDelivery(now);
    ASSERT_TRUE(next.ok());
    ASSERT_TRUE(next->has_value());
    if (**next <= now) {
      receiver.deliver(*manager, now);
      ++attempts_while_down;
    }
    now += std::chrono::minutes(1);
  }
  // Backoff: far fewer attempts than polls, and never more than one batch at once.
  EXPECT_LT(attempts_while_down, 15);
  EXPECT_GE(attempts_while_down, 5);
  auto counts = manager->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->outbox_pending.at("wecom"), 5U);
  EXPECT_GT(counts->receivers.at("wecom").consecutive_failures, 3);

  const auto links = manager->linkFindings(now);
  ASSERT_EQ(links.size(), 1U);
  EXPECT_EQ(links[0].rule, "LINK-003");
  EXPECT_EQ(links[0].fingerprint, "LINK-003|wecom");
  EXPECT_EQ(links[0].evidence.at(0).source, "wecom");
  // LINK-003 joins the findings and becomes an alert like any other.
  auto with_link = open;
  with_link.push_back(links[0]);
  ASSERT_TRUE(manager->observe(with_link, regions(), kNoneDown, now).ok());
  EXPECT_EQ(manager->alert("LINK-003|wecom")->state, AlertState::firing);

  receiver.down = false;
  auto next = manager->nextDelivery(now);
  ASSERT_TRUE(next.ok() && next->has_value());
  now = std::max(now, **next);
  // One probe first; once it passes, the rest flow.
  EXPECT_EQ(receiver.deliver(*manager, now), 1);
  EXPECT_EQ(receiver.deliver(*manager, now), 4);
  EXPECT_TRUE(manager->linkFindings(now).empty()) << "LINK-003 resolves with the first delivery";
  ASSERT_TRUE(manager->observe(open, regions(), kNoneDown, now).ok());
  EXPECT_EQ(manager->alert("LINK-003|wecom")->state, AlertState::resolved);

  ASSERT_EQ(receiver.received.size(), 5U);
  for (const auto& [key, times] : receiver.received) EXPECT_EQ(times, 1) << key;
  EXPECT_TRUE(receiver.deliver(*manager, now + std::chrono::minutes(10)) == 0);
}

TEST(AlertDelivery, Link003NeedsRepeatedFailures) {
  ScratchDir dir;
  auto manager = openManager(dir.ledger(), settingsFor({"wecom"}));
  ASSERT_NE(manager, nullptr);
  ASSERT_TRUE(manager->observe(findingsOfRules(1), regions(), kNoneDown, at(0)).ok());
  ASSERT_TRUE(manager->flush(at(1)).ok());
  FakeReceiver receiver;
  receiver.down = true;
  receiver.deliver(*manager, at(1));
  EXPECT_TRUE(manager->linkFindings(at(1)).empty()) << "one failure is not yet a broken channel";
  EXPECT_EQ(manager->linkFindings(at(17)).size(), 1U) << "failing for longer than link_after is";
}

TEST(AlertDelivery, RateLimitPacesAReceiverAcrossRestarts) {
  ScratchDir dir;
  auto settings = settingsFor({"dingtalk"});
  settings.receivers["dingtalk"].messages_per_minute = 20;
  settings.route.group_by = {"unit"};
  {
    auto manager = openManager(dir.ledger(), settings);
    ASSERT_NE(manager, nullptr);
    std::vector<chain::Finding> open;
    for (int i = 0; i < 25; ++i) open.push_back(finding("CHAIN-003", Severity::major, unit(i), person(i)));
    ASSERT_TRUE(manager->observe(open, regions(), kNoneDown, at(0)).ok());
    ASSERT_TRUE(manager->flush(at(1)).ok());
    FakeReceiver receiver;
    EXPECT_EQ(receiver.deliver(*manager, at(1)), 20);
  }
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  FakeReceiver receiver;
  EXPECT_EQ(receiver.deliver(*manager, at(1) + std::chrono::seconds(30)), 0) << "the minute is not over";
  auto next = manager->nextDelivery(at(1) + std::chrono::seconds(30));
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_GT(**next, at(1) + std::chrono::seconds(30));
  EXPECT_EQ(receiver.deliver(*manager, at(2) + std::chrono::seconds(1)), 5);
}

TEST(AlertDelivery, MessagesForAnUnconfiguredReceiverWait) {
  ScratchDir dir;
  auto settings = settingsFor({"estab_office"});
  settings.route.receivers = {"gone"};
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  ASSERT_TRUE(manager->observe(findingsOfRules(1), regions(), kNoneDown, at(0)).ok());
  ASSERT_TRUE(manager->flush(at(1)).ok());
  FakeReceiver receiver;
  EXPECT_EQ(receiver.deliver(*manager, at(1)), 0);
  auto counts = manager->counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->outbox_pending.at("gone"), 1U);
  EXPECT_FALSE(manager->delivered(12345, "", at(2)).ok());
  EXPECT_FALSE(manager->failed(12345, "", at(2)).ok());
}

TEST(AlertDelivery, AMessageOfItsOwnGoesOutOnceWithItsAttachmentByteForByte) {
  ScratchDir dir;
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  plugin::Notification message;
  message.idempotency_key = "quarterly:2026Q4:all:mail";
  message.receiver = "mail";
  message.title = "2026年第四季度机构编制季度监控报表";
  message.text = "报表见附件";
  message.attachments.push_back(
      {"2026年第四季度.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes});
  {
    auto manager = openManager(dir.ledger(), settingsFor({"mail"}));
    ASSERT_NE(manager, nullptr);
    auto first = manager->enqueue(message, at(0));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_TRUE(*first);
    auto again = manager->enqueue(message, at(1));
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
    FakeReceiver receiver;
    EXPECT_EQ(receiver.deliver(*manager, at(2)), 1);
    ASSERT_EQ(receiver.messages.size(), 1U);
    ASSERT_EQ(receiver.messages[0].attachments.size(), 1U);
    EXPECT_EQ(receiver.messages[0].attachments[0].name, "2026年第四季度.xlsx");
    EXPECT_EQ(receiver.messages[0].attachments[0].bytes, bytes);
  }
  // Delivered and reopened: the key is still known, so it is never written again.
  auto reopened = openManager(dir.ledger(), settingsFor({"mail"}));
  ASSERT_NE(reopened, nullptr);
  auto after_restart = reopened->enqueue(message, at(60));
  ASSERT_TRUE(after_restart.ok());
  EXPECT_FALSE(*after_restart);
  EXPECT_EQ(reopened->outbox(true)->size(), 1U);
  plugin::Notification keyless = message;
  keyless.idempotency_key.clear();
  EXPECT_FALSE(reopened->enqueue(keyless, at(61)).ok());
}

}  // namespace
}  // namespace staffchain::alerts
