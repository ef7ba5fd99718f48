#include "record_codec.hpp"

#include <fmt/format.h>

#include <array>
#include <type_traits>

#include "staffchain/model/enums.hpp"

namespace staffchain::ledger::detail {
namespace {

using namespace std::string_view_literals;
using model::RecordType;

constexpr std::array kUnitColumns{"unit_id"sv, "name"sv, "region"sv, "parent_id"sv, "kind"sv, "funding"sv};
constexpr std::array kQuotaColumns{"unit_id"sv, "estab_type"sv, "approved"sv, "effective_from"sv, "doc_no"sv};
constexpr std::array kLeaderQuotaColumns{"unit_id"sv, "level"sv, "rank"sv, "approved"sv};
constexpr std::array kApprovalColumns{"approval_id"sv, "unit_id"sv,     "estab_type"sv, "slots"sv,
                                      "issued_on"sv,   "valid_until"sv, "purpose"sv};
constexpr std::array kRosterColumns{"person_id"sv,  "name"sv,        "unit_id"sv,      "estab_type"sv,
                                    "entered_on"sv, "approval_id"sv, "leader_level"sv, "leader_rank"sv};
constexpr std::array kMovementColumns{"movement_id"sv, "source"sv,      "kind"sv,         "person_id"sv,
                                      "name"sv,        "unit_id"sv,     "from_unit_id"sv, "effective_on"sv,
                                      "recorded_on"sv, "approval_id"sv, "leader_level"sv, "leader_rank"sv};
constexpr std::array kPayrollColumns{"person_id"sv, "unit_id"sv, "month"sv, "funding"sv, "gross_fen"sv};
constexpr std::array kDeathColumns{"person_id"sv, "died_on"sv, "source"sv};

// FixedId pads short values with NULs; the database holds only the characters.
template <typename Tag>
std::string_view idText(const model::FixedId<Tag>& id) noexcept {
  auto text = id.view();
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return text;
}

class Hasher {
 public:
  void text(std::string_view value) noexcept {
    mix(1);
    mixInt(static_cast<std::uint64_t>(value.size()));
    for (const char c : value) mix(static_cast<unsigned char>(c));
  }
  void integer(std::int64_t value) noexcept {
    mix(2);
    mixInt(static_cast<std::uint64_t>(value));
  }
  void null() noexcept { mix(0); }
  [[nodiscard]] std::int64_t value() const noexcept { return static_cast<std::int64_t>(hash_); }

