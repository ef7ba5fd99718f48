#include "staffchain/model/normalise.hpp"

#include <fmt/format.h>

#include <array>
#include <memory>
#include <string>

#include "columns.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "text.hpp"

namespace staffchain::model {
namespace {

// Whole numbers above this are not staffing counts but typos (and would overflow int32).
constexpr std::int64_t kMaxCount = 1'000'000'000;
// 13 digits of yuan is far beyond any pay slip and keeps fen within int64.
constexpr std::size_t kMaxYuanDigits = 13;

template <typename E, std::size_t N>
std::string expectedCodes(const E (&values)[N], bool empty_allowed) {
  std::string out = "expected ";
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += (i + 1 == N && !empty_allowed) ? " or " : ", ";
    out += toString(values[i]);
  }
  out += empty_allowed ? " or empty" : "";
  return out;
}

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

  [[nodiscard]] std::string_view text(std::size_t column) const noexcept { return cells_[column]; }
  [[nodiscard]] bool given(std::size_t column) const noexcept { return ((given_ >> column) & 1U) != 0; }

  void fail(std::size_t column, std::string_view value, std::string reason) {
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

  template <typename E, std::size_t N>
  std::optional<E> code(std::size_t column, std::optional<E> (*parse)(std::string_view) noexcept,
                        const E (&values)[N]) {
    const auto value = present(column);
    if (!value) return std::nullopt;
    const auto parsed = parse(*value);
    if (!parsed) {
      fail(column, *value, fmt::format("unknown {} ({})", columns_[column], expectedCodes(values, false)));
    }
    return parsed;
  }

  // Leader level and rank of a person: optional, but together.
  std::optional<std::pair<LeaderLevel, LeaderRank>> leaderPost(std::size_t level_column, std::size_t rank_column) {
    const auto level_text = text(level_column);
    const auto rank_text = text(rank_column);
    const auto level = parseLeaderLevel(level_text);
    const auto rank = parseLeaderRank(rank_text);
    if (!level) {
      fail(level_column, level_text,
           fmt::format("unknown {} ({})", columns_[level_column], expectedCodes(kLeaderLevels, true)));
    }
    if (!rank) {
      fail(rank_column, rank_text,
           fmt::format("unknown {} ({})", columns_[rank_column], expectedCodes(kLeaderRanks, true)));
    }
    if (!level || !rank) return std::nullopt;
    if ((*level == LeaderLevel::none) != (*rank == LeaderRank::none)) {
      const bool level_missing = *level == LeaderLevel::none;
      const auto missing = level_missing ? level_column : rank_column;
      const auto other = level_missing ? rank_column : level_column;
      fail(missing, text(missing),
           fmt::format("is empty but {} is set (set both {} and {}, or neither)", columns_[other],
                       columns_[level_column], columns_[rank_column]));
      return std::nullopt;
    }
    return std::pair{*level, *rank};
  }

 private:
  std::span<const std::string_view> columns_;
  RecordType type_;
  // The cells folded and trimmed (empty where the source gave none: given_ tells); those that
  // had full-width forms point into folded_, which only a row with such a cell allocates.
  std::array<std::string_view, kMaxCanonicalColumns> cells_{};
  std::uint16_t given_ = 0;
  static_assert(kMaxCanonicalColumns <= 16);
  std::unique_ptr<std::array<std::string, kMaxCanonicalColumns>> folded_;
  std::vector<FieldError> errors_;
};

NormaliseResult finish(RowReader& reader, auto&& build) {
  NormaliseResult result;
  if (reader.failed()) {
    result.errors = reader.takeErrors();
  } else {
    result.record.emplace(build());
  }
  return result;
}

NormaliseResult normaliseUnit(RowReader& r, Origin origin) {
  using C = col::Unit;
  const auto unit_id = r.unitId(C::unit_id);
  auto name = r.str(C::name);
  auto region = r.present(C::region);
  if (region) {
    if (auto checked = checkRegionCode(*region); !checked) {
      r.fail(C::region, *region, "region code " + checked.reason);
      region.reset();
    }
  }
  const auto parent_id = r.text(C::parent_id).empty() ? std::nullopt : r.unitId(C::parent_id);
  const auto kind = r.code(C::kind, parseUnitKind, kUnitKinds);
  const auto funding = r.code(C::funding, parseFunding, kFundings);
  return finish(
      r, [&] { return Unit{*unit_id, std::move(name), std::string(*region), parent_id, *kind, *funding, origin}; });
}

NormaliseResult normaliseQuota(RowReader& r, Origin origin) {
  using C = col::Quota;
  const auto unit_id = r.unitId(C::unit_id);
  const auto estab_type = r.code(C::estab_type, parseEstabType, kEstabTypes);
  const auto approved = r.count(C::approved);
  const auto effective_from = r.date(C::effective_from);
  auto doc_no = r.str(C::doc_no);
  return finish(r, [&] { return Quota{*unit_id, *estab_type, *approved, *effective_from, std::move(doc_no), origin}; });
}

NormaliseResult normaliseLeaderQuota(RowReader& r, Origin origin) {
  using C = col::LeaderQuota;
  const auto unit_id = r.unitId(C::unit_id);
  const auto level = r.code(C::level, parseLeaderLevel, kLeaderLevels);
  const auto rank = r.code(C::rank, parseLeaderRank, kLeaderRanks);
  const auto approved = r.count(C::approved);
  return finish(r, [&] { return LeaderQuota{*unit_id, *level, *rank, *approved, origin}; });
}

NormaliseResult normaliseApproval(RowReader& r, Origin origin) {
  using C = col::Approval;
  auto approval_id = r.str(C::approval_id);
  const auto unit_id = r.unitId(C::unit_id);
  const auto estab_type = r.code(C::estab_type, parseEstabType, kEstabTypes);
  const auto slots = r.count(C::slots);
  const auto issued_on = r.date(C::issued_on);
  const auto valid_until = r.date(C::valid_until);
  if (issued_on && valid_until && *valid_until < *issued_on) {
    r.fail(C::valid_until, r.text(C::valid_until),
           fmt::format("is before issued_on {} (expected valid_until >= issued_on)", formatDate(*issued_on)));
  }
  auto purpose = r.str(C::purpose);
  return finish(r, [&] {
    return Approval{std::move(approval_id), *unit_id,           *estab_type, *slots, *issued_on,
                    *valid_until,           std::move(purpose), origin};
  });
}

NormaliseResult normaliseRoster(RowReader& r, Origin origin) {
  using C = col::Roster;
  const auto person_id = r.personId(C::person_id);
  auto name = r.str(C::name);
  const auto unit_id = r.unitId(C::unit_id);
  const auto estab_type = r.code(C::estab_type, parseEstabType, kEstabTypes);
  const auto entered_on = r.date(C::entered_on);
  auto approval_id = r.str(C::approval_id);
  const auto leader = r.leaderPost(C::leader_level, C::leader_rank);
  return finish(r, [&] {
    return RosterEntry{*person_id,    std::move(name), *unit_id, *estab_type, *entered_on, std::move(approval_id),
                       leader->first, leader->second,  origin};
  });
}

NormaliseResult normaliseMovement(RowReader& r, Origin origin) {
  using C = col::Movement;
  auto movement_id = r.str(C::movement_id);
  const auto source = r.code(C::source, parseSourceRole, kSourceRoles);
  const auto kind = r.code(C::kind, parseMovementKind, kMovementKinds);
  const auto person_id = r.personId(C::person_id);
  auto name = r.str(C::name);
  const auto unit_id = r.unitId(C::unit_id);
  const auto from_unit_id = r.text(C::from_unit_id).empty() ? std::nullopt : r.unitId(C::from_unit_id);
  const auto effective_on = r.date(C::effective_on);
  const auto recorded_on = r.text(C::recorded_on).empty() ? std::nullopt : r.date(C::recorded_on);
  auto approval_id = r.str(C::approval_id);
  const auto leader = r.leaderPost(C::leader_level, C::leader_rank);
  return finish(r, [&] {
    return Movement{std::move(movement_id),
                    *source,
                    *kind,
                    *person_id,
                    std::move(name),
                    *unit_id,
                    from_unit_id,
                    *effective_on,
                    recorded_on,
                    std::move(approval_id),
                    leader->first,
                    leader->second,
                    origin};
  });
}

NormaliseResult normalisePayroll(RowReader& r, Origin origin) {
  using C = col::Payroll;
  const auto person_id = r.personId(C::person_id);
  const auto unit_id = r.unitId(C::unit_id);
  const auto month = r.month(C::month);
  const auto funding = r.code(C::funding, parseFunding, kFundings);
  const auto gross = r.money(C::gross);
  return finish(r, [&] { return PayrollMonth{*person_id, *unit_id, *month, *funding, *gross, origin}; });
}

NormaliseResult normaliseDeath(RowReader& r, Origin origin) {
  using C = col::Death;
  const auto person_id = r.personId(C::person_id);
  const auto died_on = r.date(C::died_on);
  auto source = r.str(C::source);
  return finish(r, [&] { return Death{*person_id, *died_on, std::move(source), origin}; });
}

}  // namespace

