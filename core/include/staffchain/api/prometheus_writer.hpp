// PrometheusWriter: builds a text exposition (format 0.0.4): HELP and TYPE once per family,
// each family's samples together whatever order they were added in, label values escaped —
// so that promtool accepts what /metrics serves.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace staffchain::api {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusWriter {
 public:
  // Counter names end in _total; the writer does not add it.
  void counter(std::string_view name, std::string_view help, const Labels& labels, double value);
  void gauge(std::string_view name, std::string_view help, const Labels& labels, double value);

  [[nodiscard]] std::string text() const;

 private:
  struct Family {
    std::string name;
    std::string type;
    std::string help;
    std::string samples;
  };
  void sample(std::string_view type, std::string_view name, std::string_view help, const Labels& labels, double value);

  std::vector<Family> families_;  // in the order they first appeared
};

}  // namespace staffchain::api
