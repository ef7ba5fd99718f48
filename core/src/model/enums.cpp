#include "staffchain/model/enums.hpp"

#include <array>
#include <cstddef>

#include "text.hpp"

namespace staffchain::model {
namespace {

// Code and label of each value, in enum order, so that toString is an index.
struct Names {
  std::string_view code;
  std::string_view label;
};

template <typename E>
struct Synonym {
  std::string_view text;
  E value;
};

constexpr std::array<Names, kUnitKindCount> kUnitKindNames{{
    {"organ", "机关"},
    {"civil_service_managed", "参照公务员法管理事业单位"},
    {"public_welfare_1", "公益一类事业单位"},
    {"public_welfare_2", "公益二类事业单位"},
    {"business", "生产经营类事业单位"},
}};
constexpr std::array<Synonym<UnitKind>, 14> kUnitKindSynonyms{{
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
    {"经营类事业单位", UnitKind::business},
    {"生产经营类事业单位", UnitKind::business},
}};

constexpr std::array<Names, kFundingCount> kFundingNames{{
    {"full", "全额拨款"},
    {"partial", "差额拨款"},
    {"self", "自收自支"},
}};
constexpr std::array<Synonym<Funding>, 6> kFundingSynonyms{{
    {"全额拨款", Funding::full},
    {"全额", Funding::full},
    {"差额拨款", Funding::partial},
    {"差额补助", Funding::partial},
    {"差额", Funding::partial},
    {"自收自支", Funding::self},
}};

constexpr std::array<Names, kEstabTypeCount> kEstabTypeNames{{
    {"admin", "行政编制"},
    {"political_legal", "政法专项编制"},
    {"institution", "事业编制"},
    {"service", "工勤编制"},
    {"veteran_cadre", "离退休干部工作编制"},
}};
constexpr std::array<Synonym<EstabType>, 11> kEstabTypeSynonyms{{
    {"行政编制", EstabType::admin},
    {"行政", EstabType::admin},
    {"政法专项编制", EstabType::political_legal},
    {"政法编制", EstabType::political_legal},
    {"事业编制", EstabType::institution},
    {"事业", EstabType::institution},
    {"工勤编制", EstabType::service},
    {"机关工勤编制", EstabType::service},
    {"工勤", EstabType::service},
    {"离退休干部工作编制", EstabType::veteran_cadre},
    {"老干部编制", EstabType::veteran_cadre},
}};

// Level and rank have a "none" value first: the empty cell.
constexpr std::array<Names, 3> kLeaderLevelNames{{
    {"", ""},
    {"county", "县处级"},
    {"township", "乡科级"},
}};
constexpr std::array<Synonym<LeaderLevel>, 4> kLeaderLevelSynonyms{{
    {"县处级", LeaderLevel::county},
    {"县级", LeaderLevel::county},
    {"乡科级", LeaderLevel::township},
    {"乡级", LeaderLevel::township},
}};

constexpr std::array<Names, 3> kLeaderRankNames{{
    {"", ""},
    {"chief", "正职"},
    {"deputy", "副职"},
}};
constexpr std::array<Synonym<LeaderRank>, 4> kLeaderRankSynonyms{{
    {"正职", LeaderRank::chief},
    {"正", LeaderRank::chief},
    {"副职", LeaderRank::deputy},
    {"副", LeaderRank::deputy},
}};

constexpr std::array<Names, 4> kSourceRoleNames{{
    {"estab", "编办"},
    {"org", "组织部"},
    {"hr", "人社局"},
    {"finance", "财政局"},
}};
constexpr std::array<Synonym<SourceRole>, 6> kSourceRoleSynonyms{{
    {"编办", SourceRole::estab},
    {"机构编制委员会办公室", SourceRole::estab},
    {"组织部", SourceRole::org},
    {"人社局", SourceRole::hr},
    {"人力资源和社会保障局", SourceRole::hr},
    {"财政局", SourceRole::finance},
}};

constexpr std::array<Names, kMovementKindCount> kMovementKindNames{{
    {"hire", "录用"},
    {"transfer_in", "调入"},
    {"transfer_out", "调出"},
    {"retire", "退休"},
    {"resign", "辞职"},
    {"dismiss", "辞退"},
    {"death", "死亡"},
    {"appoint_leader", "任职"},
    {"remove_leader", "免职"},
    {"second_out", "借调"},
    {"second_return", "借调返回"},
    {"roster_add", "上编"},
    {"roster_remove", "下编"},
    {"pay_start", "起薪"},
    {"pay_stop", "停薪"},
}};
constexpr std::array<Synonym<MovementKind>, 28> kMovementKindSynonyms{{
    {"录用", MovementKind::hire},
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
    {"停薪", MovementKind::pay_stop},
}};

template <typename E, std::size_t N>
std::string_view codeOf(const std::array<Names, N>& names, E value) noexcept {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index].code : std::string_view{};
}

template <typename E, std::size_t N>
std::string_view labelOf(const std::array<Names, N>& names, E value) noexcept {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index].label : std::string_view{};
}