 private:
  void mix(unsigned char byte) noexcept {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  void mixInt(std::uint64_t value) noexcept {
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>((value >> (8 * i)) & 0xFFU));
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

class Binder {
 public:
  Binder(Statement& statement, int first) noexcept : statement_(statement), next_(first) {}
  void text(std::string_view value) noexcept { keep(statement_.bindText(next_++, value)); }
  void integer(std::int64_t value) noexcept { keep(statement_.bindInt(next_++, value)); }
  void null() noexcept { keep(statement_.bindNull(next_++)); }
  [[nodiscard]] int code() const noexcept { return code_; }

 private:
  void keep(int code) noexcept {
    if (code_ == SQLITE_OK) code_ = code;
  }
  Statement& statement_;
  int next_;
  int code_ = SQLITE_OK;
};

template <typename Sink, typename Tag>
void optionalId(Sink& sink, const std::optional<model::FixedId<Tag>>& id) {
  if (id) {
    sink.text(idText(*id));
  } else {
    sink.null();
  }
}

template <typename Sink>
void writeColumns(const model::Record& record, Sink& sink) {
  std::visit(
      [&sink](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        using model::toString;
        if constexpr (std::is_same_v<T, model::Unit>) {
          sink.text(idText(r.unit_id));
          sink.text(r.name);
          sink.text(r.region);
          optionalId(sink, r.parent_id);
          sink.text(toString(r.kind));
          sink.text(toString(r.funding));
        } else if constexpr (std::is_same_v<T, model::Quota>) {
          sink.text(idText(r.unit_id));
          sink.text(toString(r.estab_type));
          sink.integer(r.approved);
          sink.text(model::formatDate(r.effective_from));
          sink.text(r.doc_no);
        } else if constexpr (std::is_same_v<T, model::LeaderQuota>) {
          sink.text(idText(r.unit_id));
          sink.text(toString(r.level));
          sink.text(toString(r.rank));
          sink.integer(r.approved);
        } else if constexpr (std::is_same_v<T, model::Approval>) {
          sink.text(r.approval_id);
          sink.text(idText(r.unit_id));
          sink.text(toString(r.estab_type));
          sink.integer(r.slots);
          sink.text(model::formatDate(r.issued_on));
          sink.text(model::formatDate(r.valid_until));
          sink.text(r.purpose);
        } else if constexpr (std::is_same_v<T, model::RosterEntry>) {
          sink.text(idText(r.person_id));
          sink.text(r.name);
          sink.text(idText(r.unit_id));
          sink.text(toString(r.estab_type));
          sink.text(model::formatDate(r.entered_on));
          sink.text(r.approval_id);
          sink.text(toString(r.leader_level));
          sink.text(toString(r.leader_rank));
        } else if constexpr (std::is_same_v<T, model::Movement>) {
          sink.text(r.movement_id);
          sink.text(toString(r.source));
          sink.text(toString(r.kind));
          sink.text(idText(r.person_id));
          sink.text(r.name);
          sink.text(idText(r.unit_id));
          optionalId(sink, r.from_unit_id);
          sink.text(model::formatDate(r.effective_on));
          if (r.recorded_on) {
            sink.text(model::formatDate(*r.recorded_on));
          } else {
            sink.null();
          }
          sink.text(r.approval_id);
          sink.text(toString(r.leader_level));
          sink.text(toString(r.leader_rank));
        } else if constexpr (std::is_same_v<T, model::PayrollMonth>) {
          sink.text(idText(r.person_id));
          sink.text(idText(r.unit_id));
          sink.text(model::formatMonth(r.month));
          sink.text(toString(r.funding));
          sink.integer(r.gross_fen);
        } else {
          static_assert(std::is_same_v<T, model::Death>);
          sink.text(idText(r.person_id));
          sink.text(model::formatDate(r.died_on));
          sink.text(r.source);
        }
      },
      record);
}

// Reads columns in order; the first malformed value is remembered and reported once.
class Reader {
 public:
  Reader(const Statement& statement, int first, std::span<const std::string_view> columns, std::string_view table)
      : statement_(statement), first_(first), next_(first), columns_(columns), table_(table) {}

  std::string text() { return std::string(statement_.columnText(next_++)); }
  std::int32_t int32() {
    const auto value = statement_.columnInt(next_);
    if (value < INT32_MIN || value > INT32_MAX) fail(fmt::format("{} is out of range", value));
    ++next_;
    return static_cast<std::int32_t>(value);
  }
  std::int64_t int64() { return statement_.columnInt(next_++); }

  template <typename Tag>
  model::FixedId<Tag> id() {
    return model::FixedId<Tag>::fromValid(statement_.columnText(next_++));
  }
  template <typename Tag>
  std::optional<model::FixedId<Tag>> optionalId() {
    if (statement_.columnIsNull(next_)) {
      ++next_;
      return std::nullopt;
    }
    return id<Tag>();
  }
  model::Date date() {
    const auto text = statement_.columnText(next_);
    const auto parsed = model::parseDate(text);
    if (!parsed) fail(fmt::format("'{}' is not a YYYY-MM-DD date", text));
    ++next_;
    return parsed.value_or(model::Date{});
  }
  std::optional<model::Date> optionalDate() {
    if (statement_.columnIsNull(next_)) {
      ++next_;
      return std::nullopt;
    }
    return date();
  }
  model::Month month() {
    const auto text = statement_.columnText(next_);
    const auto parsed = model::parseMonth(text);
    if (!parsed) fail(fmt::format("'{}' is not a YYYY-MM month", text));
    ++next_;
    return parsed.value_or(model::Month{});
  }
  template <typename E>
  E code(std::optional<E> (*parse)(std::string_view) noexcept) {
    const auto text = statement_.columnText(next_);
    const auto parsed = parse(text);
    if (!parsed) fail(fmt::format("'{}' is not a known code", text));
    ++next_;
    return parsed.value_or(E{});
  }

  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  void fail(const std::string& why) {
    if (!error_.empty()) return;
    const auto index = static_cast<std::size_t>(next_ - first_);
    const auto column = index < columns_.size() ? columns_[index] : std::string_view("?");
    error_ = fmt::format("table {} column {}: {}", table_, column, why);
  }

  const Statement& statement_;
  int first_;
  int next_;
  std::span<const std::string_view> columns_;
  std::string_view table_;
  std::string error_;
};

model::Record readAs(RecordType type, Reader& in) {
  using namespace model;
  switch (type) {
    case RecordType::unit: {
      Unit r;
      r.unit_id = in.id<UnitTag>();
      r.name = in.text();
      r.region = in.text();
      r.parent_id = in.optionalId<UnitTag>();
      r.kind = in.code(&parseUnitKind);
      r.funding = in.code(&parseFunding);
      return r;
    }
    case RecordType::quota: {
      Quota r;
      r.unit_id = in.id<UnitTag>();
      r.estab_type = in.code(&parseEstabType);
      r.approved = in.int32();
      r.effective_from = in.date();
      r.doc_no = in.text();
      return r;
    }
    case RecordType::leader_quota: {
      LeaderQuota r;
      r.unit_id = in.id<UnitTag>();
      r.level = in.code(&parseLeaderLevel);
      r.rank = in.code(&parseLeaderRank);
      r.approved = in.int32();
      return r;
    }
    case RecordType::approval: {
      Approval r;
      r.approval_id = in.text();
      r.unit_id = in.id<UnitTag>();
      r.estab_type = in.code(&parseEstabType);
      r.slots = in.int32();
      r.issued_on = in.date();
      r.valid_until = in.date();
      r.purpose = in.text();
      return r;
    }
    case RecordType::roster: {
      RosterEntry r;
      r.person_id = in.id<PersonTag>();
      r.name = in.text();
      r.unit_id = in.id<UnitTag>();
      r.estab_type = in.code(&parseEstabType);
      r.entered_on = in.date();
      r.approval_id = in.text();
      r.leader_level = in.code(&parseLeaderLevel);
      r.leader_rank = in.code(&parseLeaderRank);
      return r;
    }
    case RecordType::movement: {
      Movement r;
      r.movement_id = in.text();
      r.source = in.code(&parseSourceRole);
      r.kind = in.code(&parseMovementKind);
      r.person_id = in.id<PersonTag>();
      r.name = in.text();
      r.unit_id = in.id<UnitTag>();
      r.from_unit_id = in.optionalId<UnitTag>();
      r.effective_on = in.date();
      r.recorded_on = in.optionalDate();
      r.approval_id = in.text();
      r.leader_level = in.code(&parseLeaderLevel);
      r.leader_rank = in.code(&parseLeaderRank);
      return r;
    }
    case RecordType::payroll: {
      PayrollMonth r;
      r.person_id = in.id<PersonTag>();
      r.unit_id = in.id<UnitTag>();
      r.month = in.month();
      r.funding = in.code(&parseFunding);
      r.gross_fen = in.int64();
      return r;
    }
    case RecordType::death: {
      Death r;
      r.person_id = in.id<PersonTag>();
      r.died_on = in.date();
      r.source = in.text();
      return r;
    }
  }
  return Unit{};
}

}  // namespace

std::span<const std::string_view> recordColumns(RecordType type) noexcept {
  switch (type) {
    case RecordType::unit:
      return kUnitColumns;
    case RecordType::quota:
      return kQuotaColumns;
    case RecordType::leader_quota:
      return kLeaderQuotaColumns;
    case RecordType::approval:
      return kApprovalColumns;
    case RecordType::roster:
      return kRosterColumns;
    case RecordType::movement:
      return kMovementColumns;
    case RecordType::payroll:
      return kPayrollColumns;
    case RecordType::death:
      return kDeathColumns;
  }
  return {};
}

std::string_view recordTable(RecordType type) noexcept {
  return plugin::recordTypeFile(type);
}

std::int64_t contentHash(const model::Record& record) {
  Hasher hasher;
  writeColumns(record, hasher);
  return hasher.value();
}

int bindColumns(const model::Record& record, Statement& statement, int first) {
  Binder binder(statement, first);
  writeColumns(record, binder);
  return binder.code();
}

Result<model::Record> readRecord(RecordType type, const Statement& statement, int first) {
  Reader reader(statement, first, recordColumns(type), recordTable(type));
  auto record = readAs(type, reader);
  if (!reader.error().empty()) return makeError(reader.error());
  return record;
}

}  // namespace staffchain::ledger::detail
