#include "pagination.hpp"

#include <gtest/gtest.h>

namespace staffchain::rest {
namespace {

TEST(WithQuery, AppendsEncodedParametersAfterWhatTheUrlHas) {
  EXPECT_EQ(withQuery("http://h/api/movements", {{"page", "2"}, {"limit", "50"}}),
            "http://h/api/movements?page=2&limit=50");
  EXPECT_EQ(withQuery("http://h/x?_sort=updatedAt", {{"updated_since", "2024-05-01T08:00:00+08:00"}}),
            "http://h/x?_sort=updatedAt&updated_since=2024-05-01T08%3A00%3A00%2B08%3A00");
  EXPECT_EQ(withQuery("http://h/x", {}), "http://h/x");
  EXPECT_EQ(withQuery("http://h/x#top", {{"单位", "a b"}}), "http://h/x?%E5%8D%95%E4%BD%8D=a%20b#top");
}

TEST(LinkTarget, FindsTheRelationAmongSeveral) {
  const std::string header =
      "<http://127.0.0.1:3000/movements?_page=1&_limit=3>; rel=\"first\", "
      "<http://127.0.0.1:3000/movements?_page=2&_limit=3>; rel=\"next\", "
      "<http://127.0.0.1:3000/movements?_page=4&_limit=3>; rel=\"last\"";
  EXPECT_EQ(linkTarget(header, "next"), "http://127.0.0.1:3000/movements?_page=2&_limit=3");
  EXPECT_EQ(linkTarget(header, "last"), "http://127.0.0.1:3000/movements?_page=4&_limit=3");
  EXPECT_EQ(linkTarget(header, "prev"), std::nullopt);
}

TEST(LinkTarget, AcceptsUnquotedCaseInsensitiveAndListedRelations) {
  EXPECT_EQ(linkTarget("</p?c=a,b>; REL=next", "next"), "/p?c=a,b");
  EXPECT_EQ(linkTarget("<https://h/p3>; title=\"x\"; rel=\"next last\"", "last"), "https://h/p3");
  EXPECT_EQ(linkTarget("<https://h/p3>; rel=\"nextish\"", "next"), std::nullopt);
  EXPECT_EQ(linkTarget("garbage without brackets", "next"), std::nullopt);
  EXPECT_EQ(linkTarget("<unterminated; rel=next", "next"), std::nullopt);
}

TEST(ResolveUrl, MakesLinksAbsoluteAgainstThePage) {
  const std::string page = "https://hr.example.cn:8443/api/v1/movements?page=1";
  EXPECT_EQ(resolveUrl(page, "https://other/x"), "https://other/x");
  EXPECT_EQ(resolveUrl(page, "/api/v1/movements?page=2"), "https://hr.example.cn:8443/api/v1/movements?page=2");
  EXPECT_EQ(resolveUrl(page, "?page=2"), "https://hr.example.cn:8443/api/v1/movements?page=2");
  EXPECT_EQ(resolveUrl(page, "movements?page=2"), "https://hr.example.cn:8443/api/v1/movements?page=2");
  EXPECT_EQ(resolveUrl(page, "//cdn/x"), "https://cdn/x");
}

TEST(OriginAndPath, SplitAnAbsoluteUrl) {
  EXPECT_EQ(originOf("https://hr.example.cn:8443/api?x=1"), "https://hr.example.cn:8443");
  EXPECT_EQ(originOf("http://h"), "http://h");
  EXPECT_EQ(originOf("/relative"), "");
  EXPECT_EQ(pathAndQueryOf("https://h:1/api/movements?page=3#f"), "/api/movements?page=3");
  EXPECT_EQ(pathAndQueryOf("https://h"), "/");
}

TEST(PageHasMore, UsesTheTotalWhenKnownAndAShortPageOtherwise) {
  EXPECT_TRUE(pageHasMore(1, 3, 3, 10));
  EXPECT_TRUE(pageHasMore(3, 3, 3, 10));
  EXPECT_FALSE(pageHasMore(4, 3, 1, 10));
  EXPECT_FALSE(pageHasMore(2, 5, 5, 10));  // exactly full: the total says it is the last
  EXPECT_TRUE(pageHasMore(2, 5, 5, std::nullopt));
  EXPECT_FALSE(pageHasMore(2, 5, 4, std::nullopt));
  EXPECT_FALSE(pageHasMore(1, 5, 0, 100));  // an empty page ends any listing, whatever the total says
}

}  // namespace
}  // namespace staffchain::rest
