#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scratch_dir.hpp"
#include "staffchain/config/config.hpp"

namespace staffchain::config {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Stands in for the plugin host: "csv" offers a sink whose own key is `folder`.
class SinkValidator final : public PluginValidator {
 public:
  bool validate(const std::string&, plugin::PluginKind, plugin::ConfigReader& reader) override {
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());
    return true;
  }
  bool validateSink(const std::string& plugin, plugin::ConfigReader& reader) override {
    if (plugin != "csv") {
      reader.fail("plugin", "no plugin \"" + plugin + "\" offering a sink");
      return false;
    }
    if (!reader.string("folder")) reader.missing("folder");
    return true;
  }
};

TEST(PropagationConfig, SinksAndRulesAreRead) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", R"(
[rules]
roster_after_exit_days = 20
payroll_grace_months = 1

[propagation]
rules = ["exit_to_estab", "exit_to_finance"]
pay_after_roster_days = 45
retry_initial = "10s"
retry_max = "10m"
failures_before_alert = 3

[sinks.estab_out]
plugin = "csv"
role = "estab"
dry_run = true
folder = "/srv/outbound"
)");
  SinkValidator validator;
  auto loaded = loadConfig(file, &validator);
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors.front());
  const Config& config = *loaded.config;
  ASSERT_EQ(config.sinks.size(), 1U);
  const SinkSettings& sink = config.sinks.at("estab_out");
  EXPECT_EQ(sink.plugin, "csv");
  EXPECT_EQ(sink.role, model::SourceRole::estab);
  EXPECT_TRUE(sink.dry_run);
  EXPECT_TRUE(sink.enabled);
  EXPECT_EQ(sink.key_path, "sinks.estab_out");
  const propagation::PropagationSettings& p = config.propagation;
  EXPECT_THAT(p.rules,
              ElementsAre(propagation::PropagationRule::exit_to_estab, propagation::PropagationRule::exit_to_finance));
  EXPECT_EQ(p.roster_after_exit_days, 20);  // from [rules]
  EXPECT_EQ(p.payroll_grace_months, 1);
  EXPECT_EQ(p.pay_after_roster_days, 45);  // its own
  EXPECT_EQ(p.retry_initial, std::chrono::seconds(10));
  EXPECT_EQ(p.retry_max, std::chrono::minutes(10));
  EXPECT_EQ(p.failures_before_alert, 3U);
}

TEST(PropagationConfig, WithoutAPropagationTableDeadlinesFollowTheRules) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", "[rules]\nroster_after_hire_days = 12\n");
  auto loaded = loadConfig(file, nullptr);
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->propagation.roster_after_hire_days, 12);
  EXPECT_EQ(loaded.config->propagation.rules.size(), 5U);
  EXPECT_TRUE(loaded.config->sinks.empty());
}

TEST(PropagationConfig, ErrorsAreLocatedAndUnknownKeysRefused) {
  ScratchDir dir;
  const auto file = dir.write("staffchain.toml", R"([propagation]
rules = ["exit_to_estab", "hire_to_payroll"]
retry_initial = "1m"
retry_max = "10s"
colour = "blue"

[sinks.fin]
plugin = "csv"
role = "treasury"

[sinks.other]
plugin = "smtp"
role = "finance"
)");
  SinkValidator validator;
  auto loaded = loadConfig(file, &validator);
  EXPECT_FALSE(loaded.config);
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("staffchain.toml:2:")));
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("propagation.rules: \"hire_to_payroll\" is not one of")));
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("propagation.retry_max: must be at least retry_initial")));
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("propagation.colour")));
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("sinks.fin.role: \"treasury\" is not one of")));
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("sinks.fin.folder")));  // the plugin's own check ran
  EXPECT_THAT(loaded.errors, ::testing::Contains(HasSubstr("sinks.other.plugin: no plugin \"smtp\" offering a sink")));
}

}  // namespace
}  // namespace staffchain::config
