#include "staffchain/gen/world_spec.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

namespace staffchain::gen {
namespace {

constexpr std::array<std::string_view, kInjectedRuleCount> kRuleIds{
    "CHAIN-001", "CHAIN-002", "CHAIN-003", "CHAIN-004", "CHAIN-005", "CHAIN-006", "CHAIN-007",
    "CHAIN-008", "CHAIN-009", "CHAIN-010", "CHAIN-011", "CHAIN-012", "CHAIN-013", "CHAIN-014",
    "CHAIN-015", "CHAIN-016", "CHAIN-017", "CHAIN-018", "DATA-001"};

constexpr std::array<WorldOption, 8> kOptions{{
    {"persons", "N", "budget-paid posts at the start of the window (about one unit per 35)", "10000"},
    {"seed", "N", "random seed: the same seed gives the same bytes", "1"},
    {"out", "DIR", "output folder for the canonical CSV files and truth.jsonl", ""},
    {"as-of", "YYYY-MM-DD", "evaluation date: nothing after it exists", "2026-06-30"},
    {"history-years", "N", "years of movements before the evaluation date", "3"},
    {"payroll-months", "N", "months of payroll, ending with the evaluation date's month", "12"},
    {"violation-scale", "X", "multiplies every violation rate (0 gives a clean world)", "1"},
    {"rate", "RULE=X", "violation rate of one rule as a fraction of persons, e.g. CHAIN-006=0.013", ""},
}};

template <typename T>
bool parseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parseFraction(std::string_view text, double& out) {
  // from_chars for double is in g++ 12; a rate must be a finite fraction in [0, 1].
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out) && out >= 0 && out <= 1;
}

Error refuse(std::string_view name, std::string_view value, std::string_view why) {
  return makeError(fmt::format("option --{} {}: {}", name, value, why));
}

}  // namespace

std::string_view ruleId(InjectedRule rule) noexcept {
  return kRuleIds[static_cast<std::size_t>(rule)];
}

bool parseRuleId(std::string_view id, InjectedRule& rule) noexcept {
  for (std::size_t i = 0; i < kRuleIds.size(); ++i) {
    if (kRuleIds[i] == id) {
      rule = static_cast<InjectedRule>(i);
      return true;
    }
  }
  return false;
}

ViolationRates ViolationRates::defaults() noexcept {
  ViolationRates rates;
  rates.per_rule.fill(0.0002);
  rates[InjectedRule::chain006] = 0.013;
  return rates;
}

std::span<const WorldOption> worldOptions() noexcept {
  return kOptions;
}

Result<void> setWorldOption(WorldSpec& spec, std::string_view name, std::string_view value) {
  if (name == "persons") {
    std::size_t n = 0;
    if (!parseNumber(value, n)) return refuse(name, value, "expected a whole number");
    spec.persons = n;
  } else if (name == "seed") {
    std::uint64_t n = 0;
    if (!parseNumber(value, n)) return refuse(name, value, "expected a whole number");
    spec.seed = n;
  } else if (name == "out") {
    if (value.empty()) return refuse(name, value, "expected a folder");
    spec.out_dir = std::filesystem::path(std::string(value));
  } else if (name == "as-of") {
    const auto date = model::parseDate(value);
    if (!date) return refuse(name, value, "expected a date YYYY-MM-DD");
    spec.as_of = *date;
  } else if (name == "history-years") {
    std::int32_t n = 0;
    if (!parseNumber(value, n)) return refuse(name, value, "expected a whole number");
    spec.history_years = n;
  } else if (name == "payroll-months") {
    std::int32_t n = 0;
    if (!parseNumber(value, n)) return refuse(name, value, "expected a whole number");
    spec.payroll_months = n;
  } else if (name == "violation-scale") {
    double scale = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), scale);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(scale) || scale < 0) {
      return refuse(name, value, "expected a non-negative number");
    }
    for (double& rate : spec.rates.per_rule) rate *= scale;
  } else if (name == "rate") {
    const auto eq = value.find('=');
    InjectedRule rule{};
    if (eq == std::string_view::npos || !parseRuleId(value.substr(0, eq), rule)) {
      return refuse(name, value, "expected RULE=FRACTION with RULE one of CHAIN-001..CHAIN-017, DATA-001");
    }
    double rate = 0;
    if (!parseFraction(value.substr(eq + 1), rate)) return refuse(name, value, "the fraction must lie in [0, 1]");
    spec.rates[rule] = rate;
  } else {
    return makeError(fmt::format("option --{}: unknown option of the generator", name));
  }
  return {};
}

Result<void> validateWorldSpec(const WorldSpec& spec) {
  if (spec.persons < 100 || spec.persons > 50'000'000) {
    return makeError(fmt::format("world spec persons {}: must lie between 100 and 50000000", spec.persons));
  }
  if (spec.out_dir.empty()) return makeError("world spec out: no output folder given");
  if (spec.history_years < 1 || spec.history_years > 10) {
    return makeError(fmt::format("world spec history-years {}: must lie between 1 and 10", spec.history_years));
  }
  if (spec.payroll_months < 1 || spec.payroll_months > 12 * spec.history_years) {
    return makeError(fmt::format("world spec payroll-months {}: must lie between 1 and {} (the history)",
                                 spec.payroll_months, 12 * spec.history_years));
  }
  const int year = static_cast<int>(spec.as_of.ymd().year());
  if (year < 2005 || year > 2100) {
    return makeError(fmt::format("world spec as-of {}: must lie between 2005 and 2100", model::formatDate(spec.as_of)));
  }
  double total = 0;
  for (const double rate : spec.rates.per_rule) {
    if (!(rate >= 0 && rate <= 1)) return makeError("world spec rates: every rate must lie in [0, 1]");
    total += rate;
  }
  // Each case needs a unit of its own, and there is about one unit per 35 people.
  if (total > 0.02 * 1.5 * 10) {
    return makeError(
        fmt::format("world spec rates: {:.3f} of persons in all is more than the units can host "
                    "(at most 0.3)",
                    total));
  }
  return {};
}

}  // namespace staffchain::gen
