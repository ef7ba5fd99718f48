// The staffchainctl subcommands that run locally, without a daemon.
#pragma once

#include <string>
#include <vector>

namespace staffchain::ctl {

int runAudit(const std::vector<std::string>& args);
int runGen(const std::vector<std::string>& args);
// store copy: the state from one store into another (store_command.cpp).
int runStoreCommand(const std::vector<std::string>& args);
// status, notices, connectors, reload: through the daemon's HTTP API.
int runApiCommand(const std::string& command, std::vector<std::string> args);
// alerts (and alerts show ID), ack, silence: the same, for alerts (alert_commands.cpp).
int runAlertCommand(const std::string& command, std::vector<std::string> args);
// findings, quarantine (data_commands.cpp).
int runDataCommand(const std::string& command, std::vector<std::string> args);
// precheck, vacancies, reductions (loop_commands.cpp).
int runLoopCommand(const std::string& command, std::vector<std::string> args);
// cases: rectification cases and their notices (case_commands.cpp).
int runCaseCommand(std::vector<std::string> args);
// report KIND ...: a report as its file (report_commands.cpp).
int runReportCommand(std::vector<std::string> args);

}  // namespace staffchain::ctl
