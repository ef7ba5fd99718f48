#include "staffchain/daemon/digest.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::daemon {
namespace {

bool listMatches(const std::vector<std::string>& allowed, std::string_view value) {
  if (allowed.empty()) return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& pattern) {
    if (!pattern.empty() && pattern.back() == '*') {
      return value.substr(0, pattern.size() - 1) == std::string_view(pattern).substr(0, pattern.size() - 1);
    }
    return pattern == value;
  });
}

bool matches(const config::RouteMatch& match, const chain::Finding& finding, model::SourceRole role) {
  const std::string unit = finding.unit_id.empty() ? std::string() : finding.unit_id.str();
  // The region of a unit is not carried by a finding yet: a route matching on region only
  // sees findings whose evidence names it.
  std::string region;
  for (const auto& item : finding.evidence) {
    for (const auto& [key, value] : item.fields) {
      if (key == "region" && region.empty()) region = value;
    }
  }
  const bool region_ok = match.regions.empty() || std::any_of(match.regions.begin(), match.regions.end(),
                                                              [&](const std::string& code) {
                                                                if (code.size() == 6 && code.ends_with("00")) {
                                                                  return region.substr(0, 4) == code.substr(0, 4);
                                                                }
                                                                return region == code;
                                                              });
  return listMatches(match.rules, finding.rule) && listMatches(match.severities, chain::toString(finding.severity)) &&
         listMatches(match.units, unit) && listMatches(match.roles, model::toString(role)) && region_ok;
}

void collect(const config::Route& route, const chain::Finding& finding, model::SourceRole role,
             std::vector<std::string>& out) {
  bool child_took = false;
  for (const auto& child : route.routes) {
    if (!matches(child.match, finding, role)) continue;
    collect(child, finding, role, out);
    child_took = true;
    if (!child.continue_matching) break;
  }
  if (!child_took) {
    for (const auto& receiver : route.receivers) {
      if (std::find(out.begin(), out.end(), receiver) == out.end()) out.push_back(receiver);
    }
  }
}

}  // namespace

std::vector<std::string> receiversFor(const config::Route& route, const chain::Finding& finding,
                                      model::SourceRole role) {
  std::vector<std::string> out;
  collect(route, finding, role, out);
  return out;
}

plugin::Notification renderDigest(const std::string& receiver, const std::vector<const chain::Finding*>& opened,
                                  const std::vector<std::string>& resolved, const std::string& as_of) {
  std::vector<const chain::Finding*> sorted = opened;
  std::stable_sort(sorted.begin(), sorted.end(), [](const chain::Finding* a, const chain::Finding* b) {
    return a->severity < b->severity;
  });
  plugin::Notification message;
  message.receiver = receiver;
  message.title = fmt::format("staffchain {}：新发现 {} 项，已解决 {} 项", as_of, opened.size(), resolved.size());
  std::string markdown = "### " + message.title + "\n";
  std::string text = message.title + "\n";
  nlohmann::json findings = nlohmann::json::array();
  constexpr std::size_t kListed = 50;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const chain::Finding& f = *sorted[i];
    message.alert_ids.push_back(f.fingerprint);
    findings.push_back({{"rule", f.rule},
                        {"severity", chain::toString(f.severity)},
                        {"unit_id", f.unit_id.empty() ? "" : f.unit_id.str()},
                        {"person_id", f.person_id.empty() ? "" : model::maskCitizenId(f.person_id.view())},
                        {"since", model::formatDate(f.since)},
                        {"summary", f.summary_zh},
                        {"fingerprint", f.fingerprint}});
    if (i < kListed) {
      markdown += fmt::format("- **{}** [{}] {}\n", f.rule, chain::toString(f.severity), f.summary_zh);
      text += fmt::format("- {} [{}] {}\n", f.rule, chain::toString(f.severity), f.summary_zh);
    }
  }
  if (sorted.size() > kListed) {
    markdown += fmt::format("- ……另有 {} 项\n", sorted.size() - kListed);
    text += fmt::format("- ... and {} more\n", sorted.size() - kListed);
  }
  std::string key_material = as_of;
  for (const auto& id : message.alert_ids) key_material += "|" + id;
  message.idempotency_key = fmt::format("{}-{:016x}", receiver, std::hash<std::string>{}(key_material));
  message.markdown = model::maskCitizenIds(markdown);
  message.text = model::maskCitizenIds(text);
  message.json = nlohmann::json{{"receiver", receiver},
                                {"as_of", as_of},
                                {"opened", findings},
                                {"resolved", resolved.size()},
                                {"resolved_fingerprints", resolved},
                                {"idempotency_key", message.idempotency_key}}
                     .dump();
  return message;
}

}  // namespace staffchain::daemon
