// Attribute paths into SCIM resources: core, nested, indexed, selected and URN-qualified.
#include "scim_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace staffchain::scim {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kUser = json::parse(R"({
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "id": "2819c223", "externalId": "11010519491231002X", "userName": "liming", "active": true,
  "name": {"familyName": "Li", "givenName": "Ming"},
  "emails": [{"value": "home@example.cn", "type": "home"},
             {"value": "work@example.cn", "type": "work", "primary": true}],
  "phoneNumbers": [{"value": "0470-1"}, {"value": "0470-2"}],
  "x509Certificates": [],
  "meta": {"lastModified": "2024-05-01T08:00:00+08:00"},
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "department": "12150700MB0000001X", "organization": "Hulunbuir", "manager": {"value": "26118915"}},
  "urn:example:scim:schemas:extension:staffing:1.0:User": {"estabType": "admin", "enteredOn": "20240501",
                                                           "grade": 3, "posts": [{"code": "P1"}]}
})");

std::optional<std::string> resolve(std::string_view path, const json& resource = kUser) {
  auto parsed = ScimPath::parse(path);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  if (!parsed) return std::nullopt;
  auto value = parsed->resolve(resource);
  EXPECT_TRUE(value.ok()) << value.error().message;
  return value ? value.value() : std::nullopt;
}

TEST(ScimPath, CoreAttributesNestedAndCaseInsensitive) {
  EXPECT_EQ(resolve("externalId"), "11010519491231002X");
  EXPECT_EQ(resolve("name.familyName"), "Li");
  EXPECT_EQ(resolve("NAME.givenname"), "Ming");
  EXPECT_EQ(resolve("meta.lastModified"), "2024-05-01T08:00:00+08:00");
  EXPECT_EQ(resolve("active"), "true");
  EXPECT_EQ(resolve("nickName"), std::nullopt);
  EXPECT_EQ(resolve("name.middleName"), std::nullopt);
}

TEST(ScimPath, IndexesSelectorsAndThePrimaryDefault) {
  EXPECT_EQ(resolve("emails[0].value"), "home@example.cn");
  EXPECT_EQ(resolve("emails[1].value"), "work@example.cn");
  EXPECT_EQ(resolve("emails[2].value"), std::nullopt);
  EXPECT_EQ(resolve("emails[type eq \"work\"].value"), "work@example.cn");
  EXPECT_EQ(resolve("emails[type eq \"HOME\"].value"), "home@example.cn");
  EXPECT_EQ(resolve("emails[type eq \"other\"].value"), std::nullopt);
  EXPECT_EQ(resolve("emails.value"), "work@example.cn");       // the primary one
  EXPECT_EQ(resolve("phoneNumbers.value"), "0470-1");          // no primary: the first
  EXPECT_EQ(resolve("x509Certificates.value"), std::nullopt);  // empty
}

TEST(ScimPath, EnterpriseAndCustomExtensionsByUrn) {
  EXPECT_EQ(resolve("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"), "12150700MB0000001X");
  EXPECT_EQ(resolve("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"), "26118915");
  EXPECT_EQ(resolve("URN:IETF:params:scim:schemas:extension:enterprise:2.0:user:Organization"), "Hulunbuir");
  EXPECT_EQ(resolve("urn:example:scim:schemas:extension:staffing:1.0:User:estabType"), "admin");
  EXPECT_EQ(resolve("urn:example:scim:schemas:extension:staffing:1.0:User:grade"), "3");
  EXPECT_EQ(resolve("urn:example:scim:schemas:extension:staffing:1.0:User:posts[0].code"), "P1");
  EXPECT_EQ(resolve("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName"), "Li");
  EXPECT_EQ(resolve("urn:example:scim:schemas:extension:absent:1.0:User:department"), std::nullopt);
  auto parsed = ScimPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->schema(), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
}

TEST(ScimPath, AWholeObjectIsAnErrorNotAValue) {
  auto path = ScimPath::parse("name");
  ASSERT_TRUE(path.ok());
  auto value = path->resolve(kUser);
  ASSERT_FALSE(value.ok());
  EXPECT_THAT(value.error().message, HasSubstr("name is an object, not a single value"));
  auto indexed = ScimPath::parse("userName[0]");
  ASSERT_TRUE(indexed.ok());
  auto not_multi = indexed->resolve(kUser);
  ASSERT_FALSE(not_multi.ok());
  EXPECT_THAT(not_multi.error().message, HasSubstr("\"userName\" is not multi-valued"));
}

TEST(ScimPath, SyntaxErrorsNameThePathAndPlace) {
  for (const auto* bad :
       {"", "name..familyName", "emails[0", "emails[type = \"work\"]", "name.", "a b",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:", "urn:nothing", "emails[type eq work]"}) {
    auto parsed = ScimPath::parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed) {
      EXPECT_THAT(parsed.error().message, HasSubstr(std::string("attribute path \"") + bad + "\""));
    }
  }
  auto parsed = ScimPath::parse("name..familyName");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.error().message, HasSubstr("expected an attribute name at character 6"));
}

}  // namespace
}  // namespace staffchain::scim
