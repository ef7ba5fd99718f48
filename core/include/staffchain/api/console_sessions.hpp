// The console's sessions: a person signs in with an API token and gets a random session id (the
// cookie) and a CSRF token (sent back on every write). A session ends after [console] session_idle
// without use, session_max after sign-in, at sign-out, or when its token is removed or changed by
// a reload. Failed sign-ins are counted per address over a minute: past [console] sign_in_limit the
// address is refused until the oldest of them is a minute old.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "staffchain/api/api_settings.hpp"

namespace staffchain::api {

class ConsoleSessions {
 public:
  using Clock = std::chrono::steady_clock;

  struct Session {
    std::string id;            // the cookie's value: 32 random bytes, hex
    std::string csrf;          // X-CSRF-Token: 32 random bytes, hex
    std::string token_name;    // whose token signed in
    std::string token_secret;  // the token as it was: a reload that changes it ends the session
    Clock::time_point signed_in{};
    Clock::time_point last_used{};
  };

  void configure(const ConsoleSettings& settings) { settings_ = settings; }
  [[nodiscard]] const ConsoleSettings& settings() const noexcept { return settings_; }

  // How long `remote` must wait before it may try again; nullopt when it may try now.
  [[nodiscard]] std::optional<std::chrono::seconds> refusedFor(const std::string& remote, Clock::time_point now);
  // Counts a failed sign-in of `remote`; returns how many it made within the last minute.
  std::size_t failed(const std::string& remote, Clock::time_point now);

  // A new session for the token; nullptr when max_sessions are held (after the ended ones are dropped).
  const Session* open(const std::string& token_name, const std::string& token_secret, Clock::time_point now);

  enum class Found { none, ended, live };
  // The session of a cookie's id. A live one is marked used now; an ended one is forgotten.
  Found find(const std::string& id, Clock::time_point now, const Session** session);
  void close(const std::string& id) { sessions_.erase(id); }
  [[nodiscard]] std::size_t size() const noexcept { return sessions_.size(); }

 private:
  [[nodiscard]] bool ended(const Session& session, Clock::time_point now) const;

  ConsoleSettings settings_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;  // by remote address, within the last minute
};

// 32 bytes from the kernel's random source, as 64 hex digits; throws when it cannot be read.
std::string randomToken();

// The value of cookie `name` in a Cookie header ("a=1; staffchain_session=…"); empty when absent.
std::string cookieValue(std::string_view header, std::string_view name);

}  // namespace staffchain::api
