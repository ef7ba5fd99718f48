// The one FNV-1a: the published test vectors, the part separator, and the ids already stored
// (a finding's fingerprint and a notice's id must not change when the code computing them does).
#include "staffchain/model/fnv1a.hpp"

#include <gtest/gtest.h>

namespace staffchain::model {
namespace {

TEST(Fnv1a, MatchesThePublishedTestVectors) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ULL);
  // Continuing a hash is hashing the concatenation.
  EXPECT_EQ(fnv1a("bar", fnv1a("foo")), fnv1a("foobar"));
}

TEST(Fnv1a, PartsAreKeptApartBySeparators) {
  EXPECT_NE(Fnv1aParts().add("ab").add("c").value(), Fnv1aParts().add("a").add("bc").value());
  EXPECT_EQ(Fnv1aParts().add("ab").add("c").value(), fnv1a("ab\x1f"
                                                           "c\x1f"));
  EXPECT_EQ(fnv1aHex(0xaf63dc4c8601ec8cULL), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1aHex(0x1ULL), "0000000000000001");
}

}  // namespace
}  // namespace staffchain::model
