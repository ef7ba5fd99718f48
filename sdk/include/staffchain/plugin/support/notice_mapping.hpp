// NoticeMapping: how a sink renames the canonical movement notice onto a target system's own
// fields — the inverse of a source's FieldMapping, read from the sink's TOML.
//
//   [sinks.estab_inbox.mapping]
//   fields = { notice_id = "TZBH", person_id = "SFZH", name = "XM", action = "YWLX" }
//   values = { action = { roster_add = "上编", roster_remove = "下编" } }
//   constants = { SJLY = "staffchain" }
//
// The direction is the sources' one: the key is always the canonical name and the value the
// department's, so one department's source and sink tables read alike. `values` translates a
// canonical value into the target's code (again canonical on the left); `constants` adds a
// target field with a fixed value. With `fields` given, exactly those columns are sent; without
// it, every canonical column is sent under its own name. Fields go out in kNoticeColumns
// order, then the constants in name order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/sink.hpp"

namespace staffchain::plugin {

class NoticeMapping {
 public:
  // Identity: every canonical notice column under its own name.
  NoticeMapping();

  // Reads `fields`, `values` and `constants` from `reader` (the mapping table) and finishes it:
  // an unknown canonical column, a target field named twice or any other key is reported there.
  static NoticeMapping read(ConfigReader& reader);
  // Reads the optional `mapping` subtable of a sink's table (identity when absent).
  static NoticeMapping readFrom(ConfigReader& sink_table);

  struct TargetField {
    std::string name;    // the target system's field
    std::string column;  // the canonical column it comes from; empty for a constant
    std::string constant;
    std::map<std::string, std::string, std::less<>> values;  // canonical value -> target value
  };
  [[nodiscard]] const std::vector<TargetField>& fields() const noexcept { return fields_; }
  // The target field a canonical column is sent as, or nullopt when it is not sent.
  [[nodiscard]] std::optional<std::string> targetOf(std::string_view column) const;

  // The target's (field, value) pairs for `notice`, in the order of fields(). With
  // `mask_citizen_ids`, the person_id column is masked (150702********123X) for log lines.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> render(const Notice& notice,
                                                                        bool mask_citizen_ids = false) const;

 private:
  std::vector<TargetField> fields_;
};

// 150702********123X: the first six and last four characters kept, as DOMAIN.md §4 asks of
// every log line and notification (values shorter than ten characters are starred whole).
std::string maskCitizenIdValue(std::string_view id);

// "field=value, field=value": a rendered notice on one log line.
std::string joinRendered(const std::vector<std::pair<std::string, std::string>>& rendered);

// Why `id` cannot name a file or travel in a header (empty, a control character, a '/', a
// leading '.', longer than 200 bytes), or nullopt when it can.
std::optional<std::string> noticeIdProblem(std::string_view id);

}  // namespace staffchain::plugin
