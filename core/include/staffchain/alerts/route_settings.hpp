// Route settings: the [route] tree that says which receivers take which alerts, and its reader.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace staffchain::plugin {
class ConfigReader;
}

namespace staffchain::alerts {

// What a route matches; an empty list matches everything.
struct RouteMatch {
  std::vector<std::string> rules;       // "CHAIN-006"; a trailing '*' matches a prefix ("CHAIN-*")
  std::vector<std::string> severities;  // critical, major, minor
  std::vector<std::string> regions;     // region code; a code ending in "00" covers its subregions
  std::vector<std::string> units;       // unit credit codes
  std::vector<std::string> roles;       // estab, org, hr, finance: the source the finding rests on
};

struct Route {
  RouteMatch match;
  std::vector<std::string> receivers;  // notifier names
  bool continue_matching = false;
  std::vector<std::string> group_by{"rule", "region"};
  std::chrono::milliseconds group_wait{std::chrono::seconds(30)};
  std::chrono::milliseconds group_interval{std::chrono::minutes(5)};
  std::chrono::milliseconds repeat_interval{std::chrono::hours(24)};
  std::optional<std::chrono::milliseconds> escalate_after;
  std::vector<std::string> escalate_to;
  std::vector<Route> routes;
};

// Reads the root [route] table and the routes under it into `route`; problems are added to
// the reader's errors, located. Children inherit their parent's grouping, timing and
// escalation unless they set their own. Receiver names are not checked here: the notifiers
// are known only once the whole file (and conf.d/) has been read.
void readRoute(plugin::ConfigReader& reader, Route& route);

}  // namespace staffchain::alerts
