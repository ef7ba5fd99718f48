// Propagation settings: the [propagation] table (which notices are written, their deadlines,
// how delivery retries) and its reader.
#pragma once

#include <chrono>
#include <cstdint>
#include <set>
#include <string_view>

namespace staffchain::plugin {
class ConfigReader;
}
namespace staffchain::chain {
struct RuleParams;
}

namespace staffchain::propagation {

// The propagation rules of DOMAIN.md §2, each on or off in [propagation] rules.
enum class PropagationRule : std::uint8_t {
  hire_to_estab,      // a hire or transfer in: estab must add the person to the roster
  roster_to_finance,  // a roster entry: finance may start pay
  exit_to_estab,      // an exit: estab must remove the person from the roster
  exit_to_finance,    // an exit: finance stops pay from the month after the grace
  leader_to_estab,    // a leader appointment: estab checks the leadership post count
};
// The configuration's names of the rules, indexed by PropagationRule.
inline constexpr std::string_view kPropagationRuleNames[] = {"hire_to_estab", "roster_to_finance", "exit_to_estab",
                                                             "exit_to_finance", "leader_to_estab"};

struct PropagationSettings {
  std::set<PropagationRule> rules{PropagationRule::hire_to_estab, PropagationRule::roster_to_finance,
                                  PropagationRule::exit_to_estab, PropagationRule::exit_to_finance,
                                  PropagationRule::leader_to_estab};
  // Deadlines; default to the [rules] values the chain findings use, so that a notice is
  // overdue exactly when its CHAIN finding opens.
  std::int32_t roster_after_hire_days = 30;
  std::int32_t pay_after_roster_days = 60;
  std::int32_t roster_after_exit_days = 15;
  std::int32_t payroll_grace_months = 0;
  std::int32_t leader_posts_days = 30;
  // A movement whose effective date is older than this when it first lands writes no notice:
  // the first sync of a system must not flood the others with years of history.
  std::int32_t max_age_days = 90;
  std::chrono::milliseconds retry_initial{std::chrono::seconds(30)};
  std::chrono::milliseconds retry_max{std::chrono::hours(1)};
  std::uint32_t failures_before_alert = 5;  // consecutive failures of a sink that raise LINK-003
  std::chrono::milliseconds check_interval{std::chrono::minutes(1)};  // deadlines and retries are looked at this often
};

// Reads a [propagation] table into `propagation`; problems are added to the reader's errors,
// located. The deadlines the chain rules share start from `rules` (the [rules] table), so the
// reader is called even when the file has no [propagation] table (with an empty one).
void readPropagationSettings(plugin::ConfigReader& reader, const chain::RuleParams& rules,
                             PropagationSettings& propagation);

}  // namespace staffchain::propagation
