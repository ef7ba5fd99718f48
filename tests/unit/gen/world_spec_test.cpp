#include "staffchain/gen/world_spec.hpp"

#include <gtest/gtest.h>

namespace staffchain::gen {
namespace {

TEST(WorldSpec, DefaultsAreExplicit) {
  const WorldSpec spec;
  EXPECT_EQ(model::formatDate(spec.as_of), "2026-06-30");
  EXPECT_EQ(spec.payroll_months, 12);
  EXPECT_DOUBLE_EQ(spec.rates[InjectedRule::chain006], 0.013);
  double total = 0;
  for (const double rate : spec.rates.per_rule) total += rate;
  EXPECT_GT(total, 0.01);
  EXPECT_LT(total, 0.02);
}

TEST(WorldSpec, OptionsSetFields) {
  WorldSpec spec;
  for (const WorldOption& option : worldOptions()) EXPECT_FALSE(option.help.empty()) << option.name;
  ASSERT_TRUE(setWorldOption(spec, "persons", "5000").ok());
  ASSERT_TRUE(setWorldOption(spec, "seed", "42").ok());
  ASSERT_TRUE(setWorldOption(spec, "as-of", "2025-12-31").ok());
  ASSERT_TRUE(setWorldOption(spec, "out", "world").ok());
  ASSERT_TRUE(setWorldOption(spec, "rate", "CHAIN-009=0.001").ok());
  ASSERT_TRUE(setWorldOption(spec, "violation-scale", "2").ok());
  EXPECT_EQ(spec.persons, 5000U);
  EXPECT_EQ(spec.seed, 42U);
  EXPECT_EQ(model::formatDate(spec.as_of), "2025-12-31");
  EXPECT_DOUBLE_EQ(spec.rates[InjectedRule::chain009], 0.002);
  EXPECT_DOUBLE_EQ(spec.rates[InjectedRule::chain006], 0.026);
  EXPECT_TRUE(validateWorldSpec(spec).ok());
}

TEST(WorldSpec, RefusalsNameOptionValueAndReason) {
  WorldSpec spec;
  const auto bad_date = setWorldOption(spec, "as-of", "2026-02-30");
  ASSERT_FALSE(bad_date.ok());
  EXPECT_NE(bad_date.error().message.find("--as-of 2026-02-30"), std::string::npos);
  EXPECT_FALSE(setWorldOption(spec, "rate", "CHAIN-099=0.1").ok());
  EXPECT_FALSE(setWorldOption(spec, "rate", "CHAIN-001=2").ok());
  EXPECT_FALSE(setWorldOption(spec, "persons", "many").ok());
  EXPECT_FALSE(setWorldOption(spec, "colour", "red").ok());
  spec.out_dir = "x";
  spec.persons = 10;
  EXPECT_FALSE(validateWorldSpec(spec).ok());
}

TEST(WorldSpec, RuleIdsRoundTrip) {
  for (std::size_t i = 0; i < kInjectedRuleCount; ++i) {
    InjectedRule parsed{};
    ASSERT_TRUE(parseRuleId(ruleId(static_cast<InjectedRule>(i)), parsed));
    EXPECT_EQ(static_cast<std::size_t>(parsed), i);
  }
}

}  // namespace
}  // namespace staffchain::gen
