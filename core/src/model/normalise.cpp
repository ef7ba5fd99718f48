#include "staffchain/model/normalise.hpp"

#include <fmt/format.h>

#include <array>
#include <memory>
#include <string>

#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/model/record_columns.hpp"
#include "text.hpp"

namespace staffchain::model {
namespace {

// Whole numbers above this are not staffing counts but typos (and would overflow int32).
constexpr std::int64_t kMaxCount = 1'000'000'000;
// 13 digits of yuan is far beyond any pay slip and keeps fen within int64.
constexpr std::size_t kMaxYuanDigits = 13;

// The codes a message offers, in the order people know them; an empty code (LeaderLevel::none)
// is offered as "or empty" where the column is optional.
constexpr UnitKind kUnitKinds[] = {UnitKind::organ, UnitKind::civil_service_managed, UnitKind::public_welfare_1,
                                   UnitKind::public_welfare_2, UnitKind::business};
constexpr Funding kFundings[] = {Funding::full, Funding::partial, Funding::self};
constexpr EstabType kEstabTypes[] = {EstabType::admin, EstabType::political_legal, EstabType::institution,
                                     EstabType::service, EstabType::veteran_cadre};
constexpr LeaderLevel kLeaderLevels[] = {LeaderLevel::county, LeaderLevel::township};
constexpr LeaderRank kLeaderRanks[] = {LeaderRank::chief, LeaderRank::deputy};
constexpr SourceRole kSourceRoles[] = {SourceRole::estab, SourceRole::org, SourceRole::hr, SourceRole::finance};
constexpr MovementKind kMovementKinds[] = {
    MovementKind::hire,          MovementKind::transfer_in, MovementKind::transfer_out,  MovementKind::retire,
    MovementKind::resign,        MovementKind::dismiss,     MovementKind::death,         MovementKind::appoint_leader,
    MovementKind::remove_leader, MovementKind::second_out,  MovementKind::second_return, MovementKind::roster_add,
    MovementKind::roster_remove, MovementKind::pay_start,   MovementKind::pay_stop};

constexpr std::span<const UnitKind> codesOf(std::type_identity<UnitKind>) noexcept {
  return kUnitKinds;
}
constexpr std::span<const Funding> codesOf(std::type_identity<Funding>) noexcept {
  return kFundings;
}
constexpr std::span<const EstabType> codesOf(std::type_identity<EstabType>) noexcept {
  return kEstabTypes;
}
constexpr std::span<const LeaderLevel> codesOf(std::type_identity<LeaderLevel>) noexcept {
  return kLeaderLevels;
}
constexpr std::span<const LeaderRank> codesOf(std::type_identity<LeaderRank>) noexcept {
  return kLeaderRanks;
}
constexpr std::span<const SourceRole> codesOf(std::type_identity<SourceRole>) noexcept {
  return kSourceRoles;
}
constexpr std::span<const MovementKind> codesOf(std::type_identity<MovementKind>) noexcept {
  return kMovementKinds;
}

template <typename E>
std::string expectedCodes(bool empty_allowed) {
  const auto values = codesOf(std::type_identity<E>{});
  std::string out = "expected ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += (i + 1 == values.size() && !empty_allowed) ? " or " : ", ";
    out += toString(values[i]);
  }
  out += empty_allowed ? " or empty" : "";
  return out;
}

// Reads the cells of one row, collecting every problem instead of stopping at the first.
class RowReader {
 public:
  // Each cell is folded (full-width digits, letters and blanks to ASCII, DOMAIN.md §5) and
  // trimmed once, here, so that every check below reads what a person meant. A cell without
  // full-width forms, nearly all of them, is used in place.
  RowReader(RecordType type, const RowView& row) : columns_(canonicalColumns(type)), type_(type) {
    unsigned given = 0;
    for (std::size_t i = 0; i < columns_.size() && i < cells_.size(); ++i) {
      const auto& cell = row[i];
      if (!cell) continue;
      given |= 1U << i;
      // Folded, a cell has no U+3000 left to trim.
      if (detail::firstFullWidth(*cell) == cell->size()) {
        cells_[i] = detail::trimAscii(*cell);
        continue;
      }
      if (!folded_) folded_ = std::make_unique<std::array<std::string, kMaxCanonicalColumns>>();
      cells_[i] = detail::trimAscii(detail::foldFullWidth(*cell, (*folded_)[i]));
    }
    given_ = static_cast<std::uint16_t>(given);
  }
  // cells_ points into folded_.
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  std::vector<FieldError> takeErrors() { return std::move(errors_); }
  [[nodiscard]] bool failed() const noexcept { return !errors_.empty(); }
  // Whether a problem with this column was reported: a rule spanning cells judges only cells
  // that were read.
  [[nodiscard]] bool failedAt(std::size_t column) const noexcept { return ((failed_ >> column) & 1U) != 0; }

