#include "staffchain/alerts/routing.hpp"

#include <gtest/gtest.h>

namespace staffchain::alerts {
namespace {

Route leaf(std::vector<std::string> receivers, RouteMatch match, bool continue_matching = false) {
  Route route;
  route.match = std::move(match);
  route.receivers = std::move(receivers);
  route.continue_matching = continue_matching;
  return route;
}

Route tree() {
  Route root;
  root.receivers = {"estab_office"};
  RouteMatch ghost;
  ghost.rules = {"CHAIN-006", "CHAIN-009"};
  RouteMatch links;
  links.rules = {"LINK-*"};
  RouteMatch finance;
  finance.roles = {"finance"};
  finance.regions = {"150700"};
  Route finance_route = leaf({"finance_bureau"}, finance);
  RouteMatch critical;
  critical.severities = {"critical"};
  finance_route.routes.push_back(leaf({"discipline_office"}, critical));
  root.routes = {leaf({"finance_bureau", "discipline_office"}, ghost, true), finance_route,
                 leaf({"operations"}, links)};
  return root;
}

TEST(Routing, FirstMatchTakesItUnlessItContinues) {
  const auto root = tree();
  RouteSubject ghost{"CHAIN-006", "critical", "150702", "U1", {"finance"}};
  const auto targets = routeTargets(root, ghost);
  ASSERT_EQ(targets.size(), 2U);
  EXPECT_EQ(targets[0].key, "0.0");
  EXPECT_EQ(targets[1].key, "0.1.0");  // the finance route's critical child
  EXPECT_EQ(receiversFor(root, ghost), (std::vector<std::string>{"finance_bureau", "discipline_office"}));
}

TEST(Routing, ARouteWhoseChildrenDoNotMatchKeepsTheAlert) {
  const auto root = tree();
  RouteSubject minor_pay{"CHAIN-010", "major", "150781", "U1", {"hr", "finance"}};
  const auto targets = routeTargets(root, minor_pay);
  ASSERT_EQ(targets.size(), 1U);
  EXPECT_EQ(targets[0].key, "0.1");
  RouteSubject elsewhere{"CHAIN-010", "major", "152201", "U1", {"finance"}};
  EXPECT_EQ(receiversFor(root, elsewhere), std::vector<std::string>{"estab_office"});
  RouteSubject link{"LINK-002", "major", "", "", {}};
  EXPECT_EQ(receiversFor(root, link), std::vector<std::string>{"operations"});
}

TEST(Routing, RegionCodesCoverTheirSubregions) {
  EXPECT_TRUE(regionListMatches({"150700"}, "150702"));
  EXPECT_TRUE(regionListMatches({"150000"}, "152201"));
  EXPECT_FALSE(regionListMatches({"150700"}, "152201"));
  EXPECT_TRUE(regionListMatches({"150702"}, "150702"));
  EXPECT_FALSE(regionListMatches({"150702"}, "150703"));
  EXPECT_FALSE(regionListMatches({"150700"}, ""));
  EXPECT_TRUE(regionListMatches({}, ""));
  EXPECT_TRUE(patternListMatches({"CHAIN-*"}, "CHAIN-017"));
  EXPECT_FALSE(patternListMatches({"CHAIN-*"}, "DATA-001"));
}

TEST(Routing, FindRouteFollowsKeysAndRefusesStaleOnes) {
  const auto root = tree();
  EXPECT_EQ(findRoute(root, "0"), &root);
  EXPECT_EQ(findRoute(root, "0.1.0"), &root.routes[1].routes[0]);
  EXPECT_EQ(findRoute(root, "0.7"), nullptr);
  EXPECT_EQ(findRoute(root, "0.x"), nullptr);
  EXPECT_EQ(findRoute(root, "1"), nullptr);
}

}  // namespace
}  // namespace staffchain::alerts
