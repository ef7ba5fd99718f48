#include "staffchain/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "staffchain/plugin_host/plugin_catalog.hpp"
#include "test_support.hpp"

namespace staffchain::config {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kValid = R"(
[daemon]
state_dir = "state"
log_level = "debug"

[rules]
roster_after_exit_days = 20
disabled = ["CHAIN-013"]

[connectors.hr_rest]
plugin = "fixture_good"
role = "hr"
interval = "10m"
max_staleness = "2h"
greeting = "ni hao"

[notifiers.ops]
plugin = "fixture_notifier"

[notifiers.finance_head]
plugin = "fixture_notifier"

[route]
receivers = ["ops"]
group_wait = "1m"

[[route.routes]]
match = { rule = ["CHAIN-006", "CHAIN-009"], severity = ["critical"] }
receivers = ["finance_head"]
continue = true
escalate_after = "2d"
escalate_to = ["ops"]
)";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = plugin_host::PluginCatalog::loadDirectory(STAFFCHAIN_TEST_PLUGIN_DIR);
    ASSERT_TRUE(loaded.ok());
    catalog_ = std::make_unique<plugin_host::PluginCatalog>(std::move(loaded.value()));
  }
  LoadOutcome load(const std::string& text) { return loadConfig(dir_.write("staffchain.toml", text), catalog_.get()); }
  std::string file() const { return (dir_.path() / "staffchain.toml").string(); }

  ScratchDir dir_;
  std::unique_ptr<plugin_host::PluginCatalog> catalog_;
};

TEST_F(ConfigTest, ValidFileLoadsEverySection) {
  auto outcome = load(kValid);
  ASSERT_TRUE(outcome.errors.empty()) << outcome.errors.front();
  const Config& config = *outcome.config;
  EXPECT_EQ(config.daemon.state_dir, dir_.path() / "state");
  EXPECT_EQ(config.daemon.log.level, spdlog::level::debug);
  EXPECT_EQ(config.rules.roster_after_exit_days, 20);
  EXPECT_EQ(config.rules.roster_after_hire_days, 30);
  EXPECT_THAT(config.rules.disabled_rules, ElementsAre("CHAIN-013"));
  EXPECT_FALSE(config.rules.enabled("CHAIN-013"));
  const auto& hr = config.connectors.at("hr_rest");
  EXPECT_EQ(hr.role, model::SourceRole::hr);
  EXPECT_EQ(hr.interval, std::chrono::minutes(10));
  EXPECT_EQ(hr.max_staleness, std::chrono::hours(2));
  EXPECT_EQ(config.notifiers.size(), 2U);
  EXPECT_THAT(config.route.receivers, ElementsAre("ops"));
  ASSERT_EQ(config.route.routes.size(), 1U);
  const alerts::Route& finance = config.route.routes[0];
  EXPECT_THAT(finance.match.rules, ElementsAre("CHAIN-006", "CHAIN-009"));
  EXPECT_TRUE(finance.continue_matching);
  EXPECT_EQ(finance.group_wait, std::chrono::minutes(1));  // inherited from the root
  EXPECT_EQ(finance.escalate_after, std::chrono::hours(48));
}

TEST_F(ConfigTest, EveryErrorNamesFileLineColumnAndKeyPath) {
  auto outcome = load(R"([daemon]
log_levle = "debug"
shutdown_grace = 10

[connectors.payroll]
plugin = "fixture_good"
role = "treasury"
records = "lots"

[notifiers.ops]
plugin = "fixture_notifier"

[route]
receivers = ["opps"]
)");
  ASSERT_FALSE(outcome.config.has_value());
  const std::string f = file();
  EXPECT_THAT(
      outcome.errors,
      ::testing::UnorderedElementsAre(
          f + ":3:18: daemon.shutdown_grace: expected a duration string such as \"30s\", \"5m\", \"1h\" or \"1d\"",
          f + ":2:1: daemon.log_levle: unknown key",
          f + ":7:8: connectors.payroll.role: \"treasury\" is not one of: estab, org, hr, finance",
          f + ":8:11: connectors.payroll.records: expected an integer",
          f + ":14:13: route.receivers: no notifier named \"opps\""));
}