  [[nodiscard]] std::string_view name(std::size_t column) const noexcept { return columns_[column]; }
  [[nodiscard]] std::string_view text(std::size_t column) const noexcept { return cells_[column]; }
  [[nodiscard]] bool given(std::size_t column) const noexcept { return ((given_ >> column) & 1U) != 0; }

  void fail(std::size_t column, std::string_view value, std::string reason) {
    failed_ = static_cast<std::uint16_t>(failed_ | (1U << column));
    errors_.push_back(FieldError{std::string(columns_[column]), std::string(value), std::move(reason)});
  }

  // The trimmed text of a column; an empty required column is reported and yields nullopt.
  std::optional<std::string_view> present(std::size_t column) {
    const auto value = text(column);
    if (!value.empty()) return value;
    if (isRequiredColumn(type_, column)) {
      fail(column, value, given(column) ? "is empty (required)" : "is missing (required column)");
    }
    return std::nullopt;
  }

  std::string str(std::size_t column) { return std::string(present(column).value_or(std::string_view{})); }

  std::optional<std::string> regionCode(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    if (auto checked = checkRegionCode(*value); !checked) {
      fail(column, *value, "region code " + checked.reason);
      return std::nullopt;
    }
    return std::string(*value);
  }

  std::optional<UnitId> unitId(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    // A unit's rows come together (a payroll file lists its people one after another): the
    // last code that passed is kept per thread, and the same text passes again unchecked.
    thread_local std::string last_text;
    thread_local UnitId last_id;
    if (!last_text.empty() && *value == last_text) return last_id;
    auto checked = checkCreditCode(*value);
    if (!checked) {
      fail(column, *value, "credit code " + checked.reason);
    } else {
      last_text.assign(*value);
      last_id = *checked.value;
    }
    return checked.value;
  }

  std::optional<PersonId> personId(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    auto checked = checkCitizenId(*value);
    if (!checked) fail(column, *value, "citizen id " + checked.reason);
    return checked.value;
  }

  std::optional<Date> date(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    const auto parsed = parseDate(*value);
    if (!parsed) fail(column, *value, "not a date (expected YYYY-MM-DD)");
    return parsed;
  }

  std::optional<Month> month(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    const auto parsed = parseMonth(*value);
    if (!parsed) fail(column, *value, "not a month (expected YYYY-MM)");
    return parsed;
  }

  std::optional<std::int32_t> count(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    std::int64_t number = 0;
    bool ok = value->size() <= 10;
    for (const char c : *value) {
      if (!detail::isDigit(c)) ok = false;
      if (ok) number = number * 10 + (c - '0');
    }
    if (!ok || number > kMaxCount) {
      fail(column, *value, "not a whole number >= 0");
      return std::nullopt;
    }
    return static_cast<std::int32_t>(number);
  }

