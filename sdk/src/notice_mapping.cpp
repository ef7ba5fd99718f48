#include "staffchain/plugin/support/notice_mapping.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace staffchain::plugin {
namespace {

bool isNoticeColumn(std::string_view name) {
  return std::find(kNoticeColumns.begin(), kNoticeColumns.end(), name) != kNoticeColumns.end();
}

// The UTF-8 length of the character `text` starts with (1 for a stray byte), so that a value is
// masked character by character and never cut inside one.
std::size_t characterSize(std::string_view text) noexcept {
  const auto lead = static_cast<unsigned char>(text.front());
  std::size_t size = 1;
  if (lead >= 0xF0U) {
    size = 4;
  } else if (lead >= 0xE0U) {
    size = 3;
  } else if (lead >= 0xC0U) {
    size = 2;
  }
  if (size > text.size()) return 1;
  for (std::size_t i = 1; i < size; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) return 1;
  }
  return size;
}

std::string noticeColumnList() {
  std::string out;
  for (auto column : kNoticeColumns) {
    if (!out.empty()) out += ", ";
    out += column;
  }
  return out;
}

}  // namespace

NoticeMapping::NoticeMapping() {
  for (auto column : kNoticeColumns) fields_.push_back(TargetField{std::string(column), std::string(column), {}, {}});
}

NoticeMapping NoticeMapping::read(ConfigReader& reader) {
  NoticeMapping mapping;
  if (const toml::table* fields = reader.subtable("fields")) {
    ConfigReader fields_reader = reader.child(*fields, "fields");
    mapping.fields_.clear();
    // kNoticeColumns order, not the table's: the target sees the same order whatever the TOML says.
    for (auto column : kNoticeColumns) {
      if (!fields->contains(column)) continue;
      auto target = fields_reader.string(column);
      if (!target) continue;
      if (target->empty()) {
        fields_reader.fail(column, "expected the target system's field name, not an empty string");
        continue;
      }
      mapping.fields_.push_back(TargetField{*target, std::string(column), {}, {}});
    }
    for (const auto& [key, node] : *fields) {
      if (!isNoticeColumn(key.str())) {
        fields_reader.accept(key.str());
        fields_reader.fail(key.str(), fmt::format("not a canonical notice column (the key is the canonical column, "
                                                  "the value the target's field; columns: {})",
                                                  noticeColumnList()));
      }
    }
    fields_reader.finish();
    if (fields->empty()) reader.fail("fields", "names no column: the sink would send nothing");
  }
  if (const toml::table* values = reader.subtable("values")) {
    ConfigReader values_reader = reader.child(*values, "values");
    for (const auto& [key, node] : *values) {
      const std::string column(key.str());
      const toml::table* table = values_reader.subtable(column);
      if (table == nullptr) continue;
      auto field = std::find_if(mapping.fields_.begin(), mapping.fields_.end(),
                                [&](const TargetField& f) { return f.column == column; });
      if (field == mapping.fields_.end()) {
        values_reader.fail(column, isNoticeColumn(column) ? "this canonical column is not sent (it is not in fields)"
                                                          : "not a canonical notice column");
        continue;
      }
      ConfigReader map_reader = values_reader.child(*table, column);
      for (const auto& [from, to] : *table) {
        if (auto target = map_reader.string(from.str())) field->values.emplace(std::string(from.str()), *target);
      }
      map_reader.finish();
    }
    values_reader.finish();
  }
  if (const toml::table* constants = reader.subtable("constants")) {
    ConfigReader constants_reader = reader.child(*constants, "constants");
    for (const auto& [key, node] : *constants) {
      const std::string name(key.str());
      auto value = constants_reader.string(name);
      if (!value) continue;
      mapping.fields_.push_back(TargetField{name, {}, *value, {}});
    }
    constants_reader.finish();
  }
  // Two canonical columns (or a column and a constant) onto one target field: the second would
  // silently overwrite the first in a JSON object, or make a duplicate column in SQL and CSV.
  for (std::size_t i = 0; i < mapping.fields_.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (mapping.fields_[i].name == mapping.fields_[j].name) {
        const auto& field = mapping.fields_[i];
        reader.fail(field.column.empty() ? "constants" : "fields",
                    fmt::format("the target field \"{}\" is written twice ({} and {})", field.name,
                                mapping.fields_[j].column.empty() ? "a constant" : mapping.fields_[j].column,
                                field.column.empty() ? "a constant" : field.column));
      }
    }
  }
  reader.finish();
  return mapping;
}

NoticeMapping NoticeMapping::readFrom(ConfigReader& sink_table) {
  const toml::table* table = sink_table.subtable("mapping");
  if (table == nullptr) return NoticeMapping();
  ConfigReader reader = sink_table.child(*table, "mapping");
  return read(reader);
}

std::optional<std::string> NoticeMapping::targetOf(std::string_view column) const {
  for (const auto& field : fields_) {
    if (field.column == column) return field.name;
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> NoticeMapping::render(const Notice& notice,
                                                                       bool mask_citizen_ids) const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(fields_.size());
  for (const auto& field : fields_) {
    if (field.column.empty()) {
      out.emplace_back(field.name, field.constant);
      continue;
    }
    const std::string* value = notice.field(field.column);
    std::string text = value != nullptr ? *value : (field.column == "notice_id" ? notice.id : std::string());
    if (auto mapped = field.values.find(text); mapped != field.values.end()) text = mapped->second;
    if (mask_citizen_ids && field.column == "person_id") text = maskCitizenIdValue(text);
    out.emplace_back(field.name, std::move(text));
  }
  return out;
}

// Masks as model::maskCitizenIds masks an id in text (the SDK cannot use the model): by
// characters, not bytes, with a full-width character starred as '＊', so that an id typed in
// full-width digits ("１５０７０２…") neither shows nor comes out as broken UTF-8.
std::string maskCitizenIdValue(std::string_view id) {
  constexpr std::string_view kWideStar = "\xEF\xBC\x8A";
  std::size_t length = 0;
  for (std::size_t at = 0; at < id.size(); at += characterSize(id.substr(at))) ++length;
  std::string masked;
  masked.reserve(id.size());
  std::size_t k = 0;
  for (std::size_t at = 0; at < id.size(); ++k) {
    const auto size = characterSize(id.substr(at));
    if (length >= 10 && (k < 6 || k + 4 >= length)) {
      masked.append(id.substr(at, size));
    } else {
      masked.append(size == 1 ? std::string_view("*") : kWideStar);
    }
    at += size;
  }
  return masked;
}

std::string joinRendered(const std::vector<std::pair<std::string, std::string>>& rendered) {
  std::string out;
  for (const auto& [name, value] : rendered) {
    if (!out.empty()) out += ", ";
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::optional<std::string> noticeIdProblem(std::string_view id) {
  if (id.empty()) return std::string("the notice has no id");
  if (id.size() > 200) return fmt::format("the notice id is {} bytes long (at most 200)", id.size());
  if (id.front() == '.') return fmt::format("the notice id \"{}\" starts with '.'", id);
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return std::string("the notice id contains a control character");
    if (c == '/' || c == '\\') return fmt::format("the notice id \"{}\" contains a path separator", id);
  }
  return std::nullopt;
}

}  // namespace staffchain::plugin
