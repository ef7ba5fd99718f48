#include "json_path.hpp"

#include <gtest/gtest.h>

namespace staffchain::rest {
namespace {

const nlohmann::json kDocument = nlohmann::json::parse(R"({
  "data": {"items": [{"id": "M-1", "dw": {"code": "12150700MB0000001X"}}, {"id": 7}], "total": 2},
  "flag": true, "none": null, "amount": 1234.5
})");

TEST(FindPath, WalksObjectsAndArrayIndexes) {
  ASSERT_NE(findPath(kDocument, "data.items"), nullptr);
  EXPECT_TRUE(findPath(kDocument, "data.items")->is_array());
  EXPECT_EQ(*findPath(kDocument, "data.items.0.dw.code"), "12150700MB0000001X");
  EXPECT_EQ(*findPath(kDocument, "data.items.1.id"), 7);
  EXPECT_EQ(findPath(kDocument, ""), &kDocument);
}

TEST(FindPath, MissingStepsAreNull) {
  EXPECT_EQ(findPath(kDocument, "data.rows"), nullptr);
  EXPECT_EQ(findPath(kDocument, "data.items.2"), nullptr);
  EXPECT_EQ(findPath(kDocument, "data.items.x"), nullptr);
  EXPECT_EQ(findPath(kDocument, "flag.deeper"), nullptr);
  EXPECT_EQ(findPath(kDocument, "data.items.-1"), nullptr);
}

TEST(TextOf, ScalarsBecomeCanonicalText) {
  EXPECT_EQ(textOf(kDocument["data"]["items"][0]["id"]), "M-1");
  EXPECT_EQ(textOf(kDocument["data"]["items"][1]["id"]), "7");
  EXPECT_EQ(textOf(kDocument["flag"]), "true");
  EXPECT_EQ(textOf(kDocument["none"]), "");
  EXPECT_EQ(textOf(kDocument["amount"]), "1234.5");
  EXPECT_EQ(textOf(kDocument["data"]["items"][0]["dw"]), R"({"code":"12150700MB0000001X"})");
}

}  // namespace
}  // namespace staffchain::rest