  // "8500", "8500.5", "8500.00" yuan -> fen.
  std::optional<std::int64_t> money(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    const auto dot = value->find('.');
    const auto whole = value->substr(0, dot);
    const auto fraction = dot == std::string_view::npos ? std::string_view{} : value->substr(dot + 1);
    bool ok = !whole.empty() && whole.size() <= kMaxYuanDigits && fraction.size() <= 2 &&
              (dot == std::string_view::npos || !fraction.empty());
    std::int64_t yuan = 0;
    std::int64_t fen = 0;
    for (const char c : whole) {
      if (!detail::isDigit(c)) ok = false;
      if (ok) yuan = yuan * 10 + (c - '0');
    }
    for (const char c : fraction) {
      if (!detail::isDigit(c)) ok = false;
      if (ok) fen = fen * 10 + (c - '0');
    }
    if (fraction.size() == 1) fen *= 10;
    if (!ok) {
      fail(column, *value, "not an amount in yuan >= 0 (expected e.g. 8500 or 8500.00)");
      return std::nullopt;
    }
    return yuan * 100 + fen;
  }

  // A code of a required column: an empty cell is reported as missing.
  template <typename E>
  std::optional<E> code(std::size_t column) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    const auto parsed = parseCode(*value, std::type_identity<E>{});
    if (!parsed) fail(column, *value, fmt::format("unknown {} ({})", columns_[column], expectedCodes<E>(false)));
    return parsed;
  }

  // A code of an optional column: an empty cell reads as the list's empty code (LeaderLevel::none).
  template <typename E>
  std::optional<E> optionalCode(std::size_t column) {
    const auto value = text(column);
    const auto parsed = parseCode(value, std::type_identity<E>{});
    if (!parsed) fail(column, value, fmt::format("unknown {} ({})", columns_[column], expectedCodes<E>(true)));
    return parsed;
  }

  // Reads column I of R into its member, as the column's kind says; the member is left as it
  // was when the cell is bad (the row fails then) or, for an optional member, empty.
  template <typename R, std::size_t I, typename Member>
  void read(Member& member) {
    constexpr CanonicalColumn column = kColumnsOf<R>[I];
    using Value = MemberValue<Member>;
    if constexpr (kIsOptional<Member>) {
      // An optional id or date is read only when there is one.
      if (text(I).empty()) return;
    }
    std::optional<Value> value;
    if constexpr (column.kind == CellKind::text) {
      value = str(I);
    } else if constexpr (column.kind == CellKind::region_code) {
      value = regionCode(I);
    } else if constexpr (column.kind == CellKind::citizen_id) {
      value = personId(I);
    } else if constexpr (column.kind == CellKind::credit_code) {
      value = unitId(I);
    } else if constexpr (column.kind == CellKind::code) {
      if constexpr (column.required) {
        value = code<Value>(I);
      } else {
        value = optionalCode<Value>(I);
      }
    } else if constexpr (column.kind == CellKind::date) {
      value = date(I);
    } else if constexpr (column.kind == CellKind::month) {
      value = month(I);
    } else if constexpr (column.kind == CellKind::count) {
      value = count(I);
    } else {
      static_assert(column.kind == CellKind::amount);
      value = money(I);
    }
    if (value) member = std::move(*value);
  }

 private:
  std::span<const std::string_view> columns_;
  RecordType type_;
  // The cells folded and trimmed (empty where the source gave none: given_ tells); those that
  // had full-width forms point into folded_, which only a row with such a cell allocates.
  std::array<std::string_view, kMaxCanonicalColumns> cells_{};
  std::uint16_t given_ = 0;
  std::uint16_t failed_ = 0;
  static_assert(kMaxCanonicalColumns <= 16);
  std::unique_ptr<std::array<std::string, kMaxCanonicalColumns>> folded_;
  std::vector<FieldError> errors_;
};

// The rules that span cells, judged once every cell is read; a record type without any has none.
void checkAcrossColumns(RowReader&, const auto&) {}

void checkAcrossColumns(RowReader& r, const Approval& approval) {
  constexpr auto kIssuedOn = columnIndex(RecordType::approval, "issued_on");
  constexpr auto kValidUntil = columnIndex(RecordType::approval, "valid_until");
  if (r.failedAt(kIssuedOn) || r.failedAt(kValidUntil) || !(approval.valid_until < approval.issued_on)) return;
  r.fail(kValidUntil, r.text(kValidUntil),
         fmt::format("is before issued_on {} (expected valid_until >= issued_on)", formatDate(approval.issued_on)));
}

