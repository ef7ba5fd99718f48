#include "staffchain/alerts/routing.hpp"

#include <algorithm>

namespace staffchain::alerts {
namespace {

void collect(const Route& route, const std::string& key, const RouteSubject& subject, std::vector<RouteTarget>& out) {
  bool child_took = false;
  for (std::size_t i = 0; i < route.routes.size(); ++i) {
    const Route& child = route.routes[i];
    if (!routeMatches(child.match, subject)) continue;
    collect(child, key + "." + std::to_string(i), subject, out);
    child_took = true;
    if (!child.continue_matching) break;
  }
  if (!child_took) out.push_back(RouteTarget{key, &route});
}

}  // namespace

bool patternListMatches(const std::vector<std::string>& patterns, std::string_view value) {
  if (patterns.empty()) return true;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    if (!pattern.empty() && pattern.back() == '*') {
      return value.substr(0, pattern.size() - 1) == std::string_view(pattern).substr(0, pattern.size() - 1);
    }
    return pattern == value;
  });
}

bool regionListMatches(const std::vector<std::string>& regions, std::string_view region) {
  if (regions.empty()) return true;
  return std::any_of(regions.begin(), regions.end(), [&](const std::string& code) {
    // "150000" covers the province, "150700" the prefecture: strip the trailing zero pairs.
    if (code.size() == 6 && code.ends_with("00") && region.size() == 6) {
      std::string_view prefix(code);
      while (prefix.size() > 2 && prefix.ends_with("00")) prefix.remove_suffix(2);
      return region.substr(0, prefix.size()) == prefix;
    }
    return code == region;
  });
}

bool routeMatches(const RouteMatch& match, const RouteSubject& subject) {
  const bool role_ok = match.roles.empty() ||
                       std::any_of(subject.roles.begin(), subject.roles.end(),
                                   [&](const std::string& role) { return patternListMatches(match.roles, role); });
  return patternListMatches(match.rules, subject.rule) && patternListMatches(match.severities, subject.severity) &&
         patternListMatches(match.units, subject.unit) && regionListMatches(match.regions, subject.region) && role_ok;
}

std::vector<RouteTarget> routeTargets(const Route& root, const RouteSubject& subject) {
  std::vector<RouteTarget> out;
  collect(root, "0", subject, out);
  return out;
}

const Route* findRoute(const Route& root, const std::string& key) {
  if (key != "0" && !key.starts_with("0.")) return nullptr;
  const Route* route = &root;
  std::size_t at = 1;
  while (at < key.size()) {
    const std::size_t next = key.find('.', at + 1);
    const std::string part = key.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
    if (part.empty() || !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return nullptr;
    }
    const auto index = static_cast<std::size_t>(std::stoul(part));
    if (index >= route->routes.size()) return nullptr;
    route = &route->routes[index];
    if (next == std::string::npos) break;
    at = next;
  }
  return route;
}

std::vector<std::string> receiversFor(const Route& root, const RouteSubject& subject) {
  std::vector<std::string> out;
  for (const auto& target : routeTargets(root, subject)) {
    for (const auto& receiver : target.route->receivers) {
      if (std::find(out.begin(), out.end(), receiver) == out.end()) out.push_back(receiver);
    }
  }
  return out;
}

}  // namespace staffchain::alerts
