// The ledger's backends for a conformance test: each test gets a store of its own, an SQLite file
// in a fresh folder or a fresh database on one PostgreSQL server the whole test binary shares
// (started on a free loopback port the first time a test asks, stopped by its pid at the end).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "shared_postgres.hpp"
#include "staffchain/store/database.hpp"
#include "temp_dir.hpp"

namespace staffchain::ledger::testing {

enum class Backend { sqlite, postgresql };

inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "SQLite" : "PostgreSQL";
}

// One test's store.
class BackendStore {
 public:
  explicit BackendStore(Backend backend) : backend_(backend) {
    location_.file = dir_.path() / "ledger.db";
    if (backend != Backend::postgresql) return;
    auto* server = staffchain::testing::sharedPostgres();
    if (server == nullptr) return;
    location_.postgres = staffchain::testing::freshDatabase(*server, "ledger");
  }

  [[nodiscard]] Backend backend() const { return backend_; }
  [[nodiscard]] const store::Location& location() const { return location_; }
  [[nodiscard]] const testing::TempDir& dir() const { return dir_; }
  // How the ledger's errors name the store: the file, or the database without its password.
  [[nodiscard]] std::string where() const {
    return location_.postgres ? location_.postgres->url : location_.file.string();
  }

  // Every row of `sql` read behind the ledger's back, columns joined by '|' (NULL as "<null>").
  // Throws with the backend's message on any error.
  std::vector<std::string> query(const std::string& sql) const {
    auto db = open();
    auto statement = db->prepare(sql, "a test's query");
    if (!statement) throw std::runtime_error(statement.error().message);
    std::vector<std::string> rows;
    int columns = -1;
    auto read = db->eachRow(*statement, "a test's query", [&](const store::Statement& row) {
      if (columns < 0) columns = row.columnCount();
      std::string line;
      for (int i = 0; i < columns; ++i) {
        if (i > 0) line += '|';
        line += row.columnIsNull(i) ? std::string("<null>") : row.text(i);
      }
      rows.push_back(std::move(line));
    });
    if (!read) throw std::runtime_error(read.error().message);
    return rows;
  }
  // Runs statements that return nothing; throws with the backend's message on failure.
  void exec(const std::string& sql) const {
    auto db = open();
    if (auto done = db->execute(sql, "a test's statement"); !done) throw std::runtime_error(done.error().message);
  }

 private:
  std::unique_ptr<store::Database> open() const {
    auto db = store::Database::open(location_, {.label = "test", .create = false});
    if (!db) throw std::runtime_error(db.error().message);
    return std::move(*db);
  }
  Backend backend_;
  testing::TempDir dir_;
  store::Location location_;
};

}  // namespace staffchain::ledger::testing
