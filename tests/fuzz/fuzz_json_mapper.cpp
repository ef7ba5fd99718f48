// Fuzzes the rest source's JSON record mapper: a page body parsed as JSON, its records found by
// a dotted path, each mapped field by field (renames, nested and indexed paths, value maps, date
// formats) into a raw record, as RestSource::readPage does, and each raw record normalised as
// the host's ingest would. Every item ends up in exactly one place: a record or the rejected.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "json_path.hpp"
#include "staffchain/model/normalise.hpp"
#include "staffchain/model/row_view.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/support/field_mapping.hpp"

namespace {

using staffchain::plugin::RecordType;
using staffchain::rest::findPath;
using staffchain::rest::textOf;

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

void require(bool condition, const char* what) {
  if (!condition) violated(what);
}

constexpr std::string_view kRecordsPath = "data.items";

// The movements endpoint's mapping of config/examples/rest.toml, with a Chinese date format and an
// indexed path added.
constexpr std::string_view kMapping = R"(
dates = { effective_on = "%Y%m%d", recorded_on = "%Y年%m月%d日" }
constants = { source = "hr" }

[fields]
movement_id = "id"
person_id = "sfzh"
name = "xm"
unit_id = "dw.tyshxydm"
from_unit_id = "ydw.tyshxydm"
kind = "ydlx"
effective_on = "sxrq"
recorded_on = "djrq"
approval_id = "hzbh"
leader_level = "zw.0.jb"

[values.kind]
"考录" = "hire"
"公开招聘" = "hire"
"调入" = "transfer_in"
"调出" = "transfer_out"
"退休" = "retire"
"辞职" = "resign"
"辞退" = "dismiss"
"死亡" = "death"
"借调" = "second_out"
"借调返回" = "second_return"
)";

struct Harness {
  toml::table table;
  std::optional<staffchain::plugin::FieldMapping> mapping;

  Harness() : table(toml::parse(kMapping)) {
    std::vector<std::string> errors;
    staffchain::plugin::ConfigReader reader(table, "connectors.hr_api.endpoints.movements.mapping", errors);
    mapping = staffchain::plugin::FieldMapping::read(reader, RecordType::movement);
    require(errors.empty(), "harness: the mapping is refused");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Harness harness;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto document = nlohmann::json::parse(body, nullptr, false);
  if (document.is_discarded()) return 0;
  require(findPath(document, "") == &document, "path: the empty path is not the document");
  const nlohmann::json* records = findPath(document, kRecordsPath);
  if (records == nullptr || !records->is_array()) {
    // What the page says in place of records still reads as text for the rejection message.
    if (records != nullptr) (void)textOf(*records);
    return 0;
  }

  const std::string id_field = harness.mapping->sourceField("movement_id");
  staffchain::plugin::SourceBatch batch;
  std::size_t objects = 0;
  std::size_t item = 0;
  for (const auto& record : *records) {
    ++item;
    if (!record.is_object()) continue;
    ++objects;
    std::string origin = "item " + std::to_string(item);
    if (const auto* id = findPath(record, id_field); id != nullptr && !id->is_null())
      origin += " (id " + textOf(*id) + ")";
    harness.mapping->applyInto(
        batch,
        [&record](std::string_view field) -> std::optional<std::string> {
          const auto* value = findPath(record, field);
          if (value == nullptr) return std::nullopt;
          return textOf(*value);
        },
        std::move(origin));
  }

  std::set<std::string> rejected_origins;
  for (const auto& rejected : batch.rejected) {
    require(!rejected.reason.empty() && !rejected.field.empty(), "mapping: a rejection names no field or reason");
    rejected_origins.insert(rejected.origin);
  }
  require(batch.records.size() + rejected_origins.size() == objects,
          "mapping: an item is neither a record nor rejected, or is both");
  for (std::size_t i = 0; i < batch.records.size(); ++i) {
    const auto& raw = batch.records[i];
    require(raw.type == RecordType::movement, "mapping: the record changed type");
    require(rejected_origins.count(raw.origin) == 0, "mapping: an item is both a record and rejected");
    auto result = staffchain::model::normalise(RecordType::movement, staffchain::model::rowViewOf(raw),
                                               staffchain::model::Origin{0, static_cast<std::uint32_t>(i)});
    require(result.record.has_value() == result.errors.empty(), "normalise: a record exactly when there is no error");
  }
  return 0;
}
