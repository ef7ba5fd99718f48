#include "staffchain/plugin/support/field_mapping.hpp"

#include <fmt/format.h>

#include "staffchain/plugin/canonical_columns.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"

namespace staffchain::plugin {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool readNumber(std::string_view& text, std::size_t max_digits, int& out) {
  std::size_t used = 0;
  int value = 0;
  while (used < max_digits && used < text.size() && text[used] >= '0' && text[used] <= '9') {
    value = value * 10 + (text[used] - '0');
    ++used;
  }
  if (used == 0) return false;
  text.remove_prefix(used);
  out = value;
  return true;
}

std::string columnList(RecordType type) {
  std::string out;
  for (auto column : canonicalColumns(type)) {
    if (!out.empty()) out += ", ";
    out += column;
  }
  return out;
}

// `format` with every conversion replaced by a value it must accept (2024-05-17 08:30:00).
std::string sampleDate(std::string_view format) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    switch (format[++i]) {
      case 'Y':
        out += "2024";
        break;
      case 'm':
        out += "05";
        break;
      case 'd':
        out += "17";
        break;
      case 'H':
        out += "08";
        break;
      case 'M':
        out += "30";
        break;
      case 'S':
        out += "00";
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        out += format[i];
        break;  // reformatDate names the unsupported one
    }
  }
  return out;
}

}  // namespace

Result<std::string> reformatDate(std::string_view raw, std::string_view format) {
  std::string_view text = trim(raw);
  int year = -1;
  int month = -1;
  int day = -1;
  int ignored = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      if (text.empty() || text.front() != format[i]) {
        return makeError(fmt::format("\"{}\" does not match the date format \"{}\"", raw, format));
      }
      text.remove_prefix(1);
      continue;
    }
    const char spec = format[++i];
    bool ok = true;
    switch (spec) {
      case 'Y':
        ok = readNumber(text, 4, year);
        break;
      case 'm':
        ok = readNumber(text, 2, month);
        break;
      case 'd':
        ok = readNumber(text, 2, day);
        break;
      case 'H':
      case 'M':
      case 'S':
        ok = readNumber(text, 2, ignored);
        break;
      case '%':
        ok = !text.empty() && text.front() == '%';
        if (ok) text.remove_prefix(1);
        break;
      default:
        return makeError(fmt::format("the date format \"{}\" uses %{}, which is not supported", format, spec));
    }
    if (!ok) return makeError(fmt::format("\"{}\" does not match the date format \"{}\"", raw, format));
  }
  if (!trim(text).empty())
    return makeError(fmt::format("\"{}\" has text left over after the date format \"{}\"", raw, format));
  if (year < 0 || month < 0) return makeError(fmt::format("the date format \"{}\" needs %Y and %m", format));
  if (day < 0) return fmt::format("{:04}-{:02}", year, month);
  return fmt::format("{:04}-{:02}-{:02}", year, month, day);
}

FieldMapping::FieldMapping(RecordType type) : type_(type) {
  for (auto column : canonicalColumns(type))
    columns_.push_back(Column{std::string(column), std::string(column), {}, {}, {}});
}

std::string FieldMapping::sourceField(std::string_view column) const {
  for (const auto& c : columns_) {
    if (c.name == column) return c.source;
  }
  return std::string(column);
}

std::vector<std::string> FieldMapping::requiredSourceFields() const {
  std::vector<std::string> fields;
  for (const auto& c : columns_) {
    const auto index = canonicalColumnIndex(type_, c.name);
    if (index && isRequiredCanonicalColumn(type_, *index) && !c.constant) fields.push_back(c.source);
  }
  return fields;
}

std::vector<std::string> FieldMapping::sourceFields() const {
  std::vector<std::string> fields;
  for (const auto& c : columns_) {
    if (!c.constant) fields.push_back(c.source);
  }
  return fields;
}

