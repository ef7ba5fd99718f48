// Each canonical record type's columns bound to the record they fill: column I of the exchange
// format (plugin::canonicalColumnTable: name, kind, required) fills member I of the record, in
// declaration order, and the member after the last column is the record's Origin. Normalising a
// row, storing a record and reading it back follow from this, so a column is added in two places:
// the exchange-format table and the record struct (records.hpp), in the same position.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "staffchain/model/enums.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/plugin/canonical_columns.hpp"

namespace staffchain::model {

using plugin::CanonicalColumn;
using plugin::CellKind;

namespace detail {
template <typename R, std::size_t... I>
consteval std::size_t recordIndex(std::index_sequence<I...>) {
  constexpr bool is_alternative[] = {std::is_same_v<R, std::variant_alternative_t<I, Record>>...};
  for (std::size_t i = 0; i < sizeof...(I); ++i) {
    if (is_alternative[i]) return i;
  }
  return sizeof...(I);
}
template <typename R>
inline constexpr std::size_t kRecordIndex = recordIndex<R>(std::make_index_sequence<std::variant_size_v<Record>>{});
}  // namespace detail

// One of the canonical records (Unit, Quota, ... Death).
template <typename R>
concept CanonicalRecord = detail::kRecordIndex<std::remove_const_t<R>> < std::variant_size_v<Record>;

template <CanonicalRecord R>
inline constexpr RecordType kRecordTypeOf = static_cast<RecordType>(detail::kRecordIndex<R>);

// The exchange-format columns of a record struct.
template <CanonicalRecord R>
inline constexpr std::span<const CanonicalColumn> kColumnsOf = plugin::canonicalColumnTable(kRecordTypeOf<R>);

// A record of the given type with every member default (Unit{} for a type out of range).
Record emptyRecord(RecordType type) noexcept;

// The position of a column, found at compile time: a misspelt name does not compile.
consteval std::size_t columnIndex(RecordType type, std::string_view name) {
  const auto index = plugin::canonicalColumnIndex(type, name);
  if (!index) throw "no canonical column of that name";  // not a constant expression: a compile error
  return *index;
}

// The members of a record in declaration order, as references (const for a const record).
// Binding them one by one is what checks, at compile time, that the record has exactly one
// member per column and the Origin.
template <typename R>
requires CanonicalRecord<R>
constexpr auto tieMembers(R& r) noexcept {
  constexpr std::size_t n = kColumnsOf<std::remove_const_t<R>>.size() + 1;
  if constexpr (n == 2) {
    auto& [a, b] = r;
    return std::tie(a, b);
  } else if constexpr (n == 3) {
    auto& [a, b, c] = r;
    return std::tie(a, b, c);
  } else if constexpr (n == 4) {
    auto& [a, b, c, d] = r;
    return std::tie(a, b, c, d);
  } else if constexpr (n == 5) {
    auto& [a, b, c, d, e] = r;
    return std::tie(a, b, c, d, e);
  } else if constexpr (n == 6) {
    auto& [a, b, c, d, e, f] = r;
    return std::tie(a, b, c, d, e, f);
  } else if constexpr (n == 7) {
    auto& [a, b, c, d, e, f, g] = r;
    return std::tie(a, b, c, d, e, f, g);
  } else if constexpr (n == 8) {
    auto& [a, b, c, d, e, f, g, h] = r;
    return std::tie(a, b, c, d, e, f, g, h);
  } else if constexpr (n == 9) {
    auto& [a, b, c, d, e, f, g, h, i] = r;
    return std::tie(a, b, c, d, e, f, g, h, i);
  } else if constexpr (n == 10) {
    auto& [a, b, c, d, e, f, g, h, i, j] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j);
  } else if constexpr (n == 11) {
    auto& [a, b, c, d, e, f, g, h, i, j, k] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k);
  } else if constexpr (n == 12) {
    auto& [a, b, c, d, e, f, g, h, i, j, k, l] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k, l);
  } else if constexpr (n == 13) {
    auto& [a, b, c, d, e, f, g, h, i, j, k, l, m] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m);
  } else if constexpr (n == 14) {
    auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, o] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, o);
  } else if constexpr (n == 15) {
    auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, o, p] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, o, p);
  } else if constexpr (n == 16) {
    auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q);
  } else {
    static_assert(n == 17, "a canonical file has at most 16 columns (RowView and the normaliser say so)");
    auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q, s] = r;
    return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, o, p, q, s);
  }
}

// The type of the member column I of R fills.
template <CanonicalRecord R, std::size_t I>
using ColumnMember = std::remove_cvref_t<std::tuple_element_t<I, decltype(tieMembers(std::declval<R&>()))>>;

namespace detail {
template <typename R, typename Visit, std::size_t... I>
constexpr void visitColumns(R& record, Visit& visit, std::index_sequence<I...>) {
  auto members = tieMembers(record);
  (visit(std::integral_constant<std::size_t, I>{}, std::get<I>(members)), ...);
}
}  // namespace detail

