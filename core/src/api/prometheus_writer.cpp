#include "staffchain/api/prometheus_writer.hpp"

#include <fmt/format.h>

#include <cmath>

namespace staffchain::api {
namespace {

std::string escapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

}  // namespace

void PrometheusWriter::counter(std::string_view name, std::string_view help, const Labels& labels, double value) {
  sample("counter", name, help, labels, value);
}

void PrometheusWriter::gauge(std::string_view name, std::string_view help, const Labels& labels, double value) {
  sample("gauge", name, help, labels, value);
}

void PrometheusWriter::sample(std::string_view type, std::string_view name, std::string_view help, const Labels& labels,
                              double value) {
  Family* family = nullptr;
  for (auto& existing : families_) {
    if (existing.name == name) family = &existing;
  }
  if (family == nullptr) {
    families_.push_back(Family{std::string(name), std::string(type), std::string(help), {}});
    family = &families_.back();
  }
  std::string& out = family->samples;
  out += name;
  if (!labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out += ',';
      out += fmt::format("{}=\"{}\"", labels[i].first, escapeLabel(labels[i].second));
    }
    out += '}';
  }
  out += ' ';
  out += number(value);
  out += '\n';
}

std::string PrometheusWriter::text() const {
  std::string out;
  for (const auto& family : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, family.help, family.name, family.type);
    out += family.samples;
  }
  return out;
}

}  // namespace staffchain::api
