// The persons of the engine's index: each person's id and records in one node that stays where
// it is while the person is held (the reverse indexes point at it), kept in a store read front to
// back, and found by id through a flat table.
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

#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain::detail {

template <typename Records, typename Hash, typename Equal>
class PersonTable {
 public:
  using Node = std::pair<const model::PersonId, Records>;
  static constexpr std::uint32_t kNone = UINT32_MAX;

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
  [[nodiscard]] std::uint32_t placeOf(const model::PersonId& id) const noexcept {
    if (slots_.empty()) return kNone;
    const auto hash = Hash{}(id);
    const std::size_t mask = slots_.size() - 1;
    for (auto i = static_cast<std::size_t>(hash) & mask; slots_[i].place != kNone; i = (i + 1) & mask) {
      const auto& slot = slots_[i];
      if (slot.hash == static_cast<std::uint32_t>(hash) && Equal{}(at(slot.place)->first, id)) return slot.place;
    }
    return kNone;
  }
  [[nodiscard]] Node* find(const model::PersonId& id) noexcept { return at(placeOf(id)); }
  [[nodiscard]] const Node* find(const model::PersonId& id) const noexcept { return at(placeOf(id)); }

  // Adds `id` with empty records; it must be absent. Its place.
  std::uint32_t add(const model::PersonId& id) {
    reserve(size_ + 1);
    std::uint32_t place = 0;
    if (!free_.empty()) {
      place = free_.back();
      free_.pop_back();
    } else {
      if (places_ % kChunk == 0) chunks_.push_back(std::make_unique<std::optional<Node>[]>(kChunk));
      place = places_++;
    }
    cellAt(place).emplace(std::piecewise_construct, std::forward_as_tuple(id), std::forward_as_tuple());
    insertSlot(Hash{}(id), place);
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
    if (slots_.empty()) return;
    const auto hash = Hash{}(id);
    const std::size_t mask = slots_.size() - 1;
    auto i = static_cast<std::size_t>(hash) & mask;
    for (; slots_[i].place != kNone; i = (i + 1) & mask) {
      if (slots_[i].hash == static_cast<std::uint32_t>(hash) && Equal{}(at(slots_[i].place)->first, id)) break;
    }
    if (slots_[i].place == kNone) return;
    const auto place = slots_[i].place;
    cellAt(place).reset();
    free_.push_back(place);
    --size_;
    // Backward-shift deletion: each later entry of the run moves into the hole when its home
    // slot is not between the hole and it, so that every probe still finds what it looks for.
    auto hole = i;
    for (auto j = (i + 1) & mask; slots_[j].place != kNone; j = (j + 1) & mask) {
      const auto home = static_cast<std::size_t>(slots_[j].hash) & mask;
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = Slot{};
  }

  // Room for `persons` without growing the table.
  void reserve(std::size_t persons) {
    if (persons * 2 <= slots_.size()) return;
    std::size_t capacity = slots_.empty() ? 1024 : slots_.size();
    while (persons * 2 > capacity) capacity *= 2;
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const auto& slot : old) {
      if (slot.place != kNone) insertSlot(slot.hash, slot.place);
    }
  }

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
  // The low half of the id's hash (enough to place it in a table of up to 2^32 slots) and where
  // the node is.
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t place = kNone;
  };

  std::optional<Node>& cellAt(std::uint32_t place) noexcept { return chunks_[place / kChunk][place % kChunk]; }
  const std::optional<Node>& cellAt(std::uint32_t place) const noexcept { return chunks_[place / kChunk][place % kChunk]; }
  void insertSlot(std::uint64_t hash, std::uint32_t place) {
    const std::size_t mask = slots_.size() - 1;
    auto i = static_cast<std::size_t>(hash) & mask;
    while (slots_[i].place != kNone) i = (i + 1) & mask;
    slots_[i] = Slot{static_cast<std::uint32_t>(hash), place};
  }

  std::vector<std::unique_ptr<std::optional<Node>[]>> chunks_;  // never moved: nodes stay put
  std::uint32_t places_ = 0;
  std::vector<std::uint32_t> free_;
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace staffchain::chain::detail
