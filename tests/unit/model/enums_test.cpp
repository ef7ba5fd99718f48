#include "staffchain/model/enums.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace staffchain::model {
namespace {

template <typename E>
void expectRoundTrip(std::size_t count, std::optional<E> (*parse)(std::string_view) noexcept) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto value = static_cast<E>(i);
    SCOPED_TRACE(std::string(toString(value)));
    EXPECT_FALSE(toString(value).empty());
    EXPECT_FALSE(chineseLabel(value).empty());
    EXPECT_EQ(parse(toString(value)), value);
    EXPECT_EQ(parse(chineseLabel(value)), value);
  }
}

TEST(Enums, CanonicalCodesAndLabelsRoundTrip) {
  expectRoundTrip<UnitKind>(kUnitKindCount, parseUnitKind);
  expectRoundTrip<Funding>(kFundingCount, parseFunding);
  expectRoundTrip<EstabType>(kEstabTypeCount, parseEstabType);
  expectRoundTrip<SourceRole>(4, parseSourceRole);
  expectRoundTrip<MovementKind>(kMovementKindCount, parseMovementKind);
  for (const auto level : {LeaderLevel::county, LeaderLevel::township}) {
    EXPECT_EQ(parseLeaderLevel(toString(level)), level);
    EXPECT_EQ(parseLeaderLevel(chineseLabel(level)), level);
  }
  for (const auto rank : {LeaderRank::chief, LeaderRank::deputy}) {
    EXPECT_EQ(parseLeaderRank(toString(rank)), rank);
    EXPECT_EQ(parseLeaderRank(chineseLabel(rank)), rank);
  }
}

TEST(Enums, CanonicalCodesAreThoseOfTheExchangeFormat) {
  EXPECT_EQ(toString(UnitKind::civil_service_managed), "civil_service_managed");
  EXPECT_EQ(toString(UnitKind::public_welfare_2), "public_welfare_2");
  EXPECT_EQ(toString(Funding::self), "self");
  EXPECT_EQ(toString(EstabType::political_legal), "political_legal");
  EXPECT_EQ(toString(EstabType::veteran_cadre), "veteran_cadre");
  EXPECT_EQ(toString(LeaderLevel::none), "");
  EXPECT_EQ(toString(LeaderRank::deputy), "deputy");
  EXPECT_EQ(toString(SourceRole::finance), "finance");
  EXPECT_EQ(toString(MovementKind::second_return), "second_return");
  EXPECT_EQ(toString(MovementKind::pay_stop), "pay_stop");
  EXPECT_EQ(chineseLabel(EstabType::admin), "行政编制");
  EXPECT_EQ(chineseLabel(Funding::full), "全额拨款");
  EXPECT_EQ(chineseLabel(MovementKind::retire), "退休");
}

TEST(Enums, EstabTypeSynonyms) {
  const std::vector<std::pair<std::string_view, EstabType>> table{{"行政编制", EstabType::admin},
                                                                  {"行政", EstabType::admin},
                                                                  {"政法专项编制", EstabType::political_legal},
                                                                  {"政法编制", EstabType::political_legal},
                                                                  {"事业编制", EstabType::institution},
                                                                  {"事业", EstabType::institution},
                                                                  {"工勤编制", EstabType::service},
                                                                  {"机关工勤编制", EstabType::service},
                                                                  {"工勤", EstabType::service},
                                                                  {"离退休干部工作编制", EstabType::veteran_cadre},
                                                                  {"老干部编制", EstabType::veteran_cadre}};
  for (const auto& [text, value] : table) EXPECT_EQ(parseEstabType(text), value) << text;
}

TEST(Enums, UnitKindSynonyms) {
  const std::vector<std::pair<std::string_view, UnitKind>> table{
      {"机关", UnitKind::organ},
      {"党政机关", UnitKind::organ},
      {"行政机关", UnitKind::organ},
      {"参照公务员法管理事业单位", UnitKind::civil_service_managed},
      {"参公事业单位", UnitKind::civil_service_managed},
      {"参公", UnitKind::civil_service_managed},
      {"公益一类", UnitKind::public_welfare_1},
      {"公益一类事业单位", UnitKind::public_welfare_1},
      {"公益二类", UnitKind::public_welfare_2},
      {"公益二类事业单位", UnitKind::public_welfare_2},
      {"经营类", UnitKind::business},
      {"生产经营类", UnitKind::business},
      {"经营类事业单位", UnitKind::business}};
  for (const auto& [text, value] : table) EXPECT_EQ(parseUnitKind(text), value) << text;
}

TEST(Enums, FundingSynonyms) {
  const std::vector<std::pair<std::string_view, Funding>> table{
      {"全额拨款", Funding::full},    {"全额", Funding::full},    {"差额拨款", Funding::partial},
      {"差额补助", Funding::partial}, {"差额", Funding::partial}, {"自收自支", Funding::self}};
  for (const auto& [text, value] : table) EXPECT_EQ(parseFunding(text), value) << text;
}

