// Acknowledgement keeps its history: who took an alert on, through which API token, when and
// why, every time, across restarts and reopenings; the alert keeps the evidence it rests on.
#include <gtest/gtest.h>

#include "alert_test_support.hpp"
#include "staffchain/alerts/alert_manager.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using chain::Severity;

TEST(AlertManagerAcknowledgement, EachAcknowledgementIsKeptWithWhoWhenAndWhy) {
  ScratchDir dir;
  const auto settings = settingsFor({"estab_office"});
  auto f = finding("CHAIN-006", Severity::critical, unit(1), person(1));
  f.evidence.front().fields = {{"month", "2024-03"}, {"gross", "8500"}};
  {
    auto manager = openManager(dir.ledger(), settings);
    ASSERT_NE(manager, nullptr);
    ASSERT_TRUE(manager->observe({f}, regions(), {}, at(0)).ok());
    auto first = manager->acknowledge(f.fingerprint, ackBy("孙科员", "已联系单位", "operator"), at(5));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->state, AlertState::acknowledged);
    auto second = manager->acknowledge(f.fingerprint, ackBy("李处长", "单位已停发，待下月核对", "operator"), at(60));
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(second->acknowledgements.size(), 2U);
    EXPECT_FALSE(manager->acknowledge(f.fingerprint, ackBy(""), at(61)).ok()) << "someone must be named";
  }
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  auto alert = manager->alert(f.fingerprint);
  ASSERT_TRUE(alert.has_value());
  ASSERT_EQ(alert->acknowledgements.size(), 2U);
  EXPECT_EQ(alert->acknowledgements[0].by, "孙科员");
  EXPECT_EQ(alert->acknowledgements[0].caller, "operator");
  EXPECT_EQ(alert->acknowledgements[0].at, at(5));
  EXPECT_EQ(alert->acknowledgements[0].comment, "已联系单位");
  EXPECT_EQ(alert->acknowledgements[1].by, "李处长");
  EXPECT_EQ(alert->acknowledgements[1].comment, "单位已停发，待下月核对");
  EXPECT_EQ(alert->acknowledged_by, "李处长") << "the latest is the alert's";
  EXPECT_EQ(alert->acknowledge_comment, "单位已停发，待下月核对");
  EXPECT_EQ(alert->evidence, f.evidence) << "the evidence is kept with the alert";

  // Resolved and back: a new firing, not yet taken on, with its history intact.
  ASSERT_TRUE(manager->observe({}, regions(), {}, at(100)).ok());
  ASSERT_TRUE(manager->observe({f}, regions(), {}, at(200)).ok());
  alert = manager->alert(f.fingerprint);
  EXPECT_EQ(alert->state, AlertState::firing);
  EXPECT_EQ(alert->acknowledged_by, "");
  EXPECT_EQ(alert->acknowledgements.size(), 2U);
}

}  // namespace
}  // namespace staffchain::alerts
