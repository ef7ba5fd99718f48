// promtoolCheck: Prometheus's own linter over a metrics exposition.
#pragma once

#include <string>

#include "peer_process.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::testing {

// `promtool check metrics` with `exposition` on stdin. Exit code 0: clean; 3: lint problems
// (e.g. a counter without _total); 1: the text does not parse. Note that promtool does not
// catch duplicate series. An error only when promtool is missing or hangs.
Result<CommandOutcome> promtoolCheck(const std::string& exposition);

}  // namespace staffchain::testing
