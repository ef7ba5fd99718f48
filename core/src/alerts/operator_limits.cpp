#include "staffchain/alerts/operator_limits.hpp"

#include "staffchain/alerts/silence_check.hpp"
#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::alerts {

void readOperatorLimits(plugin::ConfigReader& reader, OperatorLimits& limits) {
  limits.max_silence = reader.duration("max_silence", limits.max_silence);
  // Beyond ten years an expiry no longer fits the clock; nobody means a silence that long.
  if (limits.max_silence > kLongestMaxSilence) {
    reader.fail("max_silence", "must be at most " + durationText(kLongestMaxSilence));
  }
  reader.finish();
}

}  // namespace staffchain::alerts
