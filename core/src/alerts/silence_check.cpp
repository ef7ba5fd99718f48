#include "staffchain/alerts/silence_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "staffchain/alerts/routing.hpp"
#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::alerts {
namespace {

constexpr std::array<std::string_view, 3> kSeverities{"critical", "major", "minor"};

std::string joinedList(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : ", ") + value;
  return out;
}

// A pattern that matches every value of its list: "*", or only stars and spaces.
bool matchesEverything(std::string_view pattern) {
  return !pattern.empty() && pattern.back() == '*' &&
         std::all_of(pattern.begin(), pattern.end(), [](char c) { return c == '*' || c == ' '; });
}

Result<void> refuse(std::string_view list, const std::string& why) {
  return makeError(fmt::format("match.{}: {}", list, why));
}

// Entries common to every list: none empty, none matching everything.
Result<void> checkEntries(std::string_view list, const std::vector<std::string>& entries, std::string_view noun) {
  for (const auto& entry : entries) {
    if (entry.empty()) return refuse(list, "has an empty entry; leave the list out instead");
    if (matchesEverything(entry)) {
      return refuse(list, fmt::format("\"{}\" matches every {}, and a silence of everything would hide every new "
                                      "finding; name the {}s to silence",
                                      entry, noun, noun));
    }
  }
  return {};
}

Result<void> checkRules(const std::vector<std::string>& rules) {
  if (auto entries = checkEntries("rules", rules, "rule"); !entries) return entries;
  const auto& known = knownRuleIds();
  for (const auto& rule : rules) {
    const bool prefix = rule.back() == '*';
    const bool any =
        std::any_of(known.begin(), known.end(), [&](const std::string& id) { return patternListMatches({rule}, id); });
    if (any) continue;
    return refuse("rules",
                  fmt::format("\"{}\" {}; the rules are: {}", rule,
                              prefix ? "is a prefix of no rule the daemon knows" : "is not a rule the daemon knows",
                              joinedList(known)));
  }
  return {};
}

Result<void> checkSeverities(const std::vector<std::string>& severities) {
  if (auto entries = checkEntries("severities", severities, "severity"); !entries) return entries;
  for (const auto& severity : severities) {
    if (std::find(kSeverities.begin(), kSeverities.end(), severity) == kSeverities.end()) {
      return refuse("severities", fmt::format("\"{}\" is not one of: critical, major, minor", severity));
    }
  }
  return {};
}

Result<void> checkRegions(const std::vector<std::string>& regions) {
  if (auto entries = checkEntries("regions", regions, "region"); !entries) return entries;
  for (const auto& region : regions) {
    if (auto checked = model::checkRegionCode(region); !checked.value) {
      return refuse("regions",
                    fmt::format("\"{}\" {} (a code ending in 00 covers its subregions)", region, checked.reason));
    }
  }
  return {};
}

Result<void> checkUnits(const std::vector<std::string>& units) {
  if (auto entries = checkEntries("units", units, "unit"); !entries) return entries;
  for (const auto& unit : units) {
    if (unit.back() == '*') continue;  // a prefix of credit codes
    if (auto checked = model::checkCreditCode(unit); !checked.value) {
      return refuse("units", fmt::format("\"{}\" is not a unit credit code: it {}", unit, checked.reason));
    }
  }
  return {};
}

// Whether a list leaves out some value: an empty list, or one covering every value, does not.
bool restricts(const std::vector<std::string>& patterns, const std::vector<std::string>& values) {
  if (patterns.empty()) return false;
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& value) { return !patternListMatches(patterns, value); });
}

}  // namespace

const std::vector<std::string>& knownRuleIds() {
  static const std::vector<std::string> kKnown = [] {
    std::vector<std::string> ids;
    for (const auto& rule : chain::chainRules()) ids.emplace_back(rule.id);
    // Not the engine's: the daemon raises these about its sources, snapshots, receivers and
    // rectification cases.
    for (const char* own : {"CASE-001", "DATA-002", "LINK-001", "LINK-002", "LINK-003"}) ids.emplace_back(own);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  }();
  return kKnown;
}

Result<void> checkSilenceRequest(const SilenceRequest& request, std::chrono::milliseconds max_silence) {
  const SilenceMatch& match = request.match;
  for (const auto& id : match.alert_ids) {
    if (id.empty()) return refuse("alert_ids", "has an empty entry; leave the list out instead");
    if (id.find('*') != std::string::npos) {
      return refuse("alert_ids", fmt::format("\"{}\": alert ids are matched exactly, without wildcards", id));
    }
  }
  if (auto checked = checkRules(match.rules); !checked) return checked;
  if (auto checked = checkSeverities(match.severities); !checked) return checked;
  if (auto checked = checkRegions(match.regions); !checked) return checked;
  if (auto checked = checkUnits(match.units); !checked) return checked;
  const std::vector<std::string> severities(kSeverities.begin(), kSeverities.end());
  if (match.alert_ids.empty() && match.units.empty() && match.regions.empty() &&
      !restricts(match.rules, knownRuleIds()) && !restricts(match.severities, severities)) {
    return makeError(
        "match: it would hold every alert, and hide every new finding with them; name alert ids, rules, units, "
        "regions or severities that leave some out");
  }
  if (request.reason.empty()) return makeError("reason: a silence needs a reason, for whoever finds it later");
  if (request.author.empty()) {
    return makeError("author: say who sets the silence (staffchainctl silence add --by NAME; \"author\" in the API)");
  }
  const std::chrono::milliseconds bound = std::min<std::chrono::milliseconds>(max_silence, kLongestMaxSilence);
  if (request.duration <= std::chrono::milliseconds::zero()) {
    return makeError("duration: must be positive, e.g. \"2h\" or \"7d\"");
  }
  if (request.duration > bound) {
    return makeError(
        fmt::format("duration: {} is longer than the longest silence allowed, {} ([alerts] "
                    "max_silence); set it for at most {} and renew it if it is still needed then",
                    durationText(request.duration), durationText(bound), durationText(bound)));
  }
  return {};
}

std::string durationText(std::chrono::milliseconds duration) {
  if (duration <= std::chrono::milliseconds::zero()) return "0s";
  std::string out;
  auto left = duration.count();
  constexpr std::array<std::pair<std::int64_t, std::string_view>, 5> kUnits{
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}};
  for (const auto& [scale, unit] : kUnits) {
    if (left < scale) continue;
    out += fmt::format("{}{}", left / scale, unit);
    left %= scale;
  }
  return out;
}

}  // namespace staffchain::alerts