TEST_F(ConfigTest, SyntaxErrorIsLocated) {
  auto outcome = load("[daemon\nlog_level = \"info\"\n");
  ASSERT_EQ(outcome.errors.size(), 1U);
  EXPECT_THAT(outcome.errors[0], HasSubstr(file() + ":1:"));
}

TEST_F(ConfigTest, InlineSecretIsRefusedWithoutEchoingIt) {
  std::vector<std::string> errors;
  auto table = toml::parse("token = \"hunter2\"\nref = \"${HR_TOKEN}\"\nfile = \"@file:/etc/staffchain/t\"\n",
                           std::string_view("s.toml"));
  plugin::ConfigReader reader(table, "connectors.x", errors);
  EXPECT_FALSE(reader.secret("token").has_value());
  EXPECT_EQ(reader.secret("ref"), "${HR_TOKEN}");
  EXPECT_EQ(reader.secret("file"), "@file:/etc/staffchain/t");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_THAT(errors[0], HasSubstr("s.toml:1:9: connectors.x.token: secrets are given by reference"));
  EXPECT_THAT(errors[0], ::testing::Not(HasSubstr("hunter2")));
}

TEST_F(ConfigTest, ConfDAddsConnectorsAndRefusesDuplicates) {
  dir_.write("conf.d/10-finance.toml", "[connectors.finance]\nplugin = \"fixture_good\"\nrole = \"finance\"\n");
  auto outcome = load(kValid);
  ASSERT_TRUE(outcome.errors.empty()) << outcome.errors.front();
  EXPECT_EQ(outcome.config->connectors.count("finance"), 1U);

  dir_.write("conf.d/20-dup.toml", "[connectors.hr_rest]\nplugin = \"fixture_good\"\nrole = \"hr\"\n");
  auto duplicate = load(kValid);
  ASSERT_EQ(duplicate.errors.size(), 1U);
  EXPECT_THAT(duplicate.errors[0], HasSubstr("20-dup.toml:1:1: connectors.hr_rest: defined twice (first at " + file()));
}

TEST_F(ConfigTest, FilesAndFoldersOthersCanWriteAreRefused) {
  const auto main = dir_.write("staffchain.toml", kValid);
  std::filesystem::permissions(main, std::filesystem::perms::others_write, std::filesystem::perm_options::add);
  auto outcome = loadConfig(main, catalog_.get());
  EXPECT_FALSE(outcome.config);
  ASSERT_EQ(outcome.errors.size(), 1U);
  EXPECT_THAT(outcome.errors[0], HasSubstr(file() + ": refused: writable by others (mode 0646)"));
  EXPECT_THAT(outcome.errors[0], HasSubstr("chmod go-w"));

  std::filesystem::permissions(main, std::filesystem::perms::others_write, std::filesystem::perm_options::remove);
  const auto extra =
      dir_.write("conf.d/10-finance.toml", "[connectors.finance]\nplugin = \"fixture_good\"\nrole = \"finance\"\n");
  std::filesystem::permissions(extra.parent_path(), std::filesystem::perms::group_write,
                               std::filesystem::perm_options::add);
  auto folder = loadConfig(main, catalog_.get());
  EXPECT_FALSE(folder.config);
  ASSERT_FALSE(folder.errors.empty());
  EXPECT_THAT(folder.errors[0], HasSubstr("conf.d: refused: writable by its group"));

  std::filesystem::permissions(extra.parent_path(), std::filesystem::perms::group_write,
                               std::filesystem::perm_options::remove);
  std::filesystem::permissions(extra, std::filesystem::perms::group_write, std::filesystem::perm_options::add);
  auto dropped = loadConfig(main, catalog_.get());
  EXPECT_FALSE(dropped.config);
  ASSERT_EQ(dropped.errors.size(), 1U);
  EXPECT_THAT(dropped.errors[0], HasSubstr("10-finance.toml: refused: writable by its group"));
}

