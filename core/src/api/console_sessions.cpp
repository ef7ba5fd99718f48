#include "staffchain/api/console_sessions.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace staffchain::api {
namespace {

constexpr std::chrono::minutes kFailureWindow{1};
// Addresses whose failures are remembered at once; beyond it the one that failed longest ago is forgotten.
constexpr std::size_t kMaxRememberedAddresses = 10000;

void dropOlderThanTheWindow(std::deque<ConsoleSessions::Clock::time_point>& times,
                            ConsoleSessions::Clock::time_point now) {
  while (!times.empty() && now - times.front() >= kFailureWindow) times.pop_front();
}

}  // namespace

std::string randomToken() {
  std::array<unsigned char, 32> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("cannot read random bytes for a session: {}", std::strerror(errno)));
    }
    filled += static_cast<std::size_t>(got);
  }
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) out += fmt::format("{:02x}", byte);
  return out;
}

std::string cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semicolon = header.find(';');
    std::string_view pair = header.substr(0, semicolon);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return std::string(value);
    }
    if (semicolon == std::string_view::npos) break;
    header.remove_prefix(semicolon + 1);
  }
  return {};
}

std::optional<std::chrono::seconds> ConsoleSessions::refusedFor(const std::string& remote, Clock::time_point now) {
  auto it = failures_.find(remote);
  if (it == failures_.end()) return std::nullopt;
  dropOlderThanTheWindow(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return std::nullopt;
  }
  if (it->second.size() < settings_.sign_in_limit) return std::nullopt;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.front() + kFailureWindow - now);
  return std::max(wait, std::chrono::seconds(1));
}

std::size_t ConsoleSessions::failed(const std::string& remote, Clock::time_point now) {
  if (failures_.size() >= kMaxRememberedAddresses && failures_.find(remote) == failures_.end()) {
    auto oldest = failures_.begin();
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      if (it->second.empty() || (!oldest->second.empty() && it->second.back() < oldest->second.back())) oldest = it;
    }
    failures_.erase(oldest);
  }
  auto& times = failures_[remote];
  dropOlderThanTheWindow(times, now);
  times.push_back(now);
  return times.size();
}

bool ConsoleSessions::ended(const Session& session, Clock::time_point now) const {
  return now - session.last_used >= settings_.session_idle || now - session.signed_in >= settings_.session_max;
}

const ConsoleSessions::Session* ConsoleSessions::open(const std::string& token_name, const std::string& token_secret,
                                                      Clock::time_point now) {
  if (sessions_.size() >= settings_.max_sessions) {
    std::erase_if(sessions_, [&](const auto& entry) { return ended(entry.second, now); });
    if (sessions_.size() >= settings_.max_sessions) return nullptr;
  }
  Session session{randomToken(), randomToken(), token_name, token_secret, now, now};
  const std::string id = session.id;
  return &sessions_.insert_or_assign(id, std::move(session)).first->second;
}

ConsoleSessions::Found ConsoleSessions::find(const std::string& id, Clock::time_point now, const Session** session) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return Found::none;
  if (ended(it->second, now)) {
    sessions_.erase(it);
    return Found::ended;
  }
  it->second.last_used = now;
  *session = &it->second;
  return Found::live;
}

}  // namespace staffchain::api