// Leader level and rank of a person: optional, but together.
void checkLeaderPost(RowReader& r, LeaderLevel level, LeaderRank rank, std::size_t level_column,
                     std::size_t rank_column) {
  if (r.failedAt(level_column) || r.failedAt(rank_column)) return;
  if ((level == LeaderLevel::none) == (rank == LeaderRank::none)) return;
  const bool level_missing = level == LeaderLevel::none;
  const auto missing = level_missing ? level_column : rank_column;
  const auto other = level_missing ? rank_column : level_column;
  r.fail(missing, r.text(missing),
         fmt::format("is empty but {} is set (set both {} and {}, or neither)", r.name(other), r.name(level_column),
                     r.name(rank_column)));
}

void checkAcrossColumns(RowReader& r, const ReductionTask& task) {
  constexpr auto kPosts = columnIndex(RecordType::reduction, "posts_to_recover");
  constexpr auto kIssuedOn = columnIndex(RecordType::reduction, "issued_on");
  constexpr auto kDueOn = columnIndex(RecordType::reduction, "due_on");
  if (!r.failedAt(kPosts) && task.posts_to_recover == 0) {
    r.fail(kPosts, r.text(kPosts), "is 0 (a reduction task recovers at least one post)");
  }
  if (r.failedAt(kIssuedOn) || r.failedAt(kDueOn) || !(task.due_on < task.issued_on)) return;
  r.fail(kDueOn, r.text(kDueOn),
         fmt::format("is before issued_on {} (expected due_on >= issued_on)", formatDate(task.issued_on)));
}

void checkAcrossColumns(RowReader& r, const RosterEntry& entry) {
  checkLeaderPost(r, entry.leader_level, entry.leader_rank, columnIndex(RecordType::roster, "leader_level"),
                  columnIndex(RecordType::roster, "leader_rank"));
}

void checkAcrossColumns(RowReader& r, const Movement& movement) {
  checkLeaderPost(r, movement.leader_level, movement.leader_rank, columnIndex(RecordType::movement, "leader_level"),
                  columnIndex(RecordType::movement, "leader_rank"));
}

// Every column read in exchange order, each by its kind into its member, then the rules that
// span cells; the record is kept only when nothing failed. It is built where it is returned.
template <typename R>
NormaliseResult normaliseAs(RowReader& r, Origin origin) {
  NormaliseResult result;
  auto& record = std::get<R>(result.record.emplace(std::in_place_type<R>));
  forEachColumn(record, [&r](auto column, auto& member) { r.read<R, decltype(column)::value>(member); });
  checkAcrossColumns(r, record);
  if (r.failed()) {
    result.record.reset();
    result.errors = r.takeErrors();
    return result;
  }
  record.origin = origin;
  return result;
}

}  // namespace

NormaliseResult normalise(RecordType type, const RowView& row, Origin origin) {
  RowReader reader(type, row);
  switch (type) {
    case RecordType::unit:
      return normaliseAs<Unit>(reader, origin);
    case RecordType::quota:
      return normaliseAs<Quota>(reader, origin);
    case RecordType::leader_quota:
      return normaliseAs<LeaderQuota>(reader, origin);
    case RecordType::approval:
      return normaliseAs<Approval>(reader, origin);
    case RecordType::roster:
      return normaliseAs<RosterEntry>(reader, origin);
    case RecordType::movement:
      return normaliseAs<Movement>(reader, origin);
    case RecordType::payroll:
      return normaliseAs<PayrollMonth>(reader, origin);
    case RecordType::death:
      return normaliseAs<Death>(reader, origin);
    case RecordType::reduction:
      return normaliseAs<ReductionTask>(reader, origin);
  }
  NormaliseResult unknown;
  unknown.errors.push_back(FieldError{{}, {}, "unknown record type"});
  return unknown;
}

