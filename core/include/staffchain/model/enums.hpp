// Names of the canonical enumerations: canonical English codes, Chinese labels, and the
// Chinese synonyms real systems export (行政编制 -> admin, 全额拨款 -> full, 退休 -> retire).
#pragma once

#include <optional>
#include <string_view>

#include "staffchain/model/records.hpp"

namespace staffchain::model {

// Canonical English code, as written in the exchange format ("admin", "public_welfare_1").
std::string_view toString(UnitKind value) noexcept;
std::string_view toString(Funding value) noexcept;
std::string_view toString(EstabType value) noexcept;
std::string_view toString(LeaderLevel value) noexcept;  // none -> ""
std::string_view toString(LeaderRank value) noexcept;   // none -> ""
std::string_view toString(SourceRole value) noexcept;
std::string_view toString(MovementKind value) noexcept;

// Chinese label for people ("行政编制", "全额拨款", "退休").
std::string_view chineseLabel(UnitKind value) noexcept;
std::string_view chineseLabel(Funding value) noexcept;
std::string_view chineseLabel(EstabType value) noexcept;
std::string_view chineseLabel(LeaderLevel value) noexcept;
std::string_view chineseLabel(LeaderRank value) noexcept;
std::string_view chineseLabel(SourceRole value) noexcept;
std::string_view chineseLabel(MovementKind value) noexcept;

// Accept the canonical code or any known Chinese synonym, after trimming ASCII and
// full-width spaces. std::nullopt when the value is unknown. Leader level/rank: an empty
// string parses as none.
std::optional<UnitKind> parseUnitKind(std::string_view text) noexcept;
std::optional<Funding> parseFunding(std::string_view text) noexcept;
std::optional<EstabType> parseEstabType(std::string_view text) noexcept;
std::optional<LeaderLevel> parseLeaderLevel(std::string_view text) noexcept;
std::optional<LeaderRank> parseLeaderRank(std::string_view text) noexcept;
std::optional<SourceRole> parseSourceRole(std::string_view text) noexcept;
std::optional<MovementKind> parseMovementKind(std::string_view text) noexcept;

// Exit kinds end a person's service in a unit: transfer_out, retire, resign, dismiss, death.
constexpr bool isExit(MovementKind kind) noexcept {
  return kind == MovementKind::transfer_out || kind == MovementKind::retire || kind == MovementKind::resign ||
         kind == MovementKind::dismiss || kind == MovementKind::death;
}
// Hire kinds bring a person into a unit: hire, transfer_in.
constexpr bool isHire(MovementKind kind) noexcept {
  return kind == MovementKind::hire || kind == MovementKind::transfer_in;
}

}  // namespace staffchain::model
