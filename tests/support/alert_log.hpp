// Reading what the `file` notifier received: each line is one digest whose "alerts" list
// names alert ids (the findings' fingerprints) with their state.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

namespace staffchain::testing {

struct AlertLog {
  std::set<std::string> opened;    // ids reported firing (or acknowledged) in any digest so far
  std::set<std::string> resolved;  // ids reported resolved
  std::set<std::string> rules;     // rule ids mentioned
};

inline AlertLog readAlertLog(const std::filesystem::path& file) {
  AlertLog out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto digest = nlohmann::json::parse(line, nullptr, false);
    if (!digest.is_object()) continue;
    for (const auto& alert : digest.value("alerts", nlohmann::json::array())) {
      const std::string id = alert.value("id", std::string());
      out.rules.insert(alert.value("rule", std::string()));
      if (alert.value("state", std::string()) == "resolved") {
        out.resolved.insert(id);
      } else {
        out.opened.insert(id);
      }
    }
  }
  return out;
}

// Polls `condition` every 100 ms until it holds or `limit` passes.
inline bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

}  // namespace staffchain::testing
