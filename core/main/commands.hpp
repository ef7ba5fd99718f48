// The staffchainctl subcommands that run locally, without a daemon.
#pragma once

#include <string>
#include <vector>

namespace staffchain::ctl {

int runAudit(const std::vector<std::string>& args);
int runGen(const std::vector<std::string>& args);
// status, alerts, ack, silence, connectors, reload: through the daemon's HTTP API.
int runApiCommand(const std::string& command, std::vector<std::string> args);

}  // namespace staffchain::ctl
