#include "staffchain/alerts/route_settings.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "staffchain/alerts/silence_check.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::alerts {
namespace {

using plugin::ConfigReader;

// A route may name any rule an alert can carry, the same ids a silence may name.
bool isRuleId(const std::string& id) {
  const auto& known = knownRuleIds();
  return std::binary_search(known.begin(), known.end(), id);
}

void readRouteMatch(ConfigReader& reader, RouteMatch& match) {
  match.rules = reader.stringArray("rule").value_or(std::vector<std::string>{});
  for (const auto& rule : match.rules) {
    const bool prefix = !rule.empty() && rule.back() == '*';
    if (!prefix && !isRuleId(rule)) reader.fail("rule", fmt::format("\"{}\" is not a rule id", rule));
  }
  match.severities = reader.stringArray("severity").value_or(std::vector<std::string>{});
  for (const auto& severity : match.severities) {
    if (severity != "critical" && severity != "major" && severity != "minor") {
      reader.fail("severity", fmt::format("\"{}\" is not one of: critical, major, minor", severity));
    }
  }
  match.regions = reader.stringArray("region").value_or(std::vector<std::string>{});
  match.units = reader.stringArray("unit").value_or(std::vector<std::string>{});
  match.roles = reader.stringArray("role").value_or(std::vector<std::string>{});
  for (const auto& role : match.roles) {
    if (!model::parseSourceRole(role))
      reader.fail("role", fmt::format("\"{}\" is not one of: estab, org, hr, finance", role));
  }
  reader.finish();
}

// `parent` is null for the root, which matches everything and so takes no matcher.
void readRouteNode(ConfigReader& reader, Route& route, const Route* parent) {
  if (parent != nullptr) {
    route.group_by = parent->group_by;
    route.group_wait = parent->group_wait;
    route.group_interval = parent->group_interval;
    route.repeat_interval = parent->repeat_interval;
    route.escalate_after = parent->escalate_after;
    route.escalate_to = parent->escalate_to;
  }
  if (parent == nullptr) {
    if (reader.has("match")) reader.fail("match", "the root route matches everything; put matchers on its routes");
    if (reader.has("continue")) reader.fail("continue", "the root route has no siblings to continue to");
  } else if (const toml::table* match = reader.subtable("match")) {
    ConfigReader child = reader.child(*match, "match");
    readRouteMatch(child, route.match);
  }
  route.receivers = reader.stringArray("receivers").value_or(std::vector<std::string>{});
  route.continue_matching = reader.boolean("continue", false);
  if (auto group_by = reader.stringArray("group_by")) {
    for (const auto& label : *group_by) {
      if (label != "rule" && label != "region" && label != "unit" && label != "severity" && label != "role") {
        reader.fail("group_by", fmt::format("\"{}\" is not one of: rule, region, unit, severity, role", label));
      }
    }
    route.group_by = *group_by;
  }
  route.group_wait = reader.duration("group_wait", route.group_wait);
  route.group_interval = reader.duration("group_interval", route.group_interval);
  route.repeat_interval = reader.duration("repeat_interval", route.repeat_interval);
  if (auto after = reader.duration("escalate_after")) route.escalate_after = after;
  if (auto to = reader.stringArray("escalate_to")) route.escalate_to = *to;
  if (route.escalate_after && route.escalate_to.empty()) {
    reader.fail("escalate_after", "set escalate_to as well: escalation needs a receiver to go to");
  }
  const auto children = reader.tableArray("routes");
  for (std::size_t i = 0; i < children.size(); ++i) {
    ConfigReader child(*children[i], fmt::format("{}.routes[{}]", reader.path(), i), reader.errors());
    route.routes.emplace_back();
    readRouteNode(child, route.routes.back(), &route);
  }
  reader.finish();
}

}  // namespace

void readRoute(ConfigReader& reader, Route& route) {
  readRouteNode(reader, route, nullptr);
}

}  // namespace staffchain::alerts