NormaliseResult normalise(RecordType type, const RowView& row, Origin origin) {
  RowReader reader(type, row);
  switch (type) {
    case RecordType::unit:
      return normaliseUnit(reader, origin);
    case RecordType::quota:
      return normaliseQuota(reader, origin);
    case RecordType::leader_quota:
      return normaliseLeaderQuota(reader, origin);
    case RecordType::approval:
      return normaliseApproval(reader, origin);
    case RecordType::roster:
      return normaliseRoster(reader, origin);
    case RecordType::movement:
      return normaliseMovement(reader, origin);
    case RecordType::payroll:
      return normalisePayroll(reader, origin);
    case RecordType::death:
      return normaliseDeath(reader, origin);
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
      const auto unit_id = r.unitId(col::Unit::unit_id);
      return keyOf([&] {
        Unit unit;
        unit.unit_id = *unit_id;
        return unit;
      });
    }
    case RecordType::quota: {
      using C = col::Quota;
      const auto unit_id = r.unitId(C::unit_id);
      const auto estab_type = r.code(C::estab_type, parseEstabType, kEstabTypes);
      const auto effective_from = r.date(C::effective_from);
      return keyOf([&] {
        Quota quota;
        quota.unit_id = *unit_id;
        quota.estab_type = *estab_type;
        quota.effective_from = *effective_from;
        return quota;
      });
    }
    case RecordType::leader_quota: {
      using C = col::LeaderQuota;
      const auto unit_id = r.unitId(C::unit_id);
      const auto level = r.code(C::level, parseLeaderLevel, kLeaderLevels);
      const auto rank = r.code(C::rank, parseLeaderRank, kLeaderRanks);
      return keyOf([&] {
        LeaderQuota quota;
        quota.unit_id = *unit_id;
        quota.level = *level;
        quota.rank = *rank;
        return quota;
      });
    }
    case RecordType::approval: {
      const auto approval_id = r.present(col::Approval::approval_id);
      if (!approval_id) return std::nullopt;
      return std::string(*approval_id);
    }
    case RecordType::roster: {
      using C = col::Roster;
      const auto person_id = r.personId(C::person_id);
      const auto unit_id = r.unitId(C::unit_id);
      return keyOf([&] {
        RosterEntry entry;
        entry.person_id = *person_id;
        entry.unit_id = *unit_id;
        return entry;
      });
    }
    case RecordType::movement: {
      const auto movement_id = r.present(col::Movement::movement_id);
      if (!movement_id) return std::nullopt;
      return std::string(*movement_id);
    }
    case RecordType::payroll: {
      using C = col::Payroll;
      const auto person_id = r.personId(C::person_id);
      const auto unit_id = r.unitId(C::unit_id);
      const auto month = r.month(C::month);
      return keyOf([&] {
        PayrollMonth pay;
        pay.person_id = *person_id;
        pay.unit_id = *unit_id;
        pay.month = *month;
        return pay;
      });
    }
    case RecordType::death: {
      const auto person_id = r.personId(col::Death::person_id);
      return keyOf([&] {
        Death death;
        death.person_id = *person_id;
        return death;
      });
    }
  }
  return std::nullopt;
}

}  // namespace staffchain::model
