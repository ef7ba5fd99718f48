// 64-bit FNV-1a: the one hash staffchain stores and sends (finding fingerprints, notice ids,
// message keys, retry jitter), stable across builds, platforms and runs, unlike std::hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace staffchain::model {

inline constexpr std::uint64_t kFnv1aOffset = 14695981039346656037ULL;
inline constexpr std::uint64_t kFnv1aPrime = 1099511628211ULL;

// The hash of `text`, continuing from `hash` (the offset basis for a fresh hash).
constexpr std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = kFnv1aOffset) noexcept {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnv1aPrime;
  }
  return hash;
}

// Sixteen lower-case hex digits, as ids show a hash.
inline std::string fnv1aHex(std::uint64_t hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (std::size_t i = 0; i < 16; ++i) out[15 - i] = kHex[(hash >> (4 * i)) & 0xFU];
  return out;
}

// A hash of several parts, each followed by the unit separator (0x1f), which no identifier
// contains: ("ab", "c") and ("a", "bc") hash apart.
class Fnv1aParts {
 public:
  constexpr Fnv1aParts& add(std::string_view part) noexcept {
    hash_ = fnv1a(std::string_view("\x1f", 1), fnv1a(part, hash_));
    return *this;
  }
  [[nodiscard]] constexpr std::uint64_t value() const noexcept { return hash_; }
  [[nodiscard]] std::string hex() const { return fnv1aHex(hash_); }

 private:
  std::uint64_t hash_ = kFnv1aOffset;
};

static_assert(fnv1a("") == kFnv1aOffset);
static_assert(fnv1a("a") == 0xaf63dc4c8601ec8cULL);  // the published FNV-1a test vector

}  // namespace staffchain::model
