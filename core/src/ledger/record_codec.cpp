#include "record_codec.hpp"

#include <fmt/format.h>

#include <array>
#include <climits>
#include <type_traits>
#include <vector>

#include "staffchain/model/enums.hpp"
#include "staffchain/model/record_columns.hpp"

namespace staffchain::ledger::detail {
namespace {

using model::CanonicalColumn;
using model::CellKind;
using model::RecordType;

template <typename T>
inline constexpr bool kIsFixedId = false;
template <typename Tag>
inline constexpr bool kIsFixedId<model::FixedId<Tag>> = true;

// FixedId pads short values with NULs; the database holds only the characters.
template <typename Tag>
std::string_view idText(const model::FixedId<Tag>& id) noexcept {
  auto text = id.view();
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  return text;
}

template <typename R, std::size_t I>
StoredColumn storedColumn() {
  constexpr CanonicalColumn column = model::kColumnsOf<R>[I];
  using Member = model::ColumnMember<R, I>;
  using Value = model::MemberValue<Member>;
  StoredColumn out;
  out.name = std::string(column.name);
  if constexpr (column.kind == CellKind::amount) out.name += "_fen";
  out.type = std::is_integral_v<Value> ? "INTEGER" : "TEXT";
  out.nullable = model::kIsOptional<Member>;
  if constexpr (model::kIsOptional<Member>) {
    out.fill = "NULL";
  } else if constexpr (std::is_same_v<Value, std::string>) {
    out.fill = "''";
  } else if constexpr (model::CodeList<Value>) {
    if (model::parseCode("", std::type_identity<Value>{})) out.fill = "''";
  }
  return out;
}

template <typename R, std::size_t... I>
std::vector<StoredColumn> storedColumnsOf(std::index_sequence<I...>) {
  return {storedColumn<R, I>()...};
}

struct Storage {
  std::array<std::vector<StoredColumn>, plugin::kRecordTypeCount> columns;
  std::array<std::vector<std::string_view>, plugin::kRecordTypeCount> names;
};

template <std::size_t... T>
Storage describeStorage(std::index_sequence<T...>) {
  Storage storage;
  storage.columns = {storedColumnsOf<std::variant_alternative_t<T, model::Record>>(
      std::make_index_sequence<model::kColumnsOf<std::variant_alternative_t<T, model::Record>>.size()>{})...};
  for (std::size_t type = 0; type < plugin::kRecordTypeCount; ++type) {
    for (const auto& column : storage.columns[type]) storage.names[type].emplace_back(column.name);
  }
  return storage;
}

const Storage& storage() {
  static const Storage described = describeStorage(std::make_index_sequence<plugin::kRecordTypeCount>{});
  return described;
}

class Hasher {
 public:
  void text(std::string_view value) noexcept {
    mix(1);
    mixInt(static_cast<std::uint64_t>(value.size()));
    for (const char c : value) mix(static_cast<unsigned char>(c));
  }
  void keptText(std::string_view value) noexcept { text(value); }
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
  // Text that lives in the record (or is static), which outlives the statement's use.
  void keptText(std::string_view value) noexcept { keep(statement_.bindKeptText(next_++, value)); }
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

// One member as its column stores it: ids as their characters, codes as their English code,
// dates and months as text, numbers as integers, an empty optional as NULL.
template <typename Sink, typename Member>
void writeMember(Sink& sink, const Member& member) {
  if constexpr (model::kIsOptional<Member>) {
    if (member) {
      writeMember(sink, *member);
    } else {
      sink.null();
    }
  } else if constexpr (std::is_same_v<Member, std::string>) {
    sink.keptText(member);
  } else if constexpr (kIsFixedId<Member>) {
    sink.keptText(idText(member));
  } else if constexpr (std::is_enum_v<Member>) {
    sink.keptText(model::toString(member));
  } else if constexpr (std::is_same_v<Member, model::Date>) {
    sink.text(model::CalendarText(member).view());
  } else if constexpr (std::is_same_v<Member, model::Month>) {
    sink.text(model::CalendarText(member).view());
  } else {
    static_assert(std::is_integral_v<Member>);
    sink.integer(member);
  }
}

template <typename Sink>
void writeColumns(const model::Record& record, Sink& sink) {
  std::visit(
      [&sink](const auto& r) { model::forEachColumn(r, [&sink](auto, const auto& m) { writeMember(sink, m); }); },
      record);
}

// Reads columns in order; the first malformed value is remembered and reported once.
class Reader {
 public:
  Reader(const Statement& statement, int first, std::span<const std::string_view> columns, std::string_view table)
      : statement_(statement), first_(first), next_(first), columns_(columns), table_(table) {}

  template <typename Member>
  void read(Member& member) {
    if constexpr (model::kIsOptional<Member>) {
      if (statement_.columnIsNull(next_)) {
        ++next_;
        member.reset();
      } else {
        read(member.emplace());
      }
    } else if constexpr (std::is_same_v<Member, std::string>) {
      member = std::string(statement_.columnText(next_++));
    } else if constexpr (kIsFixedId<Member>) {
      member = Member::fromValid(statement_.columnText(next_++));
    } else if constexpr (std::is_enum_v<Member>) {
      const auto text = statement_.columnText(next_);
      const auto parsed = model::parseCode(text, std::type_identity<Member>{});
      if (!parsed) fail(fmt::format("'{}' is not a known code", text));
      ++next_;
      member = parsed.value_or(Member{});
    } else if constexpr (std::is_same_v<Member, model::Date>) {
      const auto text = statement_.columnText(next_);
      const auto parsed = model::parseDate(text);
      if (!parsed) fail(fmt::format("'{}' is not a YYYY-MM-DD date", text));
      ++next_;
      member = parsed.value_or(model::Date{});
    } else if constexpr (std::is_same_v<Member, model::Month>) {
      const auto text = statement_.columnText(next_);
      const auto parsed = model::parseMonth(text);
      if (!parsed) fail(fmt::format("'{}' is not a YYYY-MM month", text));
      ++next_;
      member = parsed.value_or(model::Month{});
    } else if constexpr (std::is_same_v<Member, std::int32_t>) {
      const auto value = statement_.columnInt(next_);
      if (value < INT32_MIN || value > INT32_MAX) fail(fmt::format("{} is out of range", value));
      ++next_;
      member = static_cast<std::int32_t>(value);
    } else {
      static_assert(std::is_same_v<Member, std::int64_t>);
      member = statement_.columnInt(next_++);
    }
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

}  // namespace

std::span<const StoredColumn> storedColumns(RecordType type) noexcept {
  const auto index = static_cast<std::size_t>(type);
  return index < plugin::kRecordTypeCount ? std::span<const StoredColumn>(storage().columns[index])
                                          : std::span<const StoredColumn>{};
}

std::span<const std::string_view> recordColumns(RecordType type) noexcept {
  const auto index = static_cast<std::size_t>(type);
  return index < plugin::kRecordTypeCount ? std::span<const std::string_view>(storage().names[index])
                                          : std::span<const std::string_view>{};
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
  auto record = model::emptyRecord(type);
  std::visit([&reader](auto& r) { model::forEachColumn(r, [&reader](auto, auto& m) { reader.read(m); }); }, record);
  if (!reader.error().empty()) return makeError(reader.error());
  return record;
}

}  // namespace staffchain::ledger::detail
