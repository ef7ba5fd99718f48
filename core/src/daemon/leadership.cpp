#include "leadership.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <utility>

#include "admin_api.hpp"
#include "service_manager.hpp"

namespace staffchain::daemon {

using nlohmann::json;

Leadership::Leadership(boost::asio::io_context& io, Scheduler& scheduler, Hooks hooks)
    : io_(io), scheduler_(scheduler), hooks_(std::move(hooks)), timer_(scheduler.timer()) {}

Leadership::~Leadership() = default;

std::chrono::milliseconds Leadership::every() const {
  return std::max(std::chrono::milliseconds(100), failover_after_ / 6);
}

Result<std::optional<std::int64_t>> Leadership::open(const store::PostgresTarget& target,
                                                     const config::StoreSettings& settings) {
  failover_after_ = std::chrono::duration_cast<std::chrono::milliseconds>(settings.failover_after);
  auto lease = store::Lease::open(target, settings.instance, failover_after_ * 2 / 3);
  if (!lease) return std::move(lease).error();
  lease_ = std::move(lease.value());
  auto held = lease_->acquire(std::nullopt);
  if (!held) return std::move(held).error();
  term_ = held->value_or(0);
  return *held;
}

bool Leadership::waitAsStandby(const config::Config& config) {
  if (config.api.enabled) {
    startStandbyApi(config);
    if (!standby_api_) return false;
  }
  auto view = [this] {
    const std::lock_guard lock(lease_mutex_);
    return lease_->view();
  }();
  if (view) {
    spdlog::info("standby: {} is the active daemon (term {}); this one ({}) takes over when its lease lapses",
                 view->holder, view->term, lease_->instance());
    notifySystemd(fmt::format("READY=1\nSTATUS=standby: {} is active (term {})", view->holder, view->term));
  }
  timer_->after(every(), [this] { tryAsStandby(); });
  return true;
}

void Leadership::tryAsStandby() {
  auto held = [this] {
    const std::lock_guard lock(lease_mutex_);
    return lease_->acquire(std::nullopt);
  }();
  if (!held) {
    spdlog::warn("standby: cannot reach the store to try the lease: {}", held.error().message);
  } else if (*held) {
    term_ = **held;
    spdlog::warn("standby: the lease lapsed; {} takes over as the active daemon under term {}", lease_->instance(),
                 **held);
    if (standby_api_) {
      standby_api_->stop();
      standby_api_.reset();
    }
    // After this handler: the parts are created on the loop, not inside a timer's task.
    scheduler_.post([this] { hooks_.acquired(term_.load()); });
    return;
  }
  timer_->after(every(), [this] { tryAsStandby(); });
}

void Leadership::keepRenewing() {
  renewer_ = std::jthread([this](const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    auto last_renewed = std::chrono::steady_clock::now();
    for (;;) {
      std::unique_lock lock(mutex);
      if (wake.wait_for(lock, stop, every(), [] { return false; }) || stop.stop_requested()) return;
      lock.unlock();
      if (!renewOnce(last_renewed)) return;
    }
  });
}

bool Leadership::renewOnce(std::chrono::steady_clock::time_point& last_renewed) {
  const std::lock_guard lock(lease_mutex_);
  auto held = lease_->acquire(term_.load());
  if (held && *held) {
    last_renewed = std::chrono::steady_clock::now();
    return true;
  }
  std::string why;
  if (held) {
    const auto view = lease_->view();
    why = view ? fmt::format("the lease was taken over by {} (term {})", view->holder, view->term)
               : std::string("the lease was taken over");
  } else {
    const auto since = std::chrono::steady_clock::now() - last_renewed;
    spdlog::warn("cannot renew the lease: {}", held.error().message);
    // The lease holds for two thirds of failover_after from the last renewal: past that, a
    // standby may have taken over, and this daemon cannot know.
    if (since < failover_after_ * 2 / 3) return true;
    why = fmt::format("the store could not be reached for {} s, longer than the lease holds",
                      std::chrono::duration_cast<std::chrono::seconds>(since).count());
  }
  term_ = 0;
  scheduler_.post([this, why] { hooks_.lost(why); });
  return false;
}

Result<void> Leadership::fenceTables() {
  return lease_->fenceTables();
}

void Leadership::release() noexcept {
  stop();
  const std::lock_guard lock(lease_mutex_);
  if (lease_ && term_.load() != 0) lease_->release(term_.load());
  term_ = 0;
}

void Leadership::stop() {
  timer_->cancel();
  if (standby_api_) standby_api_->stop();
  if (renewer_.joinable()) {
    renewer_.request_stop();
    renewer_.join();
  }
}

json Leadership::status(const model::TimeZone& zone) const {
  if (!lease_) return json{{"backend", "sqlite"}, {"role", "active"}};
  const auto term = term_.load();
  json out{{"backend", "postgresql"},
           {"instance", lease_->instance()},
           {"role", term != 0 ? "active" : "standby"},
           {"term", term}};
  auto view = [this] {
    const std::lock_guard lock(lease_mutex_);
    return lease_->view();
  }();
  if (!view) {
    out["error"] = view.error().message;
    return out;
  }
  out["holder"] = view->holder;
  out["holder_term"] = view->term;
  out["expires_at"] = view->expires_at.empty() ? std::string() : zone.rfc3339FromUtc(view->expires_at);
  json members = json::array();
  for (const auto& member : view->members) {
    members.push_back({{"instance", member.instance},
                       {"role", member.role},
                       {"term", member.term},
                       {"seen_at", zone.rfc3339FromUtc(member.seen_at)}});
  }
  out["members"] = std::move(members);
  return out;
}

void Leadership::metrics(api::PrometheusWriter& out) const {
  if (!lease_) return;
  out.gauge("staffchain_leader", "1 while this daemon holds the store's lease (the active one), 0 as the standby.",
            {{"instance", lease_->instance()}}, term_.load() != 0 ? 1.0 : 0.0);
  out.gauge("staffchain_leader_term", "The lease term this daemon holds (0 as the standby).",
            {{"instance", lease_->instance()}}, static_cast<double>(term_.load()));
}

void Leadership::startStandbyApi(const config::Config& config) {
  std::vector<std::string> errors;
  auto tokens = AdminApi::resolveTokens(config, errors);
  for (const auto& error : errors) spdlog::error("{}", error);
  if (!errors.empty()) return;
  auto server = std::make_unique<api::ApiServer>(io_, std::move(tokens), spdlog::default_logger());
  server->setMaxConnections(config.api.max_connections);
  using api::Access;
  using api::ApiRequest;
  using api::ApiResponse;
  server->route("GET", "/healthz", Access::none,
                [](const ApiRequest&) { return ApiResponse::json(200, R"({"status":"ok"})"); });
  // Not ready: a load balancer sends the operators to the active daemon.
  zone_ = config.daemon.timezone;
  server->route("GET", "/readyz", Access::none, [this](const ApiRequest&) {
    const auto view = status(zone_);
    return ApiResponse::json(503,
                             json{{"ready", false}, {"role", "standby"}, {"active", view.value("holder", "")}}.dump());
  });
  server->route("GET", "/metrics", Access::read, [this](const ApiRequest&) {
    api::PrometheusWriter out;
    metrics(out);
    return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", out.text(), {}, {}};
  });
  server->route("GET", "/api/v1/store", Access::read,
                [this](const ApiRequest&) { return ApiResponse::json(200, status(zone_).dump()); });
  if (auto listening = server->listen(config.api.listen); !listening) {
    spdlog::critical("{}", listening.error().message);
    return;
  }
  spdlog::info("standby api listening on {} (health, readiness, metrics and /api/v1/store)", config.api.listen);
  standby_api_ = std::move(server);
}

}  // namespace staffchain::daemon
