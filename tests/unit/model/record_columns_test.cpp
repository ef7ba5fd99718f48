#include "staffchain/model/record_columns.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "staffchain/model/column_map.hpp"
#include "staffchain/model/normalise.hpp"

namespace staffchain::model {
namespace {

// Valid identifiers, two credit codes for the types that name two units.
constexpr std::string_view kPerson = "150702198001011239";
constexpr std::string_view kUnits[] = {"11150700MB12345678", "12150700MB0000011H"};

std::string sampleCode(std::type_identity<UnitKind>) {
  return "business";
}
std::string sampleCode(std::type_identity<Funding>) {
  return "partial";
}
std::string sampleCode(std::type_identity<EstabType>) {
  return "service";
}
std::string sampleCode(std::type_identity<LeaderLevel>) {
  return "township";
}
std::string sampleCode(std::type_identity<LeaderRank>) {
  return "deputy";
}
std::string sampleCode(std::type_identity<SourceRole>) {
  return "finance";
}
std::string sampleCode(std::type_identity<MovementKind>) {
  return "second_out";
}

// A valid cell for column I of R, different from every other column's and from the member's
// default value; dates grow with the column, so that valid_until falls after issued_on.
template <CanonicalRecord R, std::size_t I>
std::string sampleCell(std::size_t& units_used) {
  constexpr CanonicalColumn column = kColumnsOf<R>[I];
  switch (column.kind) {
    case CellKind::text:
      return fmt::format("text of {}", column.name);
    case CellKind::citizen_id:
      return std::string(kPerson);
    case CellKind::credit_code:
      return std::string(kUnits[units_used++ % std::size(kUnits)]);
    case CellKind::region_code:
      return "150702";
    case CellKind::code:
      if constexpr (CodeList<MemberValue<ColumnMember<R, I>>>) {
        return sampleCode(std::type_identity<MemberValue<ColumnMember<R, I>>>{});
      }
      return {};
    case CellKind::date:
      return fmt::format("2021-03-{:02}", I + 1);
    case CellKind::month:
      return "2023-05";
    case CellKind::count:
      return std::to_string(I + 7);
    case CellKind::amount:
      return "8500.25";
  }
  return {};
}

// The text a member holds, written as its cell would be.
template <typename Member>
std::string cellOf(const Member& member) {
  if constexpr (kIsOptional<Member>) {
    return member ? cellOf(*member) : std::string("<none>");
  } else if constexpr (std::is_same_v<Member, std::string>) {
    return member;
  } else if constexpr (std::is_same_v<Member, PersonId> || std::is_same_v<Member, UnitId>) {
    return member.str();
  } else if constexpr (std::is_enum_v<Member>) {
    return std::string(toString(member));
  } else if constexpr (std::is_same_v<Member, Date>) {
    return formatDate(member);
  } else if constexpr (std::is_same_v<Member, Month>) {
    return formatMonth(member);
  } else if constexpr (std::is_same_v<Member, std::int64_t>) {
    return fmt::format("{}.{:02}", member / 100, member % 100);  // fen as yuan
  } else {
    return std::to_string(member);
  }
}

template <CanonicalRecord R, std::size_t... I>
std::vector<std::string> sampleRowOf(std::index_sequence<I...>) {
  std::size_t units_used = 0;
  // A braced list is evaluated left to right: the first credit code column gets the first code.
  return std::vector<std::string>{sampleCell<R, I>(units_used)...};
}

template <CanonicalRecord R>
std::vector<std::string> sampleRow() {
  return sampleRowOf<R>(std::make_index_sequence<kColumnsOf<R>.size()>{});
}

NormaliseResult normaliseCells(RecordType type, const std::vector<std::optional<std::string>>& cells) {
  RowView row;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (cells[i]) row.set(i, *cells[i]);
  }
  return normalise(type, row, Origin{4, 9});
}

std::string errorsOf(const NormaliseResult& result) {
  std::string out;
  for (const auto& e : result.errors) out += fmt::format("[{} '{}': {}] ", e.field, e.value, e.reason);
  return out;
}

template <typename Check, std::size_t... T>
void forEachRecordTypeOf(Check& check, std::index_sequence<T...>) {
  (check(std::type_identity<std::variant_alternative_t<T, Record>>{}), ...);
}

// Runs `check` once for each record struct.
template <typename Check>
void forEachRecordType(Check&& check) {
  forEachRecordTypeOf(check, std::make_index_sequence<std::variant_size_v<Record>>{});
}

TEST(RecordColumns, EveryRecordTypeHasColumnsWithNamesUsedOnce) {
  for (std::size_t t = 0; t < plugin::kRecordTypeCount; ++t) {
    const auto type = static_cast<RecordType>(t);
    const auto table = plugin::canonicalColumnTable(type);
    ASSERT_FALSE(table.empty()) << plugin::recordTypeFile(type);
    EXPECT_LE(table.size(), kMaxCanonicalColumns);
    std::set<std::string_view> names;
    for (const auto& column : table) {
      EXPECT_FALSE(column.name.empty()) << plugin::recordTypeFile(type);
      EXPECT_TRUE(names.insert(column.name).second) << plugin::recordTypeFile(type) << ": " << column.name;
    }
  }
}

TEST(RecordColumns, NamesIndexesAndRequiredFlagsAreTheTablesByPosition) {
  for (std::size_t t = 0; t < plugin::kRecordTypeCount; ++t) {
    const auto type = static_cast<RecordType>(t);
    const auto table = plugin::canonicalColumnTable(type);
    const auto names = canonicalColumns(type);
    ASSERT_EQ(names.size(), table.size()) << plugin::recordTypeFile(type);
    for (std::size_t i = 0; i < table.size(); ++i) {
      EXPECT_EQ(names[i], table[i].name);
      EXPECT_EQ(canonicalColumnIndex(type, table[i].name), i);
      EXPECT_EQ(isRequiredColumn(type, i), table[i].required) << table[i].name;
    }
    EXPECT_FALSE(isRequiredColumn(type, table.size()));
  }
  // The constants the normaliser reads cells by are positions in the same tables.
  static_assert(columnIndex(RecordType::movement, "movement_id") == 0);
  static_assert(columnIndex(RecordType::movement, "leader_rank") == 11);
  static_assert(columnIndex(RecordType::payroll, "gross") == 4);
  EXPECT_EQ(kColumnsOf<PayrollMonth>.data(), plugin::canonicalColumnTable(RecordType::payroll).data());
  EXPECT_EQ(kRecordTypeOf<RosterEntry>, RecordType::roster);
}

TEST(RecordColumns, EachColumnFillsItsOwnMemberAsItsKindReadsIt) {
  forEachRecordType([]<typename R>(std::type_identity<R>) {
    const auto cells = sampleRow<R>();
    const auto result = normaliseCells(kRecordTypeOf<R>, {cells.begin(), cells.end()});
    ASSERT_TRUE(result.ok()) << plugin::recordTypeFile(kRecordTypeOf<R>) << ": " << errorsOf(result);
    const auto& record = std::get<R>(*result.record);
    std::size_t filled = 0;
    forEachColumn(record, [&](auto column, const auto& member) {
      EXPECT_EQ(cellOf(member), cells[column])
          << plugin::recordTypeFile(kRecordTypeOf<R>) << "." << kColumnsOf<R>[column].name;
      ++filled;
    });
    EXPECT_EQ(filled, kColumnsOf<R>.size());
    EXPECT_EQ(record.origin.source, 4U);
    EXPECT_EQ(record.origin.row, 9U);
  });
}

TEST(RecordColumns, ARowOfTheRequiredColumnsAloneIsARecordWithItsOptionalMembersEmpty) {
  forEachRecordType([]<typename R>(std::type_identity<R>) {
    const auto cells = sampleRow<R>();
    std::vector<std::optional<std::string>> required(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (kColumnsOf<R>[i].required) required[i] = cells[i];
    }
    const auto result = normaliseCells(kRecordTypeOf<R>, required);
    ASSERT_TRUE(result.ok()) << plugin::recordTypeFile(kRecordTypeOf<R>) << ": " << errorsOf(result);
    forEachColumn(std::get<R>(*result.record), [&](auto column, const auto& member) {
      if (kColumnsOf<R>[column].required) return;
      const auto empty = cellOf(member);
      EXPECT_TRUE(empty.empty() || empty == "<none>")
          << plugin::recordTypeFile(kRecordTypeOf<R>) << "." << kColumnsOf<R>[column].name << " holds " << empty;
    });
  });
}

TEST(RecordColumns, EachRequiredColumnLeftEmptyIsReportedByItsName) {
  forEachRecordType([]<typename R>(std::type_identity<R>) {
    const auto cells = sampleRow<R>();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (!kColumnsOf<R>[i].required) continue;
      std::vector<std::optional<std::string>> row(cells.begin(), cells.end());
      row[i] = " ";
      const auto result = normaliseCells(kRecordTypeOf<R>, row);
      ASSERT_EQ(result.errors.size(), 1U) << kColumnsOf<R>[i].name << ": " << errorsOf(result);
      EXPECT_EQ(result.errors[0].field, kColumnsOf<R>[i].name);
      EXPECT_EQ(result.errors[0].reason, "is empty (required)");
    }
  });
}

