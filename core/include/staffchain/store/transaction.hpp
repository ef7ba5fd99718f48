// A write transaction that rolls back unless committed, on every way out of a scope.
#pragma once

#include <string_view>

#include "staffchain/store/database.hpp"

namespace staffchain::store {

class Transaction {
 public:
  // BEGIN IMMEDIATE: the write lock is taken at once, so two writers never both read and then
  // fail to upgrade (SQLITE_BUSY in the middle of a batch).
  static Result<Transaction> begin(Database& database, std::string_view operation = "starting a transaction");
  ~Transaction();
  Transaction(Transaction&& other) noexcept : database_(other.database_) { other.database_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> commit(std::string_view operation = "committing a transaction");
  // Rolls back now (the destructor does it too); nothing to do after a commit.
  void rollback() noexcept;

 private:
  explicit Transaction(Database& database) noexcept : database_(&database) {}
  Database* database_;  // null once committed or rolled back
};

}  // namespace staffchain::store