// Found by the configuration fuzzer: without a plugin catalog to check the name against, an
// empty plugin name used to pass.
TEST_F(ConfigTest, EmptyPluginNameIsAnErrorEvenWithoutACatalog) {
  const auto main = dir_.write("staffchain.toml", "[connectors.hr]\nplugin = \"\"\nrole = \"hr\"\n");
  for (PluginValidator* validator :
       {static_cast<PluginValidator*>(nullptr), static_cast<PluginValidator*>(catalog_.get())}) {
    auto outcome = loadConfig(main, validator);
    EXPECT_FALSE(outcome.config);
    ASSERT_FALSE(outcome.errors.empty());
    EXPECT_THAT(outcome.errors[0], HasSubstr(file() + ":2:"));
    EXPECT_THAT(outcome.errors[0], HasSubstr("connectors.hr.plugin: is empty"));
  }
}

TEST_F(ConfigTest, UnknownPluginIsAnErrorNamingTheAvailableOnes) {
  auto outcome = load("[connectors.a]\nplugin = \"ldap\"\nrole = \"hr\"\nbase_dn = \"x\"\n");
  ASSERT_EQ(outcome.errors.size(), 1U);
  EXPECT_THAT(outcome.errors[0], HasSubstr(":2:10: connectors.a.plugin: no source plugin \"ldap\""));
  EXPECT_THAT(outcome.errors[0], HasSubstr("fixture_good"));
}

TEST_F(ConfigTest, StalenessShorterThanIntervalIsRefused) {
  auto outcome =
      load("[connectors.a]\nplugin = \"fixture_good\"\nrole = \"hr\"\ninterval = \"1h\"\nmax_staleness = \"30m\"\n");
  ASSERT_EQ(outcome.errors.size(), 1U);
  EXPECT_THAT(outcome.errors[0], HasSubstr("connectors.a.max_staleness: must be at least the connector's interval"));
}

TEST_F(ConfigTest, TheReportsTableNamesItsReceiversDayAndRegions) {
  auto outcome = load(std::string(kValid) + R"(
[reports]
quarterly_receivers = ["ops", "finance_head"]
quarterly_on_day = 10
quarterly_regions = ["150702", "150781"]
issuing_office = "呼伦贝尔市委机构编制委员会办公室"
)");
  ASSERT_TRUE(outcome.errors.empty()) << outcome.errors.front();
  const auto& reports = outcome.config->reports;
  EXPECT_THAT(reports.quarterly_receivers, ElementsAre("ops", "finance_head"));
  EXPECT_EQ(reports.quarterly_on_day, 10);
  EXPECT_THAT(reports.quarterly_regions, ElementsAre("150702", "150781"));
  EXPECT_EQ(reports.issuing_office, "呼伦贝尔市委机构编制委员会办公室");
  // Without the table: no report is sent, and it would be due on the 5th.
  auto plain = load(kValid);
  ASSERT_TRUE(plain.config.has_value());
  EXPECT_TRUE(plain.config->reports.quarterly_receivers.empty());
  EXPECT_EQ(plain.config->reports.quarterly_on_day, 5);
}

TEST_F(ConfigTest, AReportsTableWithUnknownReceiversOrABadDayIsRefusedNamingTheKey) {
  auto outcome = load(R"([notifiers.ops]
plugin = "fixture_notifier"

[reports]
quarterly_receivers = ["ops", "office-mail"]
quarterly_on_day = 31
quarterly_regions = ["1507"]
quarterly_when = "soon"
)");
  ASSERT_FALSE(outcome.config.has_value());
  const std::string f = file();
  EXPECT_THAT(outcome.errors,
              ::testing::UnorderedElementsAre(
                  f + ":5:23: reports.quarterly_receivers: no notifier named \"office-mail\"",
                  f + ":6:20: reports.quarterly_on_day: expected an integer from 1 to 28, got 31",
                  f + ":7:21: reports.quarterly_regions: \"1507\" is not a region code (6 digits, GB/T 2260)",
                  f + ":8:1: reports.quarterly_when: unknown key"));
}

TEST(Duration, ParsesUnitsAndSums) {
  EXPECT_EQ(plugin::parseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(plugin::parseDuration("1h30m"), std::chrono::minutes(90));
  EXPECT_EQ(plugin::parseDuration("2d"), std::chrono::hours(48));
  EXPECT_FALSE(plugin::parseDuration("10").has_value());
  EXPECT_FALSE(plugin::parseDuration("5 minutes").has_value());
  EXPECT_FALSE(plugin::parseDuration("").has_value());
}

}  // namespace
}  // namespace staffchain::config
