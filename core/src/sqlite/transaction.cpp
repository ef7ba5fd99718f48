#include "staffchain/sqlite/transaction.hpp"

namespace staffchain::sqlite {

Result<Transaction> Transaction::begin(Database& database, std::string_view operation) {
  if (auto begun = database.execute("BEGIN IMMEDIATE", operation); !begun) return std::move(begun).error();
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

}  // namespace staffchain::sqlite