TEST(Enums, MovementKindSynonyms) {
  const std::vector<std::pair<std::string_view, MovementKind>> table{{"录用", MovementKind::hire},
                                                                     {"考录", MovementKind::hire},
                                                                     {"公务员考录", MovementKind::hire},
                                                                     {"公开招聘", MovementKind::hire},
                                                                     {"招聘", MovementKind::hire},
                                                                     {"调入", MovementKind::transfer_in},
                                                                     {"调任", MovementKind::transfer_in},
                                                                     {"调出", MovementKind::transfer_out},
                                                                     {"退休", MovementKind::retire},
                                                                     {"辞职", MovementKind::resign},
                                                                     {"辞退", MovementKind::dismiss},
                                                                     {"开除", MovementKind::dismiss},
                                                                     {"解聘", MovementKind::dismiss},
                                                                     {"死亡", MovementKind::death},
                                                                     {"去世", MovementKind::death},
                                                                     {"任职", MovementKind::appoint_leader},
                                                                     {"任命", MovementKind::appoint_leader},
                                                                     {"免职", MovementKind::remove_leader},
                                                                     {"借调", MovementKind::second_out},
                                                                     {"借出", MovementKind::second_out},
                                                                     {"借调返回", MovementKind::second_return},
                                                                     {"借调结束", MovementKind::second_return},
                                                                     {"上编", MovementKind::roster_add},
                                                                     {"入编", MovementKind::roster_add},
                                                                     {"下编", MovementKind::roster_remove},
                                                                     {"出编", MovementKind::roster_remove},
                                                                     {"起薪", MovementKind::pay_start},
                                                                     {"停薪", MovementKind::pay_stop}};
  for (const auto& [text, value] : table) EXPECT_EQ(parseMovementKind(text), value) << text;
}

TEST(Enums, LeaderLevelRankAndSourceSynonyms) {
  EXPECT_EQ(parseLeaderLevel("县处级"), LeaderLevel::county);
  EXPECT_EQ(parseLeaderLevel("县级"), LeaderLevel::county);
  EXPECT_EQ(parseLeaderLevel("乡科级"), LeaderLevel::township);
  EXPECT_EQ(parseLeaderLevel("乡级"), LeaderLevel::township);
  EXPECT_EQ(parseLeaderLevel(""), LeaderLevel::none);
  EXPECT_EQ(parseLeaderLevel("\xE3\x80\x80 "), LeaderLevel::none);
  EXPECT_EQ(parseLeaderRank("正职"), LeaderRank::chief);
  EXPECT_EQ(parseLeaderRank("正"), LeaderRank::chief);
  EXPECT_EQ(parseLeaderRank("副职"), LeaderRank::deputy);
  EXPECT_EQ(parseLeaderRank("副"), LeaderRank::deputy);
  EXPECT_EQ(parseLeaderRank(""), LeaderRank::none);
  EXPECT_EQ(parseSourceRole("编办"), SourceRole::estab);
  EXPECT_EQ(parseSourceRole("机构编制委员会办公室"), SourceRole::estab);
  EXPECT_EQ(parseSourceRole("组织部"), SourceRole::org);
  EXPECT_EQ(parseSourceRole("人社局"), SourceRole::hr);
  EXPECT_EQ(parseSourceRole("人力资源和社会保障局"), SourceRole::hr);
  EXPECT_EQ(parseSourceRole("财政局"), SourceRole::finance);
}

TEST(Enums, TrimsAsciiAndFullWidthSpaces) {
  EXPECT_EQ(parseEstabType("\xE3\x80\x80行政编制\xE3\x80\x80"), EstabType::admin);
  EXPECT_EQ(parseFunding("  full\t"), Funding::full);
  EXPECT_EQ(parseMovementKind(" \xE3\x80\x80退休 "), MovementKind::retire);
}

TEST(Enums, UnknownValuesAreRejected) {
  EXPECT_EQ(parseEstabType(""), std::nullopt);
  EXPECT_EQ(parseEstabType("编制"), std::nullopt);
  EXPECT_EQ(parseUnitKind("company"), std::nullopt);
  EXPECT_EQ(parseFunding("none"), std::nullopt);
  EXPECT_EQ(parseLeaderLevel("none"), std::nullopt);
  EXPECT_EQ(parseLeaderRank("厅级"), std::nullopt);
  EXPECT_EQ(parseSourceRole(""), std::nullopt);
  EXPECT_EQ(parseMovementKind("promote"), std::nullopt);
}

TEST(Enums, ExitAndHireKinds) {
  EXPECT_TRUE(isExit(MovementKind::death));
  EXPECT_TRUE(isExit(MovementKind::transfer_out));
  EXPECT_FALSE(isExit(MovementKind::second_out));
  EXPECT_TRUE(isHire(MovementKind::transfer_in));
  EXPECT_FALSE(isHire(MovementKind::roster_add));
}

}  // namespace
}  // namespace staffchain::model
