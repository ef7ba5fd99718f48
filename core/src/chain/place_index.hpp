// A flat hash index from keys to the places (small integers) of what they name: open
// addressing, linear probing, at most 70 % full, backward-shift deletion. It keeps only each
// key's hash (its low 32 bits) and place; the caller tells whether the thing at a place is the
// one asked for, so the keys themselves are stored once, where they live.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace staffchain::chain::detail {

class PlaceIndex {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  // The place of the first entry of this hash for which matches(place) holds, else kNone.
  template <typename Matches>
  [[nodiscard]] std::uint32_t find(std::uint64_t hash, Matches matches) const {
    if (slots_.empty()) return kNone;
    const std::size_t mask = slots_.size() - 1;
    for (auto i = homeOf(hash, mask); slots_[i].place != kNone; i = (i + 1) & mask) {
      if (slots_[i].hash == static_cast<std::uint32_t>(hash) && matches(slots_[i].place)) return slots_[i].place;
    }
    return kNone;
  }

  void insert(std::uint64_t hash, std::uint32_t place) {
    reserve(size_ + 1);
    insertSlot(Slot{static_cast<std::uint32_t>(hash), place});
    ++size_;
  }

  // Removes the first entry of this hash for which matches(place) holds; false when none does.
  template <typename Matches>
  bool erase(std::uint64_t hash, Matches matches) {
    if (slots_.empty()) return false;
    const std::size_t mask = slots_.size() - 1;
    auto hole = homeOf(hash, mask);
    for (;; hole = (hole + 1) & mask) {
      if (slots_[hole].place == kNone) return false;
      if (slots_[hole].hash == static_cast<std::uint32_t>(hash) && matches(slots_[hole].place)) break;
    }
    --size_;
    // Each later entry of the run moves into the hole unless its home lies cyclically after
    // the hole and at or before where it is: then every probe still finds what it looks for.
    for (auto j = (hole + 1) & mask; slots_[j].place != kNone; j = (j + 1) & mask) {
      const auto home = homeOf(slots_[j].hash, mask);
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = Slot{};
    return true;
  }

  // Room for `entries` without growing.
  void reserve(std::size_t entries) {
    // At most 70 % full: a million persons fit two million slots (16 MB) rather than four. A
    // probe then reads two slots or three on average, in the same cache line mostly.
    const auto fits = [&](std::size_t capacity) { return entries * 10 <= capacity * 7; };
    if (fits(slots_.size())) return;
    std::size_t capacity = slots_.empty() ? 1024 : slots_.size();
    while (!fits(capacity)) capacity *= 2;
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const auto& slot : old) {
      if (slot.place != kNone) insertSlot(slot);
    }
  }

 private:
  // The low half of the key's hash, which places it in a table of up to 2^32 slots.
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t place = kNone;
  };

  static std::size_t homeOf(std::uint64_t hash, std::size_t mask) noexcept {
    return static_cast<std::size_t>(static_cast<std::uint32_t>(hash)) & mask;
  }
  void insertSlot(Slot slot) {
    const std::size_t mask = slots_.size() - 1;
    auto i = homeOf(slot.hash, mask);
    while (slots_[i].place != kNone) i = (i + 1) & mask;
    slots_[i] = slot;
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace staffchain::chain::detail
