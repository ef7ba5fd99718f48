// The vocabulary of the generated world: Hulunbuir's regions and townships, the kinds of
// public bodies each region has, and the names people there carry.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "staffchain/model/records.hpp"

namespace staffchain::gen::detail {

struct RegionInfo {
  std::string_view code;     // GB/T 2260
  std::string_view name;     // "阿荣旗"
  std::string_view doc_tag;  // the establishment office's document prefix, "阿编发"
  double share;              // of the city's budget-paid staff
  std::span<const std::string_view> townships;
};
std::span<const RegionInfo> regions() noexcept;
inline constexpr std::uint8_t kCityRegion = 0;  // 呼伦贝尔市 itself

// Which competent department a body hangs under (its parent_id), by role.
enum class Parent : std::uint8_t { none, education, health, hrss, forestry, culture, agriculture, township };

// A kind of body a region has ("教育局", "第一中学"). `weight` is its relative size.
struct UnitTemplate {
  std::string_view suffix;
  model::UnitKind kind;
  bool political_legal;  // 公检法司: political-legal posts
  bool mass_org;         // 群团: credit code prefix 13
  double weight;
  Parent parent;
  Parent role;  // the role this body plays for its children, none if it has none
};
// In the order a small region gets them: the first few mix every kind.
std::span<const UnitTemplate> regionTemplates() noexcept;
// Per township: its government and service bodies ("{镇}人民政府").
std::span<const UnitTemplate> townshipTemplates() noexcept;
// Numbered bodies that extend a region without bound ("第十二小学"): suffix is a pattern
// with "{}" where the ordinal number goes.
std::span<const UnitTemplate> numberedTemplates() noexcept;

// "十二", "一百零五": Chinese numerals for names.
std::string chineseNumber(std::uint32_t n);

// Person names: a Han surname plus one or two given characters, or a Mongolian name.
struct NameParts {
  std::uint16_t a = 0;
  std::uint16_t b = 0;
  std::uint16_t c = 0;
  std::uint8_t style = 0;  // 0: surname+1, 1: surname+2, 2: Mongolian full name
};
std::string_view surname(std::uint16_t i) noexcept;
std::string_view givenChar(bool male, std::uint16_t i) noexcept;
std::string_view mongolianName(bool male, std::uint16_t i) noexcept;
std::uint16_t surnameCount() noexcept;
std::uint16_t givenCount(bool male) noexcept;
std::uint16_t mongolianCount(bool male) noexcept;

}  // namespace staffchain::gen::detail
