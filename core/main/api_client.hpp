// The daemon's HTTP API as the staffchainctl commands reach it: the common options and one call.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"

namespace staffchain::ctl {

struct ApiClient {
  std::string base = "http://127.0.0.1:9464";
  std::string token;
  bool as_json = false;
};

// Takes the common options out of `args`: --api URL, --token-file FILE, --json.
Result<ApiClient> clientFrom(std::vector<std::string>& args);

// One request; an answer of 400 or more is an error naming the method, path, status and the
// daemon's message.
Result<nlohmann::json> call(const ApiClient& client, const std::string& method, const std::string& path,
                            const nlohmann::json& body = {});

// A GET whose answer is a file (a workbook): its bytes as they came, errors as call() names them.
Result<std::string> fetchFile(const ApiClient& client, const std::string& path);

// "?key=value&..." of the non-empty values, or "".
std::string query(const std::map<std::string, std::string>& params);

// An API time (RFC 3339 in the daemon's zone, "2026-12-06T09:30:05+08:00") as a table shows it,
// "2026-12-06 09:30 +08:00"; `none` for an empty or null value, anything else as it came.
std::string shownTime(const nlohmann::json& value, const std::string& none = "");

// Prints "staffchainctl COMMAND: message" to stderr; returns the exit code 1.
int fail(const std::string& command, const Error& error);

}  // namespace staffchain::ctl