void setQuarantineSubject(RecordType type, const RowView& row, QuarantineEntry& entry) {
  const auto cell = [&](std::string_view column) -> std::optional<std::string_view> {
    const auto index = canonicalColumnIndex(type, column);
    if (!index) return std::nullopt;
    return row[*index];
  };
  entry.unit_id.clear();
  entry.person_id.clear();
  std::string folded;  // as normalise reads the cells
  if (const auto unit = cell("unit_id")) {
    if (auto checked = checkCreditCode(detail::foldFullWidth(*unit, folded))) entry.unit_id = checked.value->str();
  }
  if (const auto person = cell("person_id")) {
    if (auto checked = checkCitizenId(detail::foldFullWidth(*person, folded))) {
      entry.person_id = checked.value->str();
    }
  }
}

std::optional<std::string> rowKey(RecordType type, const RowView& row) {
  RowReader r(type, row);
  // Each key is built through recordKey on a record holding just the key columns, so the two
  // can never disagree on how a key is spelled.
  const auto keyOf = [&](auto&& build) -> std::optional<std::string> {
    if (r.failed()) return std::nullopt;
    return recordKey(Record{build()});
  };
  switch (type) {
    case RecordType::unit: {
      const auto unit_id = r.unitId(columnIndex(RecordType::unit, "unit_id"));
      return keyOf([&] {
        Unit unit;
        unit.unit_id = *unit_id;
        return unit;
      });
    }
    case RecordType::quota: {
      const auto unit_id = r.unitId(columnIndex(RecordType::quota, "unit_id"));
      const auto estab_type = r.code<EstabType>(columnIndex(RecordType::quota, "estab_type"));
      const auto effective_from = r.date(columnIndex(RecordType::quota, "effective_from"));
      return keyOf([&] {
        Quota quota;
        quota.unit_id = *unit_id;
        quota.estab_type = *estab_type;
        quota.effective_from = *effective_from;
        return quota;
      });
    }
    case RecordType::leader_quota: {
      const auto unit_id = r.unitId(columnIndex(RecordType::leader_quota, "unit_id"));
      const auto level = r.code<LeaderLevel>(columnIndex(RecordType::leader_quota, "level"));
      const auto rank = r.code<LeaderRank>(columnIndex(RecordType::leader_quota, "rank"));
      return keyOf([&] {
        LeaderQuota quota;
        quota.unit_id = *unit_id;
        quota.level = *level;
        quota.rank = *rank;
        return quota;
      });
    }
    case RecordType::approval: {
      const auto approval_id = r.present(columnIndex(RecordType::approval, "approval_id"));
      if (!approval_id) return std::nullopt;
      return std::string(*approval_id);
    }
    case RecordType::roster: {
      const auto person_id = r.personId(columnIndex(RecordType::roster, "person_id"));
      const auto unit_id = r.unitId(columnIndex(RecordType::roster, "unit_id"));
      return keyOf([&] {
        RosterEntry entry;
        entry.person_id = *person_id;
        entry.unit_id = *unit_id;
        return entry;
      });
    }
    case RecordType::movement: {
      const auto movement_id = r.present(columnIndex(RecordType::movement, "movement_id"));
      if (!movement_id) return std::nullopt;
      return std::string(*movement_id);
    }
    case RecordType::payroll: {
      const auto person_id = r.personId(columnIndex(RecordType::payroll, "person_id"));
      const auto unit_id = r.unitId(columnIndex(RecordType::payroll, "unit_id"));
      const auto month = r.month(columnIndex(RecordType::payroll, "month"));
      return keyOf([&] {
        PayrollMonth pay;
        pay.person_id = *person_id;
        pay.unit_id = *unit_id;
        pay.month = *month;
        return pay;
      });
    }
    case RecordType::death: {
      const auto person_id = r.personId(columnIndex(RecordType::death, "person_id"));
      return keyOf([&] {
        Death death;
        death.person_id = *person_id;
        return death;
      });
    }
    case RecordType::reduction: {
      const auto task_id = r.present(columnIndex(RecordType::reduction, "task_id"));
      if (!task_id) return std::nullopt;
      return std::string(*task_id);
    }
  }
  return std::nullopt;
}

}  // namespace staffchain::model
