// FieldMapping: how one record type of a department's system maps onto a canonical record —
// field renames, value maps, date formats and constants, read from a connector's TOML.
//
//   [connectors.hr_api.endpoints.movements.mapping]
//   fields = { person_id = "sfzh", unit_id = "dw.code", effective_on = "sxrq" }
//   values = { kind = { "退休" = "retire", "调出" = "transfer_out" } }
//   dates = { effective_on = "%Y%m%d" }
//   constants = { source = "hr" }
//
// A canonical column not named in `fields` is read from the source field of the same name.
// Source field names may be dotted paths ("dw.code") for nested documents.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/records.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

// Looks a source field up by name or dotted path: its text, or nullopt when absent.
using FieldLookup = std::function<std::optional<std::string>(std::string_view source_field)>;

class FieldMapping {
 public:
  // Identity mapping: every canonical column from the source field of the same name.
  explicit FieldMapping(RecordType type);

  // Reads `fields`, `values`, `dates` and `constants` from `reader` (the mapping table),
  // reporting unknown canonical columns and bad formats into it. Other keys are left for the
  // caller (and finish()).
  static FieldMapping read(ConfigReader& reader, RecordType type);

  [[nodiscard]] RecordType type() const noexcept { return type_; }
  // The source field a canonical column is read from.
  [[nodiscard]] std::string sourceField(std::string_view column) const;
  // Every source field a record cannot do without: those of the required canonical columns
  // that are not constants. A file or page without one of them is refused whole.
  [[nodiscard]] std::vector<std::string> requiredSourceFields() const;
  // Every source field the mapping reads (constants read none).
  [[nodiscard]] std::vector<std::string> sourceFields() const;

  // Builds a raw record from one source record. A value that does not fit its date format
  // makes the record unusable: it comes back in `problems` (one per field), for quarantine.
  struct Mapped {
    RawRecord record;
    std::vector<RejectedRecord> problems;
    [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
  };
  [[nodiscard]] Mapped apply(const FieldLookup& lookup, std::string origin) const;

  // Adds a mapped record to `batch`: to its records when it mapped, to its rejected otherwise.
  void applyInto(SourceBatch& batch, const FieldLookup& lookup, std::string origin) const;

 private:
  struct Column {
    std::string name;    // canonical
    std::string source;  // source field or path
    std::optional<std::string> constant;
    std::optional<std::string> date_format;
    std::map<std::string, std::string, std::less<>> values;
  };
  RecordType type_;
  std::vector<Column> columns_;
};

// Parses `text` with a strftime-like `format` (%Y %m %d %H %M %S %%, other characters literal,
// UTF-8 included, e.g. "%Y年%m月%d日") and returns "YYYY-MM-DD" (or "YYYY-MM" when the format has
// no %d). Leading and trailing spaces are ignored; text left over is an error.
Result<std::string> reformatDate(std::string_view text, std::string_view format);

}  // namespace staffchain::plugin
