// PersonTable: lookups, erasure (backward shift) and reuse checked against a std::map model,
// nodes that stay put, and the store order.
#include "person_table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "chain_index.hpp"

namespace staffchain::chain::detail {
namespace {

using Table = PersonTable<int, IdHash, IdEqual>;

// Distinct ids (the table does not check them).
model::PersonId idOf(std::size_t n) {
  return model::PersonId::fromValid(fmt::format("15070219{:09}X", n));
}

// Hashes every id to one of four home slots, the last two of the table and the first two
// (whatever its size, from 1024 to 2048 slots): one long probe run that wraps around the table's
// end, with entries at home on either side of it, where backward-shift deletion is easiest to
// get wrong.
struct FewHashes {
  std::size_t operator()(const model::PersonId& id) const noexcept {
    constexpr std::size_t kHomes[] = {2047, 2046, 0, 1};
    return kHomes[IdHash{}(id)&3U];
  }
};
using Crowded = PersonTable<int, FewHashes, IdEqual>;

template <typename T>
void checkAgainst(const T& table, const std::map<std::size_t, int>& model, std::size_t universe) {
  ASSERT_EQ(table.size(), model.size());
  for (std::size_t n = 0; n < universe; ++n) {
    const auto* node = table.find(idOf(n));
    const auto it = model.find(n);
    if (it == model.end()) {
      EXPECT_EQ(node, nullptr) << "person " << n << " was erased";
    } else {
      ASSERT_NE(node, nullptr) << "person " << n << " is lost";
      EXPECT_EQ(node->second, it->second);
    }
  }
}

template <typename T>
void randomOperations(unsigned seed) {
  T table;
  std::map<std::size_t, int> model;
  std::mt19937 random(seed);
  constexpr std::size_t kUniverse = 700;
  for (int step = 0; step < 6000; ++step) {
    const std::size_t n = random() % kUniverse;
    const auto id = idOf(n);
    if (random() % 3 == 0) {
      table.erase(id);
      model.erase(n);
    } else {
      table.findOrAdd(id).second = step;
      model[n] = step;
    }
    if (step % 500 == 0) checkAgainst(table, model, kUniverse);
  }
  checkAgainst(table, model, kUniverse);
}

TEST(PersonTableTest, RandomAddsAndErasesMatchAMap) {
  for (unsigned seed = 1; seed <= 3; ++seed) randomOperations<Table>(seed);
}

TEST(PersonTableTest, ErasingFromCollidingRunsThatWrapAroundLosesNobody) {
  for (unsigned seed = 1; seed <= 3; ++seed) randomOperations<Crowded>(seed);
}

TEST(PersonTableTest, NodesStayPutWhileTheTableGrowsAndPlacesAreReused) {
  Table table;
  auto& first = table.findOrAdd(idOf(0));
  first.second = 42;
  const auto* address = &first;
  for (int n = 1; n < 20000; ++n) table.findOrAdd(idOf(static_cast<std::size_t>(n))).second = n;
  EXPECT_EQ(table.find(idOf(0)), address);
  EXPECT_EQ(address->second, 42);

  // Store order is the order of adding; an erased place is the next one filled.
  const auto place = table.placeOf(idOf(7));
  EXPECT_EQ(place, 7U);
  table.erase(idOf(7));
  EXPECT_EQ(table.at(place), nullptr);
  EXPECT_EQ(table.add(idOf(50000)), place);
  std::vector<int> order;
  table.forEach([&](const Table::Node& node) { order.push_back(node.second); });
  ASSERT_EQ(order.size(), 20000U);
  EXPECT_EQ(order[6], 6);
  EXPECT_EQ(order[7], 0);  // the newcomer, in the freed place, with fresh records
  EXPECT_EQ(order[8], 8);
  EXPECT_EQ(table.at(table.places()), nullptr);
}

}  // namespace
}  // namespace staffchain::chain::detail
