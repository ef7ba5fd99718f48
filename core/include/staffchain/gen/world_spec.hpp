// What a synthetic staffing world is made of: size, seed, dates and injected violation rates,
// plus a table of its options for command-line parsers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::gen {

// The data rules of DOMAIN.md §3 the generator can break on purpose (LINK-* are not data rules).
enum class InjectedRule : std::uint8_t {
  chain001,
  chain002,
  chain003,
  chain004,
  chain005,
  chain006,
  chain007,
  chain008,
  chain009,
  chain010,
  chain011,
  chain012,
  chain013,
  chain014,
  chain015,
  chain016,
  chain017,
  chain018,
  data001,
};
inline constexpr std::size_t kInjectedRuleCount = 19;

// "CHAIN-001" ... "DATA-001".
std::string_view ruleId(InjectedRule rule) noexcept;
// The rule of an id ("CHAIN-006"), or false when the id names no injectable rule.
bool parseRuleId(std::string_view id, InjectedRule& rule) noexcept;

// Injected violations per rule, as a fraction of WorldSpec::persons (0.013 = 1.3% of people).
// Any positive rate injects at least one case, so that a small world still shows every rule.
struct ViolationRates {
  std::array<double, kInjectedRuleCount> per_rule{};

  [[nodiscard]] double& operator[](InjectedRule rule) noexcept { return per_rule[static_cast<std::size_t>(rule)]; }
  [[nodiscard]] double operator[](InjectedRule rule) const noexcept { return per_rule[static_cast<std::size_t>(rule)]; }
  // Ghost pay (CHAIN-006) at 1.3% as campaigns found it, every other rule at 0.02%: about
  // 1.6% of people in all.
  static ViolationRates defaults() noexcept;
  static ViolationRates none() noexcept { return ViolationRates{}; }
};

struct WorldSpec {
  std::size_t persons = 10'000;  // budget-paid posts at the start: the world's headcount
  std::uint64_t seed = 1;
  std::filesystem::path out_dir;
  model::Date as_of = model::Date::fromYmd(2026, 6, 30);  // evaluation date (2005..2100); nothing after it exists
  std::int32_t history_years = 3;                         // movements cover this many years before as_of
  std::int32_t payroll_months = 12;                       // payroll.csv: this many months, ending with as_of's month
  ViolationRates rates = ViolationRates::defaults();
};

// How many cases of each rule were injected, and how many rows each file got.
struct GenerateStats {
  std::size_t units = 0;
  std::size_t persons = 0;  // distinct people in the world (the headcount plus everyone hired since)
  std::size_t quotas = 0;
  std::size_t leader_quotas = 0;
  std::size_t approvals = 0;
  std::size_t roster = 0;
  std::size_t movements = 0;
  std::size_t payroll = 0;
  std::size_t deaths = 0;
  std::size_t reductions = 0;
  std::size_t truth_lines = 0;
  std::array<std::size_t, kInjectedRuleCount> injected{};   // cases per rule (a case may imply several truth lines)
  std::array<std::size_t, kInjectedRuleCount> requested{};  // cases the rates asked for
};

// One option of the generator, for a command-line parser: `--name VALUE`.
struct WorldOption {
  std::string_view name;          // "persons"
  std::string_view value_hint;    // "N"
  std::string_view help;          // one line
  std::string_view default_text;  // "10000", or empty when required
};

// Every option setWorldOption accepts, in the order a help text should list them.
std::span<const WorldOption> worldOptions() noexcept;

// Sets one option from its text: persons, seed, out, as-of, history-years, payroll-months,
// violation-scale (multiplies every rate), rate (RULE=FRACTION, e.g. "CHAIN-006=0.02").
// The error names the option, the value and why it was refused.
Result<void> setWorldOption(WorldSpec& spec, std::string_view name, std::string_view value);

// Checks a spec before generation: sizes in range, an output folder named.
Result<void> validateWorldSpec(const WorldSpec& spec);

}  // namespace staffchain::gen
