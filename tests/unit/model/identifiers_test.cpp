#include "staffchain/model/identifiers.hpp"

#include <gtest/gtest.h>

#include <string>

#include "staffchain/plugin/support/notice_mapping.hpp"

namespace staffchain::model {
namespace {

TEST(CitizenId, AcceptsTheValidExamplesOfTheStandard) {
  for (const std::string_view id : {"11010519491231002X", "440524188001010014", "150702198001011239"}) {
    const auto checked = checkCitizenId(id);
    ASSERT_TRUE(checked) << id << ": " << checked.reason;
    EXPECT_EQ(checked.value->view(), id);
  }
}

TEST(CitizenId, CheckCharacterFollowsTheWeights) {
  EXPECT_EQ(citizenIdCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(citizenIdCheckChar("44052418800101001"), '4');
}

TEST(CitizenId, AcceptsPersonsBornBefore1900) {
  const auto checked = checkCitizenId("440524188001010014");
  ASSERT_TRUE(checked);
  EXPECT_EQ(birthDateOf(*checked.value), Date::fromYmd(1880, 1, 1));
}

TEST(CitizenId, LowerCaseXIsUpperCased) {
  const auto checked = checkCitizenId("11010519491231002x");
  ASSERT_TRUE(checked) << checked.reason;
  EXPECT_EQ(checked.value->view(), "11010519491231002X");
}

TEST(CitizenId, TrimsAsciiAndFullWidthSpaces) {
  const auto checked = checkCitizenId("\xE3\x80\x80 11010519491231002X\t");
  ASSERT_TRUE(checked) << checked.reason;
  EXPECT_EQ(checked.value->view(), "11010519491231002X");
}

TEST(CitizenId, UpgradesLegacyFifteenDigitIdToItsEighteenDigitForm) {
  const auto legacy = checkCitizenId("150702800101123");
  const auto modern = checkCitizenId("150702198001011239");
  ASSERT_TRUE(legacy) << legacy.reason;
  ASSERT_TRUE(modern);
  EXPECT_EQ(*legacy.value, *modern.value);
}

TEST(CitizenId, LegacyIdWithImpossibleDateIsRejected) {
  const auto checked = checkCitizenId("150702801301123");
  EXPECT_FALSE(checked);
  EXPECT_NE(checked.reason.find("birth date"), std::string::npos) << checked.reason;
}

struct InvalidCase {
  std::string_view id;
  std::string_view reason_part;
};

class InvalidCitizenId : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidCitizenId, IsRejectedWithAReason) {
  const auto checked = checkCitizenId(GetParam().id);
  EXPECT_FALSE(checked) << GetParam().id;
  EXPECT_FALSE(checked.value.has_value());
  EXPECT_NE(checked.reason.find(GetParam().reason_part), std::string::npos)
      << GetParam().id << " gave: " << checked.reason;
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidCitizenId,
                         testing::Values(InvalidCase{"110105194912310023", "check digit is 3, expected X"},
                                         InvalidCase{"440524188001010015", "check digit is 5, expected 4"},
                                         InvalidCase{"110105194913310021", "birth date 19491331 is not a real date"},
                                         InvalidCase{"110105190002290023",
                                                     "birth date 19000229"},               // 1900 was not a leap year
                                         InvalidCase{"110105179901010023", "birth date"},  // before 1800
                                         InvalidCase{"11010519491231002", "has 17 characters"},
                                         InvalidCase{"11010519491231002XX", "has 19 characters"},
                                         InvalidCase{"1101051949123100AX", "position 17 is not a digit"},
                                         InvalidCase{"A1010519491231002X", "position 1 is not a digit"},
                                         InvalidCase{"11010519491231002Y", "last character 'Y'"},
                                         InvalidCase{"", "is empty"}, InvalidCase{"15070280010112A", "not a digit"}));

// normalise folds full-width digits before any check; read unfolded (by another caller), such a
// value still gets a reason that makes sense: characters are counted and quoted, not bytes (it
// used to say "has 18 characters, expected 18").
TEST(CitizenId, ReasonsCountAndQuoteCharactersNotBytes) {
  EXPECT_EQ(checkCitizenId("１５０７０２１９８００１０１１２３９").reason,
            "character '１' at position 1 is not a digit");
  EXPECT_EQ(checkCitizenId("１５０７０２８００１０１１２３").reason, "character '１' at position 1 is not a digit");
  EXPECT_EQ(checkCitizenId("150702一九8001011239").reason, "character '一' at position 7 is not a digit");
  EXPECT_EQ(checkCitizenId("15070219800101123Ｘ").reason, "last character 'Ｘ' is not a digit or X");
  EXPECT_EQ(checkCitizenId("１５０７０２１９８００１０１１２３").reason,
            "has 17 characters, expected 18 (or a legacy 15-digit id)");
  EXPECT_EQ(checkCitizenId(std::string("150702") + '\x01' + "98001011239").reason,
            "a control character at position 7 is not a digit");
}

TEST(CitizenId, BirthDateSexAndRegion) {
  const auto man = checkCitizenId("150702198001011239");
  const auto woman = checkCitizenId("150702198506120027");
  ASSERT_TRUE(man);
  ASSERT_TRUE(woman);
  EXPECT_EQ(birthDateOf(*man.value), Date::fromYmd(1980, 1, 1));
  EXPECT_EQ(sexOf(*man.value), Sex::male);
  EXPECT_EQ(sexOf(*woman.value), Sex::female);
  EXPECT_EQ(regionOf(*woman.value), "150702");
}

TEST(CreditCode, AcceptsValidCodes) {
  for (const std::string_view code : {"91350100M000100Y43", "11150700MB12345678", "12150700MB0000011H"}) {
    const auto checked = checkCreditCode(code);
    ASSERT_TRUE(checked) << code << ": " << checked.reason;
    EXPECT_EQ(checked.value->view(), code);
  }
}

TEST(CreditCode, LowerCaseIsUpperCased) {
  const auto checked = checkCreditCode(" 91350100m000100y43 ");
  ASSERT_TRUE(checked) << checked.reason;
  EXPECT_EQ(checked.value->view(), "91350100M000100Y43");
}

TEST(CreditCode, CheckCharacterFollowsTheWeights) {
  EXPECT_EQ(creditCodeCheckChar("91350100M000100Y4"), '3');
  EXPECT_EQ(creditCodeCheckChar("12150700MB0000011"), 'H');
}

TEST(CreditCode, ReasonsCountAndQuoteCharactersNotBytes) {
  EXPECT_EQ(
      checkCreditCode("１２１５０７００ＭＢ０００００１１Ｈ").reason,
      "character '１' at position 1 is not in the credit-code alphabet (digits and capitals except I, O, S, V, Z)");
  EXPECT_NE(checkCreditCode("12150700MB000001１H").reason.find("character '１' at position 17 "), std::string::npos);
  EXPECT_EQ(checkCreditCode("单位12150700MB0000011H").reason, "has 20 characters, expected 18");
  // A stray UTF-8 continuation byte is no character, but it is no part of a code either.
  EXPECT_FALSE(checkCreditCode("11150700010000039C\xBA"));
  EXPECT_FALSE(checkCitizenId(std::string("15070219800101123") + '\xBA' + '9'));
  EXPECT_FALSE(checkCitizenId("150702800101123\xBA"));
}

class InvalidCreditCode : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidCreditCode, IsRejectedWithAReason) {
  const auto checked = checkCreditCode(GetParam().id);
  EXPECT_FALSE(checked) << GetParam().id;
  EXPECT_NE(checked.reason.find(GetParam().reason_part), std::string::npos)
      << GetParam().id << " gave: " << checked.reason;
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidCreditCode,
                         testing::Values(InvalidCase{"91350100M000100Y44", "check character is 4, expected 3"},
                                         InvalidCase{"91350100I000100Y43", "character 'I' at position 9"},
                                         InvalidCase{"91350100O000100Y43", "character 'O' at position 9"},
                                         InvalidCase{"91350100S000100Y43", "'S'"},
                                         InvalidCase{"91350100M000100Y4", "has 17 characters"},
                                         InvalidCase{"91350100M000100Y4-", "'-'"}, InvalidCase{"", "is empty"}));

TEST(RegionCode, AcceptsSixDigitsWithAProvincePrefix) {
  for (const std::string_view code : {"150702", "110105", "710000", "820000", "650100"}) {
    const auto checked = checkRegionCode(code);
    ASSERT_TRUE(checked) << code << ": " << checked.reason;
    EXPECT_EQ(*checked.value, code);
  }
}

TEST(RegionCode, RejectsUnknownProvincesAndBadShapes) {
  for (const std::string_view code : {"990702", "100000", "160000", "72000", "1507021", "15070A", ""}) {
    EXPECT_FALSE(checkRegionCode(code)) << code;
  }
  EXPECT_NE(checkRegionCode("990702").reason.find("province prefix 99"), std::string::npos);
}

TEST(RegionCode, NamesTheHulunbuirTable) {
  EXPECT_EQ(regionName("150700"), "呼伦贝尔市");
  EXPECT_EQ(regionName("150702"), "海拉尔区");
  EXPECT_EQ(regionName("150722"), "莫力达瓦达斡尔族自治旗");
  EXPECT_EQ(regionName("150785"), "根河市");
  EXPECT_EQ(regionName("110105"), "");
}

TEST(Masking, KeepsFirstSixAndLastFour) {
  EXPECT_EQ(maskCitizenId("15070219800101123X"), "150702********123X");
  EXPECT_EQ(maskCitizenId("150702800101123"), "150702*****1123");
}

TEST(Masking, MasksEveryIdInText) {
  EXPECT_EQ(maskCitizenIds("hire 15070219800101123X at 11150700MB12345678; old id 150702800101123."),
            "hire 150702********123X at 11150700MB12345678; old id 150702*****1123.");
  EXPECT_EQ(maskCitizenIds("身份证11010519491231002x，已上编"), "身份证110105********002x，已上编");
  EXPECT_EQ(maskCitizenIds("person_id=440524188001010014"), "person_id=440524********0014");
}

TEST(Masking, MasksFullWidthIdsCharacterByCharacter) {
  EXPECT_EQ(maskCitizenIds("身份证１５０７０２１９８００１０１１２３９已上编"),
            "身份证１５０７０２＊＊＊＊＊＊＊＊１２３９已上编");
  EXPECT_EQ(maskCitizenIds("id=１１０１０５１９４９１２３１００２ｘ."), "id=１１０１０５＊＊＊＊＊＊＊＊００２ｘ.");
  EXPECT_EQ(maskCitizenIds("150702１９８００１０１1239"), "150702＊＊＊＊＊＊＊＊1239");  // widths mixed
  EXPECT_EQ(maskCitizenIds("旧号１５０７０２８００１０１１２３"), "旧号１５０７０２＊＊＊＊＊１１２３");
  EXPECT_EQ(maskCitizenIds("ａ１５０７０２１９８００１０１１２３９"),
            "ａ１５０７０２１９８００１０１１２３９");  // 19 characters
}

// Units registered by the establishment office often have codes of 17 digits and a digit or X:
// valid credit codes, not valid citizen ids, and they must stay readable in every message.
TEST(Masking, LeavesUnitCreditCodesReadableEvenWhenShapedLikeIds) {
  for (const std::string_view code : {"12150700000237571X", "12150700000380113X", "111507020000079200"}) {
    ASSERT_TRUE(checkCreditCode(code)) << code;
    ASSERT_FALSE(checkCitizenId(code)) << code;
    const std::string line = "unit " + std::string(code) + " paid 3 persons";
    EXPECT_EQ(maskCitizenIds(line), line);
  }
  EXPECT_EQ(maskCitizenIds("单位１２１５０７００００２３７５７１Ｘ"), "单位１２１５０７００００２３７５７１Ｘ");
}

TEST(Masking, MasksWhatIsBothAValidIdAndAValidCreditCode) {
  // About one citizen id in 31 passes the credit code's check too, so an ambiguous run is an id.
  ASSERT_TRUE(checkCitizenId("121507198001010478"));
  ASSERT_TRUE(checkCreditCode("121507198001010478"));
  EXPECT_EQ(maskCitizenIds("121507198001010478"), "121507********0478");
}

TEST(Masking, MasksMistypedIdsThatAreNoCreditCodeEither) {
  EXPECT_EQ(maskCitizenIds("person_id \"150702198001011230\": check digit is 0, expected 9"),
            "person_id \"150702********1230\": check digit is 0, expected 9");
  // A credit code with a wrong check character cannot be told from a mistyped id: masked.
  EXPECT_EQ(maskCitizenIds("121507000002375710"), "121507********5710");
  // Passes the credit code's MOD 31 check, but no unit code starts 15 (authority 1 has no kind 5).
  ASSERT_TRUE(checkCreditCode("15070219800101123X"));
  EXPECT_EQ(maskCitizenIds("15070219800101123X"), "150702********123X");
}

TEST(Masking, MasksFifteenDigitsOnlyAroundARealBirthDate) {
  EXPECT_EQ(maskCitizenIds("old id 150702800101123"), "old id 150702*****1123");
  EXPECT_EQ(maskCitizenIds("注册号150702000012345"), "注册号150702000012345");  // "000012" is no date
}

TEST(Masking, ReturnsTheTextItselfWhenNothingIsMasked) {
  std::string buffer;
  const std::string_view line = "2024-07-01 单位 12150700000237571X 同步 1234 行, 11150700MB12345678";
  const auto same = maskCitizenIds(line, buffer);
  EXPECT_EQ(same.data(), line.data());
  EXPECT_EQ(same.size(), line.size());
  EXPECT_TRUE(buffer.empty());

  const std::string_view with_id = "person 150702198001011239 of unit 12150700000237571X";
  const auto masked = maskCitizenIds(with_id, buffer);
  EXPECT_EQ(masked, "person 150702********1239 of unit 12150700000237571X");
  EXPECT_EQ(masked.data(), buffer.data());
}

TEST(Masking, AgreesWithTheNoticeMaskingOfThePluginSdk) {
  for (const std::string_view id : {"150702198001011239", "11010519491231002x", "１５０７０２１９８００１０１１２３９",
                                    "１１０１０５１９４９１２３１００２Ｘ", "150702800101123"}) {
    EXPECT_EQ(plugin::maskCitizenIdValue(id), maskCitizenIds(id)) << id;
  }
}

TEST(Masking, LeavesLongerAlphanumericRunsAlone) {
  const std::string twenty = "12345678901234567890";
  EXPECT_EQ(maskCitizenIds("card " + twenty), "card " + twenty);
  EXPECT_EQ(maskCitizenIds("a15070219800101123X"), "a15070219800101123X");
  EXPECT_EQ(maskCitizenIds("15070219800101123X9"), "15070219800101123X9");
  EXPECT_EQ(maskCitizenIds("1234567890123456"), "1234567890123456");  // 16 digits
  EXPECT_EQ(maskCitizenIds(""), "");
  EXPECT_EQ(maskCitizenIds("no ids here"), "no ids here");
}

}  // namespace
}  // namespace staffchain::model