// Canonical codes are matched without regard to ASCII case (some exports upper-case every
// cell); synonyms exactly, after trimming. Empty never matches here: callers that accept
// an empty cell handle it themselves.
template <typename E, std::size_t N, std::size_t M>
std::optional<E> parseWith(std::string_view text, const std::array<Names, N>& names,
                           const std::array<Synonym<E>, M>& synonyms) noexcept {
  text = detail::trim(text);
  if (text.empty()) return std::nullopt;
  for (std::size_t i = 0; i < N; ++i) {
    if (!names[i].code.empty() && detail::equalsIgnoreAsciiCase(text, names[i].code)) return static_cast<E>(i);
  }
  for (const auto& synonym : synonyms) {
    if (synonym.text == text) return synonym.value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view toString(UnitKind value) noexcept {
  return codeOf(kUnitKindNames, value);
}
std::string_view toString(Funding value) noexcept {
  return codeOf(kFundingNames, value);
}
std::string_view toString(EstabType value) noexcept {
  return codeOf(kEstabTypeNames, value);
}
std::string_view toString(LeaderLevel value) noexcept {
  return codeOf(kLeaderLevelNames, value);
}
std::string_view toString(LeaderRank value) noexcept {
  return codeOf(kLeaderRankNames, value);
}
std::string_view toString(SourceRole value) noexcept {
  return codeOf(kSourceRoleNames, value);
}
std::string_view toString(MovementKind value) noexcept {
  return codeOf(kMovementKindNames, value);
}

std::string_view chineseLabel(UnitKind value) noexcept {
  return labelOf(kUnitKindNames, value);
}
std::string_view chineseLabel(Funding value) noexcept {
  return labelOf(kFundingNames, value);
}
std::string_view chineseLabel(EstabType value) noexcept {
  return labelOf(kEstabTypeNames, value);
}
std::string_view chineseLabel(LeaderLevel value) noexcept {
  return labelOf(kLeaderLevelNames, value);
}
std::string_view chineseLabel(LeaderRank value) noexcept {
  return labelOf(kLeaderRankNames, value);
}
std::string_view chineseLabel(SourceRole value) noexcept {
  return labelOf(kSourceRoleNames, value);
}
std::string_view chineseLabel(MovementKind value) noexcept {
  return labelOf(kMovementKindNames, value);
}

std::optional<UnitKind> parseUnitKind(std::string_view text) noexcept {
  return parseWith(text, kUnitKindNames, kUnitKindSynonyms);
}
std::optional<Funding> parseFunding(std::string_view text) noexcept {
  return parseWith(text, kFundingNames, kFundingSynonyms);
}
std::optional<EstabType> parseEstabType(std::string_view text) noexcept {
  return parseWith(text, kEstabTypeNames, kEstabTypeSynonyms);
}
std::optional<LeaderLevel> parseLeaderLevel(std::string_view text) noexcept {
  if (detail::trim(text).empty()) return LeaderLevel::none;
  return parseWith(text, kLeaderLevelNames, kLeaderLevelSynonyms);
}
std::optional<LeaderRank> parseLeaderRank(std::string_view text) noexcept {
  if (detail::trim(text).empty()) return LeaderRank::none;
  return parseWith(text, kLeaderRankNames, kLeaderRankSynonyms);
}
std::optional<SourceRole> parseSourceRole(std::string_view text) noexcept {
  return parseWith(text, kSourceRoleNames, kSourceRoleSynonyms);
}
std::optional<MovementKind> parseMovementKind(std::string_view text) noexcept {
  return parseWith(text, kMovementKindNames, kMovementKindSynonyms);
}

}  // namespace staffchain::model
