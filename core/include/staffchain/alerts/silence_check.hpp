// Silence checks: what an operator may silence and for how long, shared by every way a silence
// is made (the API, the CLI through it, the alert manager itself).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "staffchain/alerts/alert.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::alerts {

// The bound on any max_silence: beyond it an expiry no longer fits the clock's range.
inline constexpr std::chrono::days kLongestMaxSilence{3650};

// Every rule id an alert can carry, in id order: the chain engine's catalog
// (chain::chainRules: CHAIN-001..017, DATA-001) and the daemon's own findings (DATA-002 held
// snapshots, LINK-001/002 source health, LINK-003 delivery failures).
const std::vector<std::string>& knownRuleIds();

// Refuses, with a message naming the entry and why:
// - a match that would hold every alert: no criteria at all, "*" (or an empty prefix) in any
//   list, or lists that cover every known rule or every severity and nothing else;
// - an empty entry, a rule id no alert can carry (the known ones are listed), a prefix that
//   matches none, a severity other than critical, major, minor, a region that is not a region
//   code, a unit that is not a credit code (a prefix ending in '*' is allowed);
// - no reason, no author;
// - a duration that is not positive or is longer than `max_silence` (the message names it).
// Alert ids are checked against the alerts by AlertManager, which calls this first.
Result<void> checkSilenceRequest(const SilenceRequest& request, std::chrono::milliseconds max_silence);

// A duration as the configuration writes it: "90d", "36h", "1h30m", "250ms".
std::string durationText(std::chrono::milliseconds duration);

}  // namespace staffchain::alerts
