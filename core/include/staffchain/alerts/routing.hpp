// Routing: which routes of the configured tree take an alert, and so which receivers get it.
#pragma once

#include <string>
#include <vector>

#include "staffchain/alerts/route_settings.hpp"

namespace staffchain::alerts {

// What a route matches on, taken from an alert.
struct RouteSubject {
  std::string rule;
  std::string severity;  // critical, major, minor
  std::string region;
  std::string unit;
  std::vector<std::string> roles;  // a route's `roles` matches if any of these is listed
};

// A route that takes an alert, with a key naming its place in the tree ("0", "0.2"), stable
// as long as the tree is. A reload may move it, so it says where timings come from, never which
// group an alert is in (detail::groupKey).
struct RouteTarget {
  std::string key;
  const Route* route = nullptr;
};

bool routeMatches(const RouteMatch& match, const RouteSubject& subject);
// A trailing '*' is a prefix; an empty list matches everything.
bool patternListMatches(const std::vector<std::string>& patterns, std::string_view value);
// A code ending in "00" covers its subregions ("150700" covers "150702"); an empty list matches.
bool regionListMatches(const std::vector<std::string>& regions, std::string_view region);

// Walks the tree: the first matching child takes the alert unless it says `continue`, in which
// case later siblings may take it too; a route none of whose children matched keeps it.
std::vector<RouteTarget> routeTargets(const Route& root, const RouteSubject& subject);

// The route with that key, or null when the tree no longer has it.
const Route* findRoute(const Route& root, const std::string& key);

// The distinct receivers of every target, in tree order.
std::vector<std::string> receiversFor(const Route& root, const RouteSubject& subject);

}  // namespace staffchain::alerts
