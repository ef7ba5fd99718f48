// One PostgreSQL server for a whole test binary, started the first time a test asks (initdb on
// a free loopback port, as PostgresPeer does) and stopped by its pid when the binary exits; each
// test takes a fresh database on it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "peer_postgres.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::testing {

// The server; null (with the reason added as a failure) when it cannot start.
inline PostgresPeer* sharedPostgres() {
  static std::unique_ptr<PostgresPeer> peer;
  static std::string failed;
  if (!peer && failed.empty()) {
    auto started = PostgresPeer::start();
    if (started) {
      peer = std::move(*started);
    } else {
      failed = started.error().message;
    }
  }
  if (!peer) ADD_FAILURE() << "PostgreSQL did not start: " << failed;
  return peer.get();
}

// A database created now on `server` ("<prefix>_<n>"), as a store the daemon's parts open.
inline store::PostgresTarget freshDatabase(PostgresPeer& server, const std::string& prefix) {
  static int databases = 0;
  const auto name = prefix + "_" + std::to_string(++databases);
  if (auto made = server.sql("CREATE DATABASE " + name); !made) ADD_FAILURE() << made.error().message;
  store::PostgresTarget target;
  target.url = server.url(name);
  return target;
}

}  // namespace staffchain::testing
