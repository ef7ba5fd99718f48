#include "staffchain/store/transaction.hpp"

namespace staffchain::store {

Result<Transaction> Transaction::begin(Database& database, std::string_view operation) {
  // PostgreSQL locks the rows a transaction writes as it writes them; writers on the same rows
  // wait for each other there, and the store's owners serialise what needs more themselves.
  const auto* begin = database.dialect() == Dialect::postgresql ? "BEGIN" : "BEGIN IMMEDIATE";
  if (auto begun = database.execute(begin, operation); !begun) return std::move(begun).error();
  return Transaction(database);
}

Transaction::~Transaction() {
  rollback();
}

Result<void> Transaction::commit(std::string_view operation) {
  if (database_ == nullptr) return {};
  auto done = database_->execute("COMMIT", operation);
  if (done) database_ = nullptr;  // a failed COMMIT leaves the transaction open: the destructor rolls it back
  return done;
}

void Transaction::rollback() noexcept {
  // Some errors (I/O, out of memory) already rolled the transaction back themselves.
  if (database_ != nullptr && database_->inTransaction()) (void)database_->execute("ROLLBACK", "rolling back");
  database_ = nullptr;
}

}  // namespace staffchain::store
