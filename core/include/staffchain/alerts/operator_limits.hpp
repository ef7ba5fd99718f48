// Operator limits: the [alerts] table, bounds on what operators may do to alerts, and its reader.
#pragma once

#include <chrono>

namespace staffchain::plugin {
class ConfigReader;
}

namespace staffchain::alerts {

struct OperatorLimits {
  // The longest silence that may be set (at most 3650d); a longer one is refused, naming this.
  std::chrono::milliseconds max_silence{std::chrono::days(90)};
};

// Reads an [alerts] table into `limits`; problems are added to the reader's errors, located.
void readOperatorLimits(plugin::ConfigReader& reader, OperatorLimits& limits);

}  // namespace staffchain::alerts
