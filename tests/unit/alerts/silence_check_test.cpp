// Silences are checked wherever they are made: no silence of everything, no unknown rule, a
// bounded duration, an author; a dry run says what a silence would hold and creates nothing.
#include "staffchain/alerts/silence_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alert_test_support.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::alerts {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using chain::Severity;
using std::chrono::days;
using std::chrono::hours;
using ::testing::HasSubstr;

SilenceRequest withMatch(SilenceMatch match) {
  return silenceOf(std::move(match), "核查中", "王科长", hours(2));
}

std::string refusal(const SilenceRequest& request, std::chrono::milliseconds max_silence = days(90)) {
  auto checked = checkSilenceRequest(request, max_silence);
  return checked.ok() ? std::string() : checked.error().message;
}

TEST(SilenceCheck, EveryFormOfMatchAllIsRefused) {
  const auto rules = [](std::vector<std::string> values) {
    SilenceMatch match;
    match.rules = std::move(values);
    return withMatch(match);
  };
  EXPECT_THAT(refusal(withMatch({})), HasSubstr("it would hold every alert")) << "no criteria at all";
  EXPECT_THAT(refusal(rules({"*"})), HasSubstr("match.rules: \"*\" matches every rule"));
  EXPECT_THAT(refusal(rules({"CHAIN-006", "*"})), HasSubstr("\"*\" matches every rule"));
  EXPECT_THAT(refusal(rules({"**"})), HasSubstr("matches every rule"));
  EXPECT_THAT(refusal(rules({""})), HasSubstr("match.rules: has an empty entry"));
  EXPECT_THAT(refusal(rules({"C*", "D*", "L*"})), HasSubstr("it would hold every alert")) << "prefixes covering all";
  SilenceMatch units;
  units.units = {"*"};
  EXPECT_THAT(refusal(withMatch(units)), HasSubstr("match.units: \"*\" matches every unit"));
  SilenceMatch severities;
  severities.severities = {"*"};
  EXPECT_THAT(refusal(withMatch(severities)), HasSubstr("match.severities: \"*\" matches every severity"));
  severities.severities = {"critical", "major", "minor"};
  EXPECT_THAT(refusal(withMatch(severities)), HasSubstr("it would hold every alert"));
  SilenceMatch regions;
  regions.regions = {"*"};
  EXPECT_THAT(refusal(withMatch(regions)), HasSubstr("match.regions: \"*\" matches every region"));
  SilenceMatch ids;
  ids.alert_ids = {"*"};
  EXPECT_THAT(refusal(withMatch(ids)), HasSubstr("match.alert_ids: \"*\": alert ids are matched exactly"));

  // What is narrower passes.
  EXPECT_EQ(refusal(rules({"CHAIN-*"})), "");
  severities.severities = {"minor"};
  EXPECT_EQ(refusal(withMatch(severities)), "");
  SilenceMatch mixed;
  mixed.rules = {"CHAIN-013"};
  mixed.regions = {"150700"};
  mixed.units = {unit(1), "12150702*"};
  EXPECT_EQ(refusal(withMatch(mixed)), "");
}

TEST(SilenceCheck, AnUnknownRuleIsRefusedWithTheKnownOnesListed) {
  SilenceMatch match;
  match.rules = {"CHAIN-099"};
  const std::string message = refusal(withMatch(match));
  EXPECT_THAT(message, HasSubstr("match.rules: \"CHAIN-099\" is not a rule the daemon knows"));
  for (const char* known : {"CHAIN-001", "CHAIN-017", "DATA-001", "DATA-002", "LINK-001", "LINK-002", "LINK-003"}) {
    EXPECT_THAT(message, HasSubstr(known));
  }
  match.rules = {"FOO-*"};
  EXPECT_THAT(refusal(withMatch(match)), HasSubstr("\"FOO-*\" is a prefix of no rule the daemon knows"));
  for (const char* rule : {"LINK-003", "DATA-002", "LINK-*", "DATA-*"}) {
    match.rules = {rule};
    EXPECT_EQ(refusal(withMatch(match)), "") << rule;
  }
  match.rules = {"CHAIN-006"};
  match.severities = {"urgent"};
  EXPECT_THAT(refusal(withMatch(match)), HasSubstr("\"urgent\" is not one of: critical, major, minor"));
  match.severities.clear();
  match.regions = {"1507"};
  EXPECT_THAT(refusal(withMatch(match)), HasSubstr("match.regions: \"1507\" is not a region code"));
  match.regions.clear();
  match.units = {"12150702MB0000001"};
  EXPECT_THAT(refusal(withMatch(match)), HasSubstr("match.units: \"12150702MB0000001\" is not a unit credit code"));
}

