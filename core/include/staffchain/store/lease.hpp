// Active/standby on one PostgreSQL store: the lease the active daemon holds, and the fence that
// keeps a daemon which lost it from writing.
//
// The lease is two one-row tables: daemon_lease (holder, term), changed only when a daemon takes
// over, and daemon_lease_renewal (expires_at, the server's clock), which the holder moves on. A
// daemon takes the lease when it has expired; each takeover raises the term by one. Every write
// the daemon's connections make is fenced: a statement trigger on each of its tables compares the
// term the connection was opened under (Location::postgres->fence_term) with daemon_lease's,
// under a share lock on that row, so a takeover waits for the old holder's transaction in flight
// and every statement of the old holder after it fails ("fenced: ...") and changes nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::store {

// A daemon as the store last saw it.
struct LeaseMember {
  std::string instance;
  std::string role;       // "active" or "standby"
  std::int64_t term = 0;  // the active's term; the last term a standby saw
  std::string seen_at;    // UTC, "2026-12-08T09:30:05Z"

  friend bool operator==(const LeaseMember&, const LeaseMember&) = default;
};

struct LeaseView {
  std::string holder;     // empty: never held
  std::int64_t term = 0;  // 0: never held
  bool expired = true;
  std::string expires_at;            // UTC, as seen_at
  std::vector<LeaseMember> members;  // every daemon seen within three lease durations, by name
};

class Lease {
 public:
  // On a connection of its own (a renewal must not wait behind the daemon's writes), its tables
  // created when missing. `instance` names this daemon; `duration` is how long a renewal holds.
  static Result<std::unique_ptr<Lease>> open(const PostgresTarget& target, std::string instance,
                                             std::chrono::milliseconds duration);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // Takes the lease when it has expired (or was never held), or renews it when this daemon
  // holds it under `held_term`: the term it holds it under now; nullopt when another holds it.
  // Errors are the store's (unreachable, ...): the caller decides how long to trust its lease.
  Result<std::optional<std::int64_t>> acquire(std::optional<std::int64_t> held_term);
  // Gives the lease up at once (a clean stop), so that a standby takes over without waiting.
  void release(std::int64_t term) noexcept;
  Result<LeaseView> view();

  // Puts the fence on every table of the store but the lease's own and the schema versions
  // (run by the active after every part has created its tables).
  Result<void> fenceTables();

  [[nodiscard]] const std::string& instance() const noexcept { return instance_; }
  [[nodiscard]] std::chrono::milliseconds duration() const noexcept { return duration_; }

 private:
  Lease(std::unique_ptr<Database> db, std::string instance, std::chrono::milliseconds duration);
  Result<void> seen(std::string_view role, std::int64_t term);

  std::unique_ptr<Database> db_;
  std::string instance_;
  std::chrono::milliseconds duration_;
};

}  // namespace staffchain::store
