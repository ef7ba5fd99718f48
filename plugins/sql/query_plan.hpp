// QueryPlan: the statement a configured query runs with, and the cursor of incremental pulls.
//
// The operator's SELECT is never edited as text: it is wrapped as a subquery, and the position
// is compared, ordered and limited outside it, with every value bound as a parameter.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::sql {

enum class Dialect { postgresql, sqlite };

// How a value was stored, so that a position is bound back with the type it was read with
// (SQLite compares an integer and a text by type, not by value).
enum class ValueKind : char { text = 's', integer = 'i', real = 'r' };

// A column value as text; nullopt is SQL NULL.
struct SqlValue {
  std::optional<std::string> text;
  ValueKind kind = ValueKind::text;
};

struct Watermark {
  std::string column;  // increases whenever a row changes ("updated_at")
  std::string key;     // unique per row: orders rows that share a watermark value
};

struct QuerySpec {
  std::string name;  // the record type's file stem: "movements"
  plugin::RecordType type = plugin::RecordType::unit;
  std::string sql;  // the operator's SELECT, without a trailing semicolon
  std::optional<Watermark> watermark;
  bool full_snapshot = false;
};

// Where an incremental query stopped: the last row's watermark and key.
struct QueryPosition {
  SqlValue watermark;
  SqlValue key;
};

// The connector's cursor: a position per incremental query, as JSON
// ({"v":1,"positions":{"movements":{"watermark":"...","key":"...","kinds":"ss"}}}).
class SqlCursor {
 public:
  static Result<SqlCursor> decode(std::string_view text);
  [[nodiscard]] std::string encode() const;

  [[nodiscard]] const QueryPosition* position(const std::string& query) const;
  void set(const std::string& query, QueryPosition position) { positions_[query] = std::move(position); }
  // Keeps only the positions of `queries`, so that a removed query leaves nothing behind.
  void retain(const std::vector<QuerySpec>& queries);

 private:
  std::map<std::string, QueryPosition> positions_;
};

struct Statement {
  std::string text;
  std::vector<SqlValue> parameters;
};

// "name" with embedded quotes doubled: an identifier both PostgreSQL and SQLite accept.
std::string quoteIdentifier(std::string_view name);

// Trims whitespace and trailing semicolons from an operator's query.
std::string normaliseQueryText(std::string_view sql);

// The statement for one pull of `query`: rows after `position` (all rows when it is null) in
// watermark then key order, at most `batch_size` of them. A query without a watermark runs
// whole, still wrapped so that only a single SELECT can run.
Statement buildStatement(Dialect dialect, const QuerySpec& query, const QueryPosition* position,
                         std::size_t batch_size);

}  // namespace staffchain::sql