TEST(SilenceCheck, DurationsAreBoundedByMaxSilence) {
  SilenceMatch match;
  match.rules = {"CHAIN-013"};
  auto request = withMatch(match);
  // What "100000000d" parses to: today it gave an expiry centuries away.
  request.duration = *plugin::parseDuration("100000000d");
  EXPECT_THAT(refusal(request), HasSubstr("duration: 100000000d is longer than the longest silence allowed, 90d "
                                          "([alerts] max_silence)"));
  request.duration = days(90);
  EXPECT_EQ(refusal(request), "");
  request.duration = days(8);
  EXPECT_THAT(refusal(request, days(7)), HasSubstr("8d is longer than the longest silence allowed, 7d"));
  request.duration = std::chrono::milliseconds(0);
  EXPECT_THAT(refusal(request), HasSubstr("duration: must be positive"));
  EXPECT_EQ(durationText(hours(36) + std::chrono::minutes(30)), "1d12h30m");
}

TEST(SilenceCheck, TheAuthorAndTheReasonAreRequired) {
  SilenceMatch match;
  match.rules = {"CHAIN-013"};
  EXPECT_THAT(refusal(silenceOf(match, "核查中", "", hours(2))), HasSubstr("author: say who sets the silence"));
  EXPECT_THAT(refusal(silenceOf(match, "", "王科长", hours(2))), HasSubstr("reason: a silence needs a reason"));
}

TEST(AlertManagerSilences, EveryPathChecksAndADryRunCreatesNothing) {
  ScratchDir dir;
  AlertSettings settings = settingsFor({"estab_office"});
  settings.max_silence = days(30);
  auto manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  const std::vector<chain::Finding> open = {finding("CHAIN-013", Severity::minor, unit(1), person(1)),
                                            finding("CHAIN-013", Severity::minor, unit(2), person(2)),
                                            finding("CHAIN-013", Severity::minor, unit(3), person(3)),
                                            finding("CHAIN-003", Severity::major, unit(4), person(4))};
  ASSERT_TRUE(manager->observe(open, regions(), {}, at(0)).ok());
  ASSERT_TRUE(manager->observe({open[0], open[1], open[3]}, regions(), {}, at(1)).ok());  // one resolves

  SilenceMatch everything;
  everything.rules = {"*"};
  auto refused = manager->createSilence(silenceOf(everything, "清理", "王", hours(1)), at(2));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("creating a silence failed: match.rules: \"*\" matches every rule"));
  SilenceMatch retirement;
  retirement.rules = {"CHAIN-013"};
  auto too_long = manager->createSilence(silenceOf(retirement, "退休审批在途", "王", days(31)), at(2));
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(too_long.error().message, HasSubstr("longer than the longest silence allowed, 30d"));
  SilenceMatch unknown_id;
  unknown_id.alert_ids = {"ffffffffffffffff"};
  auto no_alert = manager->previewSilence(silenceOf(unknown_id, "核查中", "王", hours(1)), at(2));
  ASSERT_FALSE(no_alert.ok());
  EXPECT_THAT(no_alert.error().message, HasSubstr("match.alert_ids: there is no alert ffffffffffffffff"));

  auto preview = manager->previewSilence(silenceOf(retirement, "退休审批在途", "王", days(7)), at(2));
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_EQ(preview->open_alerts, 2U) << "open alerts only";
  EXPECT_EQ(preview->alert_ids.size(), 2U);
  EXPECT_EQ(preview->expires_at, at(2) + days(7));
  EXPECT_TRUE(manager->silences(true).empty()) << "a dry run creates nothing";
  EXPECT_EQ(manager->alert(open[0].fingerprint)->silenced_by, "");

  auto request = silenceOf(retirement, "退休审批在途", "王科长", days(7));
  request.created_by = "operator";
  auto silence = manager->createSilence(request, at(2));
  ASSERT_TRUE(silence.ok()) << silence.error().message;
  manager = openManager(dir.ledger(), settings);
  ASSERT_NE(manager, nullptr);
  const auto stored = manager->silences(false).at(0);
  EXPECT_EQ(stored.author, "王科长");
  EXPECT_EQ(stored.created_by, "operator") << "the API caller is kept beside the author";
  EXPECT_EQ(stored.expires_at, at(2) + days(7));
}

}  // namespace
}  // namespace staffchain::alerts