FieldMapping FieldMapping::read(ConfigReader& reader, RecordType type) {
  FieldMapping mapping(type);
  auto column_of = [&](std::string_view section, const toml::key& key, const toml::node& node) -> Column* {
    for (auto& c : mapping.columns_) {
      if (c.name == key.str()) return &c;
    }
    reader.errors().push_back(fmt::format("{}{}.{}.{}: not a column of {}.csv ({})",
                                          ConfigReader::location(key.source(), node), reader.path(), section, key.str(),
                                          recordTypeFile(type), columnList(type)));
    return nullptr;
  };
  auto each_string = [&](std::string_view section, auto&& use) {
    const toml::table* table = reader.subtable(section);
    if (table == nullptr) return;
    for (const auto& [key, node] : *table) {
      Column* column = column_of(section, key, node);
      if (column == nullptr) continue;
      use(*column, key.str(), node);
    }
  };
  each_string("fields", [&](Column& column, std::string_view key, const toml::node& node) {
    if (const auto* text = node.as_string()) {
      column.source = text->get();
    } else {
      reader.fail(node, fmt::format("fields.{}", key), "expected the source field's name (a string)");
    }
  });
  each_string("constants", [&](Column& column, std::string_view key, const toml::node& node) {
    if (const auto* text = node.as_string()) {
      column.constant = text->get();
    } else {
      reader.fail(node, fmt::format("constants.{}", key), "expected a string");
    }
  });
  each_string("dates", [&](Column& column, std::string_view key, const toml::node& node) {
    const auto* text = node.as_string();
    if (text == nullptr) {
      reader.fail(node, fmt::format("dates.{}", key), "expected a date format such as \"%Y%m%d\"");
      return;
    }
    // Check the format once, on a date it must accept.
    const std::string probe = sampleDate(text->get());
    if (auto checked = reformatDate(probe, text->get()); !checked) {
      reader.fail(node, fmt::format("dates.{}", key), checked.error().message);
      return;
    }
    column.date_format = text->get();
  });
  each_string("values", [&](Column& column, std::string_view key, const toml::node& node) {
    const auto* table = node.as_table();
    if (table == nullptr) {
      reader.fail(node, fmt::format("values.{}", key), "expected a table of source value = canonical value");
      return;
    }
    for (const auto& [from, to] : *table) {
      if (const auto* text = to.as_string()) {
        column.values.emplace(std::string(from.str()), text->get());
      } else {
        reader.fail(to, fmt::format("values.{}.{}", key, from.str()), "expected a string");
      }
    }
  });
  return mapping;
}

FieldMapping::Mapped FieldMapping::apply(const FieldLookup& lookup, std::string origin) const {
  Mapped out;
  RawRecord& record = out.record;
  record.type = type_;
  record.origin = std::move(origin);
  record.fields.reserve(columns_.size());
  for (const auto& column : columns_) {
    std::optional<std::string> value = column.constant ? column.constant : lookup(column.source);
    if (!value) continue;  // absent: validation decides whether the column was required
    if (!column.values.empty()) {
      auto mapped = column.values.find(trim(*value));
      if (mapped != column.values.end()) value = mapped->second;
    }
    if (column.date_format && !trim(*value).empty()) {
      auto reformatted = reformatDate(*value, *column.date_format);
      if (!reformatted) {
        out.problems.push_back(
            RejectedRecord{type_, record.origin, column.name, reformatted.error().message, excerpt(*value)});
        continue;
      }
      value = std::move(reformatted.value());
    }
    record.fields.emplace_back(column.name, std::move(*value));
  }
  return out;
}

void FieldMapping::applyInto(SourceBatch& batch, const FieldLookup& lookup, std::string origin) const {
  Mapped mapped = apply(lookup, std::move(origin));
  if (mapped.ok()) {
    batch.records.push_back(std::move(mapped.record));
  } else {
    for (auto& problem : mapped.problems) batch.rejected.push_back(std::move(problem));
  }
}

}  // namespace staffchain::plugin