TEST(RecordColumns, AHeaderLackingARequiredColumnIsRefusedAndTheRequiredOnesSuffice) {
  for (std::size_t t = 0; t < plugin::kRecordTypeCount; ++t) {
    const auto type = static_cast<RecordType>(t);
    std::vector<std::string> required;
    for (const auto& column : plugin::canonicalColumnTable(type)) {
      if (column.required) required.emplace_back(column.name);
    }
    EXPECT_TRUE(ColumnMap::of(type, required, "file.csv")) << plugin::recordTypeFile(type);
    for (std::size_t i = 0; i < required.size(); ++i) {
      auto header = required;
      header.erase(header.begin() + static_cast<std::ptrdiff_t>(i));
      const auto map = ColumnMap::of(type, header, "file.csv");
      ASSERT_FALSE(map) << plugin::recordTypeFile(type) << " without " << required[i];
      EXPECT_NE(map.error().message.find(required[i]), std::string::npos) << map.error().message;
    }
  }
}

TEST(RecordColumns, AnOptionalCodeColumnHasAnEmptyCode) {
  // An empty optional code cell reads as the list's empty code, so the list must have one.
  forEachRecordType([]<typename R>(std::type_identity<R>) {
    R record;
    forEachColumn(record, [](auto column, const auto& member) {
      using Value = MemberValue<std::remove_cvref_t<decltype(member)>>;
      if constexpr (CodeList<Value>) {
        if (kColumnsOf<R>[column].required) return;
        const auto empty = parseCode("", std::type_identity<Value>{});
        ASSERT_TRUE(empty.has_value()) << kColumnsOf<R>[column].name;
        EXPECT_EQ(toString(*empty), "");
      }
    });
  });
}

TEST(RecordColumns, EmptyRecordIsOfTheTypeAsked) {
  for (std::size_t t = 0; t < plugin::kRecordTypeCount; ++t) {
    const auto type = static_cast<RecordType>(t);
    EXPECT_EQ(recordTypeOf(emptyRecord(type)), type);
  }
  EXPECT_EQ(recordTypeOf(emptyRecord(static_cast<RecordType>(200))), RecordType::unit);
}

}  // namespace
}  // namespace staffchain::model
