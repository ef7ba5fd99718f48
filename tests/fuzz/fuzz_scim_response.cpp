// Fuzzes the SCIM source's reading of a server's answer: the ListResponse parser, the paging
// arithmetic on what it returns, and each resource mapped through attribute paths (core and
// enterprise-extension attributes, filters, indexes) into a roster record and normalised.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "list_response.hpp"
#include "scim_path.hpp"
#include "staffchain/model/normalise.hpp"
#include "staffchain/model/row_view.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/support/field_mapping.hpp"
#include "timestamp.hpp"

namespace {

using staffchain::plugin::RecordType;
using staffchain::scim::ListResponse;
using staffchain::scim::ScimPath;

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

void require(bool condition, const char* what) {
  if (!condition) violated(what);
}

// The roster mapping of config/examples/scim.toml, with a filtered and a core-URN path added.
constexpr std::string_view kMapping = R"(
dates = { entered_on = "%Y-%m-%d" }
values = { estab_type = { "行政" = "admin", "政法" = "political_legal", "事业" = "institution" } }

[fields]
person_id = "externalId"
name = "name.formatted"
unit_id = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
estab_type = "urn:example:gov:scim:schemas:extension:staffing:1.0:User:estabType"
entered_on = "urn:example:gov:scim:schemas:extension:staffing:1.0:User:enteredOn"
approval_id = "urn:example:gov:scim:schemas:extension:staffing:1.0:User:approvalId"
leader_level = 'roles[type eq "leader"].value'
leader_rank = "urn:ietf:params:scim:schemas:core:2.0:User:title"
)";

struct Harness {
  toml::table table;
  std::optional<staffchain::plugin::FieldMapping> mapping;
  std::vector<std::pair<std::string, ScimPath>> paths;

  Harness() : table(toml::parse(kMapping)) {
    std::vector<std::string> errors;
    staffchain::plugin::ConfigReader reader(table, "connectors.hr.records.roster", errors);
    mapping = staffchain::plugin::FieldMapping::read(reader, RecordType::roster);
    require(errors.empty(), "harness: the mapping is refused");
    for (const auto column : staffchain::plugin::canonicalColumns(RecordType::roster)) {
      const std::string source = mapping->sourceField(column);
      auto path = ScimPath::parse(source);
      require(path.ok(), "harness: a mapping path does not parse");
      paths.emplace_back(source, std::move(*path));
    }
    for (const auto extra : {"meta.lastModified", "emails", "emails[1].value", "id", "members[value eq 7].display"}) {
      auto path = ScimPath::parse(extra);
      require(path.ok(), "harness: an extra path does not parse");
      paths.emplace_back(extra, std::move(*path));
    }
  }
};

void checkPage(const ListResponse& page) {
  require(page.total_results >= 0, "list: negative totalResults");
  require(page.start_index >= 1, "list: startIndex below 1");
  require(page.resources.is_array(), "list: Resources is not an array");
  require(page.items_per_page >= 0 && page.items_per_page <= static_cast<std::int64_t>(page.resources.size()),
          "list: itemsPerPage outside [0, resources sent]");
  const std::int64_t next = page.nextStartIndex();
  require(next == 0 || (next > page.start_index && next <= page.total_results),
          "list: the next startIndex goes backwards or past totalResults");
}

void mapResource(const Harness& harness, const nlohmann::json& resource, std::size_t k) {
  if (const auto* meta = staffchain::scim::findMember(resource, "meta"); meta != nullptr) {
    if (const auto* last = staffchain::scim::findMember(*meta, "lastModified"); last != nullptr && last->is_string()) {
      const auto stamp = staffchain::scim::parseTimestamp(last->get_ref<const std::string&>());
      (void)stamp;
    }
  }
  std::vector<std::string> resolve_errors;
  const staffchain::plugin::FieldLookup lookup = [&](std::string_view field) -> std::optional<std::string> {
    for (const auto& [name, path] : harness.paths) {
      if (name != field) continue;
      auto value = path.resolve(resource);
      if (!value) {
        require(!value.error().message.empty(), "path: an error without a message");
        resolve_errors.push_back(value.error().message);
        return std::nullopt;
      }
      return std::move(*value);
    }
    return std::nullopt;
  };
  for (const auto& [name, path] : harness.paths) (void)lookup(name);
  auto mapped = harness.mapping->apply(lookup, "resource " + std::to_string(k));
  require(mapped.record.type == RecordType::roster, "mapping: the record changed type");
  if (!mapped.ok()) return;
  auto result = staffchain::model::normalise(RecordType::roster, staffchain::model::rowViewOf(mapped.record),
                                             staffchain::model::Origin{0, static_cast<std::uint32_t>(k)});
  require(result.record.has_value() == result.errors.empty(), "normalise: a record exactly when there is no error");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Harness harness;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  constexpr std::int64_t kRequested = 1;
  auto page = ListResponse::parse(body, kRequested);
  if (!page) {
    require(!page.error().message.empty(), "list: an error without a message");
    return 0;
  }
  checkPage(*page);
  for (std::size_t k = 0; k < page->resources.size(); ++k) mapResource(harness, page->resources[k], k);
  return 0;
}
