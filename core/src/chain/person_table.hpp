// The persons of the engine's index: each person's id and records in one node that stays where
// it is while the person is held (the reverse indexes point at it), kept in a store read front to
// back, and found by id through a flat table (PlaceIndex).
//
// A province holds a million persons, and loading it looks one up for each of its fourteen
// million rows. A node-based hash map paid a cache miss or two per lookup and per insert (and
// rehashed a million nodes each time it grew); here a lookup probes a flat array and compares one
// node. Persons are stored in the order first added, which is the order exports list them in:
// the person after the previous row's (next()) is mostly the one the next row names.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "place_index.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain::detail {

template <typename Records, typename Hash, typename Equal>
class PersonTable {
 public:
  using Node = std::pair<const model::PersonId, Records>;
  static constexpr std::uint32_t kNone = PlaceIndex::kNone;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  // Places in the store, free ones included: every place is below this.
  [[nodiscard]] std::uint32_t places() const noexcept { return places_; }

  // The node at a place, nullptr for a free place or one past the end.
  [[nodiscard]] Node* at(std::uint32_t place) noexcept {
    if (place >= places_) return nullptr;
    auto& cell = cellAt(place);
    return cell ? &*cell : nullptr;
  }
  [[nodiscard]] const Node* at(std::uint32_t place) const noexcept {
    if (place >= places_) return nullptr;
    const auto& cell = cellAt(place);
    return cell ? &*cell : nullptr;
  }

  // The place of `id`, kNone when absent.
  [[nodiscard]] std::uint32_t placeOf(const model::PersonId& id) const {
    return index_.find(Hash{}(id), [&](std::uint32_t place) { return Equal{}(at(place)->first, id); });
  }
  [[nodiscard]] Node* find(const model::PersonId& id) noexcept { return at(placeOf(id)); }
  [[nodiscard]] const Node* find(const model::PersonId& id) const noexcept { return at(placeOf(id)); }

  // Adds `id` with empty records; it must be absent. Its place.
  std::uint32_t add(const model::PersonId& id) {
    std::uint32_t place = 0;
    if (!free_.empty()) {
      place = free_.back();
      free_.pop_back();
    } else {
      if (places_ % kChunk == 0) chunks_.push_back(std::make_unique<std::optional<Node>[]>(kChunk));
      place = places_++;
    }
    cellAt(place).emplace(std::piecewise_construct, std::forward_as_tuple(id), std::forward_as_tuple());
    index_.insert(Hash{}(id), place);
    ++size_;
    return place;
  }
  Node& findOrAdd(const model::PersonId& id) {
    auto place = placeOf(id);
    if (place == kNone) place = add(id);
    return *at(place);
  }

  // Forgets `id` (if held): pointers to its node are invalid from here on.
  void erase(const model::PersonId& id) {
    std::uint32_t erased = kNone;
    index_.erase(Hash{}(id), [&](std::uint32_t place) {
      if (!Equal{}(at(place)->first, id)) return false;
      erased = place;
      return true;
    });
    if (erased == kNone) return;
    cellAt(erased).reset();
    free_.push_back(erased);
    --size_;
  }

  // Room for `persons` without growing the table.
  void reserve(std::size_t persons) { index_.reserve(persons); }

  // Every node, in the order of their places.
  template <typename F>
  void forEach(F f) {
    for (std::uint32_t place = 0; place < places_; ++place) {
      if (auto& cell = cellAt(place)) f(*cell);
    }
  }
  template <typename F>
  void forEach(F f) const {
    for (std::uint32_t place = 0; place < places_; ++place) {
      if (const auto& cell = cellAt(place)) f(*cell);
    }
  }

 private:
  static constexpr std::uint32_t kChunk = 4096;
  std::optional<Node>& cellAt(std::uint32_t place) noexcept { return chunks_[place / kChunk][place % kChunk]; }
  const std::optional<Node>& cellAt(std::uint32_t place) const noexcept {
    return chunks_[place / kChunk][place % kChunk];
  }
  std::vector<std::unique_ptr<std::optional<Node>[]>> chunks_;  // never moved: nodes stay put
  std::uint32_t places_ = 0;
  std::vector<std::uint32_t> free_;
  PlaceIndex index_;
  std::size_t size_ = 0;
};

}  // namespace staffchain::chain::detail