// Calls visit(std::integral_constant<std::size_t, I>{}, member) for each column I in order, so
// that kColumnsOf<R>[I] and the member's type are known at compile time.
template <typename R, typename Visit>
requires CanonicalRecord<R>
constexpr void forEachColumn(R& record, Visit&& visit) {
  detail::visitColumns(record, visit, std::make_index_sequence<kColumnsOf<std::remove_const_t<R>>.size()>{});
}

// The parser of each code list, chosen by its type.
inline std::optional<UnitKind> parseCode(std::string_view text, std::type_identity<UnitKind>) noexcept {
  return parseUnitKind(text);
}
inline std::optional<Funding> parseCode(std::string_view text, std::type_identity<Funding>) noexcept {
  return parseFunding(text);
}
inline std::optional<EstabType> parseCode(std::string_view text, std::type_identity<EstabType>) noexcept {
  return parseEstabType(text);
}
inline std::optional<LeaderLevel> parseCode(std::string_view text, std::type_identity<LeaderLevel>) noexcept {
  return parseLeaderLevel(text);
}
inline std::optional<LeaderRank> parseCode(std::string_view text, std::type_identity<LeaderRank>) noexcept {
  return parseLeaderRank(text);
}
inline std::optional<SourceRole> parseCode(std::string_view text, std::type_identity<SourceRole>) noexcept {
  return parseSourceRole(text);
}
inline std::optional<MovementKind> parseCode(std::string_view text, std::type_identity<MovementKind>) noexcept {
  return parseMovementKind(text);
}

// An enumeration a code column holds: it has a parser and a canonical code (toString).
template <typename E>
concept CodeList = std::is_enum_v<E> && requires(std::string_view text, E value) {
  { parseCode(text, std::type_identity<E>{}) } -> std::same_as<std::optional<E>>;
  { toString(value) } -> std::convertible_to<std::string_view>;
};

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// The value a member holds: T for T and for std::optional<T>.
template <typename T>
struct MemberValueOf {
  using type = T;
};
template <typename T>
struct MemberValueOf<std::optional<T>> {
  using type = T;
};
template <typename T>
using MemberValue = typename MemberValueOf<T>::type;

// Whether a member of type V (optional or not) can hold a cell of this kind.
template <typename V>
consteval bool holdsKind(CellKind kind) {
  switch (kind) {
    case CellKind::text:
    case CellKind::region_code:
      return std::is_same_v<V, std::string>;
    case CellKind::citizen_id:
      return std::is_same_v<V, PersonId>;
    case CellKind::credit_code:
      return std::is_same_v<V, UnitId>;
    case CellKind::code:
      return CodeList<V>;
    case CellKind::date:
      return std::is_same_v<V, Date>;
    case CellKind::month:
      return std::is_same_v<V, Month>;
    case CellKind::count:
      return std::is_same_v<V, std::int32_t>;
    case CellKind::amount:
      return std::is_same_v<V, std::int64_t>;  // in fen
  }
  return false;
}

// Whether an empty cell has a value of its own in the member: text reads as "", a code list
// as its empty code (LeaderLevel::none). Other optional columns need a std::optional member.
constexpr bool emptyIsAValue(CellKind kind) noexcept {
  return kind == CellKind::text || kind == CellKind::region_code || kind == CellKind::code;
}

namespace detail {
template <typename R, std::size_t I>
consteval bool columnFitsMember() {
  constexpr CanonicalColumn column = kColumnsOf<R>[I];
  using Member = ColumnMember<R, I>;
  static_assert(holdsKind<MemberValue<Member>>(column.kind), "a member cannot hold its column's kind of cell");
  static_assert(!(column.required && kIsOptional<Member>), "a required column fills a member that is never empty");
  static_assert(column.required || kIsOptional<Member> || emptyIsAValue(column.kind),
                "an optional column of this kind needs a std::optional member");
  return true;
}
template <typename R, std::size_t... I>
consteval bool columnsFitMembers(std::index_sequence<I...>) {
  return (columnFitsMember<R, I>() && ...);
}
template <typename R>
consteval bool describesRecord() {
  using Members = decltype(tieMembers(std::declval<R&>()));
  static_assert(std::is_same_v<std::remove_cvref_t<std::tuple_element_t<kColumnsOf<R>.size(), Members>>, Origin>,
                "the member after the last column is the record's Origin");
  return columnsFitMembers<R>(std::make_index_sequence<kColumnsOf<R>.size()>{});
}
template <std::size_t... I>
consteval bool describesAllRecords(std::index_sequence<I...>) {
  return (describesRecord<std::variant_alternative_t<I, Record>>() && ...);
}
}  // namespace detail

static_assert(std::variant_size_v<Record> == plugin::kRecordTypeCount);
static_assert(detail::describesAllRecords(std::make_index_sequence<std::variant_size_v<Record>>{}));

}  // namespace staffchain::model
