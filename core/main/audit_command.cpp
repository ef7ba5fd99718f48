// staffchainctl audit: ingest and evaluate a canonical folder once, with no daemon and no ledger.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "commands.hpp"
#include "reduction_output.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/chain/finding_json.hpp"
#include "staffchain/chain/tenure.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/model/canonical_folder.hpp"
#include "staffchain/model/identifiers.hpp"
#include "table_cell.hpp"
#include "vacancy_output.hpp"

namespace staffchain::ctl {
namespace {

model::Date today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return model::Date::fromYmd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                              static_cast<unsigned>(local.tm_mday));
}

void printJsonl(const std::vector<const chain::Finding*>& findings) {
  for (const auto* finding : findings) {
    const nlohmann::json line = chain::findingJson(*finding);
    // Every text read is decoded UTF-8 already; replacing anything else keeps the output valid.
    fmt::print("{}\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

void printCsv(const std::vector<const chain::Finding*>& findings) {
  fmt::print("rule,severity,unit_id,person_id,since,summary,fingerprint\n");
  for (const auto* finding : findings) {
    const auto& f = *finding;
    fmt::print("{},{},{},{},{},{},{}\n", f.rule, chain::toString(f.severity), f.unit_id.empty() ? "" : f.unit_id.str(),
               f.person_id.empty() ? "" : f.person_id.str(), model::formatDate(f.since), csvCell(f.summary_zh),
               f.fingerprint);
  }
}

void printTable(const std::vector<const chain::Finding*>& findings, const model::Dataset& names_from,
                model::Date as_of) {
  std::map<std::string, std::string> unit_names;
  for (const auto& unit : names_from.units) unit_names[unit.unit_id.str()] = unit.name;
  std::map<std::string, std::vector<const chain::Finding*>> by_unit;
  for (const auto* f : findings) by_unit[f->unit_id.empty() ? "" : f->unit_id.str()].push_back(f);
  fmt::print("staffchain audit as of {}: {} findings in {} units\n", model::formatDate(as_of), findings.size(),
             by_unit.size());
  for (const auto& [unit, list] : by_unit) {
    const auto name = unit_names.find(unit);
    fmt::print("\n{} {}\n", unit.empty() ? "(no unit)" : unit, name != unit_names.end() ? name->second : "");
    for (const auto* f : list) {
      fmt::print("  {:<9} {:<8} {:<18} {}  {}\n", f->rule, chain::toString(f->severity),
                 f->person_id.empty() ? "" : model::maskCitizenId(f->person_id.view()), model::formatDate(f->since),
                 f->summary_zh);
    }
  }
  std::map<std::string, std::size_t> per_rule;
  for (const auto* f : findings) per_rule[f->rule]++;
  fmt::print("\nper rule:\n");
  for (const auto& [rule, count] : per_rule) fmt::print("  {:<9} {}\n", rule, count);
}

void printTenureJsonl(const std::vector<chain::TenureSpan>& spans) {
  for (const auto& span : spans) {
    const nlohmann::json line = chain::tenureSpanJson(span);
    fmt::print("{}\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

void printTenureCsv(const std::vector<chain::TenureSpan>& spans) {
  fmt::print("rule,severity,unit_id,person_id,since,first,last,open_at_end,summary,fingerprint\n");
  for (const auto& span : spans) {
    const auto& f = span.finding;
    fmt::print("{},{},{},{},{},{},{},{},{},{}\n", f.rule, chain::toString(f.severity),
               f.unit_id.empty() ? "" : f.unit_id.str(), f.person_id.empty() ? "" : f.person_id.str(),
               model::formatDate(f.since), model::formatDate(span.first), model::formatDate(span.last),
               span.open_at_end ? "true" : "false", csvCell(f.summary_zh), f.fingerprint);
  }
}

// Per unit, each violation with the days of the period it covered: "2024-02-01 ~ 2024-03-31",
// or "2024-05-25 ~ open" when it was still open on the period's last day.
void printTenureTable(const std::vector<chain::TenureSpan>& spans, const model::Dataset& names_from,
                      const chain::TenurePeriod& period) {
  std::map<std::string, std::string> unit_names;
  for (const auto& unit : names_from.units) unit_names[unit.unit_id.str()] = unit.name;
  std::map<std::string, std::vector<const chain::TenureSpan*>> by_unit;
  for (const auto& span : spans)
    by_unit[span.finding.unit_id.empty() ? "" : span.finding.unit_id.str()].push_back(&span);
  std::size_t open = 0;
  for (const auto& span : spans) open += span.open_at_end ? 1 : 0;
  fmt::print("staffchain tenure audit {} ~ {}: {} violations in {} units, {} still open at {}\n",
             model::formatDate(period.from), model::formatDate(period.to), spans.size(), by_unit.size(), open,
             model::formatDate(period.to));
  for (const auto& [unit, list] : by_unit) {
    const auto name = unit_names.find(unit);
    fmt::print("\n{} {}\n", unit.empty() ? "(no unit)" : unit, name != unit_names.end() ? name->second : "");
    for (const auto* span : list) {
      const auto& f = span->finding;
      fmt::print("  {:<9} {:<8} {:<18} {} ~ {:<10}  since {}  {}\n", f.rule, chain::toString(f.severity),
                 f.person_id.empty() ? "" : model::maskCitizenId(f.person_id.view()), model::formatDate(span->first),
                 span->open_at_end ? "open" : model::formatDate(span->last), model::formatDate(f.since), f.summary_zh);
    }
  }
}

// Reads a canonical folder on a thread of its own and hands the records over in chunks, a few
// ahead at most, to the thread that puts them in the engine: parsing and checking rows take one
// core, indexing them another. The folder is never held as a Dataset next to the engine's own
// index of it (at a million persons that copy was most of the memory). The indexing stays on the
// calling thread, whose memory comes from the process's main heap: a thread's own heap grows in
// small steps, each a system call.
class FolderReader final : public model::RecordSink {
 public:
  FolderReader(std::filesystem::path dir, std::string source, bool keep_units, bool keep_dates)
      : dir_(std::move(dir)),
        source_(std::move(source)),
        keep_units_(keep_units),
        keep_dates_(keep_dates),
        reader_([this] { readAll(); }) {}
  FolderReader(const FolderReader&) = delete;
  FolderReader& operator=(const FolderReader&) = delete;
  ~FolderReader() override {
    if (!reader_.joinable()) return;
    {
      const std::lock_guard lock(lock_);
      abandoned_ = true;
    }
    changed_.notify_all();
    reader_.join();
  }

  // Puts every record and quarantine entry of the folder in `engine`, in file order. The
  // folder's error, or what reading threw, once the records read before it are in.
  Result<void> into(chain::ChainEngine& engine) {
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock lock(lock_);
        changed_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) break;
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      changed_.notify_all();
      for (auto& record : chunk.records) engine.apply(std::move(record));
      for (auto& row : chunk.payroll) engine.apply(model::Record{row});
      for (auto& entry : chunk.quarantine) engine.addQuarantine(std::move(entry));
    }
    reader_.join();
    if (failure_) std::rethrow_exception(failure_);
    return result_;
  }
  [[nodiscard]] const std::vector<std::string>& notes() const noexcept { return notes_; }
  // The units, for the table's unit names (when asked to keep them).
  [[nodiscard]] const model::Dataset& names() const noexcept { return names_; }
  // The days on which the records read may change what the rules find (when asked to keep
  // them, for a period's audit), sorted and unique; valid once into() returned.
  [[nodiscard]] std::vector<model::Date> changeDates() {
    std::sort(change_dates_.begin(), change_dates_.end());
    change_dates_.erase(std::unique(change_dates_.begin(), change_dates_.end()), change_dates_.end());
    return change_dates_;
  }

  void expect(model::RecordType /*type*/, std::size_t /*rows_at_most*/) override {}
  void add(model::Record&& record) override {
    if (keep_units_) {
      if (const auto* unit = std::get_if<model::Unit>(&record)) names_.units.push_back(*unit);
    }
    // A payroll row's date is its month's first day, which a period's audit evaluates anyway:
    // the rows most of a folder is made of add nothing.
    if (keep_dates_ && !std::holds_alternative<model::PayrollMonth>(record))
      chain::addChangeDates(record, change_dates_);
    // Payroll rows, most of a folder, travel in their own 64 bytes rather than in a record
    // sized for the largest kind.
    if (auto* row = std::get_if<model::PayrollMonth>(&record)) {
      filling_.payroll.push_back(*row);
    } else {
      filling_.records.push_back(std::move(record));
    }
    if (filling_.records.size() + filling_.payroll.size() >= kChunkRecords) handOver();
  }
  void quarantine(model::QuarantineEntry&& entry) override {
    filling_.quarantine.push_back(std::move(entry));
    if (filling_.quarantine.size() >= kChunkRecords) handOver();
  }

 private:
  static constexpr std::size_t kChunkRecords = 4096;
  static constexpr std::size_t kChunksAhead = 8;
  // Kinds do not interact while loading (links come after): the records of a chunk may be put
  // kind by kind, each kind in file order.
  struct Chunk {
    std::vector<model::Record> records;
    std::vector<model::PayrollMonth> payroll;
    std::vector<model::QuarantineEntry> quarantine;
  };
  struct Abandoned {};  // the consumer is gone: reading stops

  void readAll() {
    try {
      result_ = model::readCanonicalFolder(dir_, source_, *this, &notes_);
      handOver();
    } catch (const Abandoned&) {
    } catch (...) {
      failure_ = std::current_exception();
    }
    {
      const std::lock_guard lock(lock_);
      done_ = true;
    }
    changed_.notify_all();
  }

  void handOver() {
    if (filling_.records.empty() && filling_.payroll.empty() && filling_.quarantine.empty()) return;
    {
      std::unique_lock lock(lock_);
      changed_.wait(lock, [&] { return queue_.size() < kChunksAhead || abandoned_; });
      if (abandoned_) throw Abandoned{};
      queue_.push_back(std::move(filling_));
    }
    changed_.notify_all();
    filling_ = Chunk{};
    filling_.payroll.reserve(kChunkRecords);
  }

  std::filesystem::path dir_;
  std::string source_;
  bool keep_units_;
  bool keep_dates_;
  std::vector<model::Date> change_dates_;
  std::vector<std::string> notes_;
  model::Dataset names_;
  Result<void> result_;
  std::exception_ptr failure_;
  Chunk filling_;
  std::mutex lock_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  bool done_ = false;
  bool abandoned_ = false;
  std::thread reader_;  // last: it starts once everything above is in place
};

// Where the audit's engine is left for the process's exit: reachable, so that a leak checker
// does not count it as lost, and volatile, so that the store is not optimised away.
chain::ChainEngine* volatile engine_left_to_exit = nullptr;

}  // namespace

int runAudit(const std::vector<std::string>& args) {
  std::string dir;
  std::string format = "table";
  std::string config_file;
  model::Date as_of = today();
  bool as_of_given = false;
  std::optional<model::Date> from;
  std::optional<model::Date> to;
  std::optional<model::UnitId> unit;
  bool vacancies = false;
  bool reductions = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (arg == "--as-of" || arg == "--from" || arg == "--to") {
      const std::string text = value();
      auto parsed = model::parseDate(text);
      if (!parsed) {
        fmt::print(stderr, "staffchainctl audit: {} \"{}\" is not a date (expected YYYY-MM-DD)\n", arg, text);
        return 64;
      }
      if (arg == "--as-of") {
        as_of = *parsed;
        as_of_given = true;
      } else {
        (arg == "--from" ? from : to) = *parsed;
      }
    } else if (arg == "--unit") {
      const std::string text = value();
      auto checked = model::checkCreditCode(text);
      if (!checked) {
        fmt::print(stderr, "staffchainctl audit: --unit \"{}\" is not a unit credit code: {}\n", text, checked.reason);
        return 64;
      }
      unit = *checked.value;
    } else if (arg == "--format") {
      format = value();
      if (format != "table" && format != "jsonl" && format != "csv") {
        fmt::print(stderr, "staffchainctl audit: --format \"{}\" is not one of: table, jsonl, csv\n", format);
        return 64;
      }
    } else if (arg == "--vacancies") {
      vacancies = true;
    } else if (arg == "--reductions") {
      reductions = true;
    } else if (arg == "--config") {
      config_file = value();
    } else if (dir.empty() && arg.rfind("--", 0) != 0) {
      dir = arg;
    } else {
      fmt::print(stderr, "staffchainctl audit: unexpected argument \"{}\"\n", arg);
      return 64;
    }
  }
  if (vacancies && reductions) {
    fmt::print(stderr, "staffchainctl audit: --vacancies and --reductions print different tables: give one\n");
    return 64;
  }
  // A period (the tenure audit) or one day: --from and --to go together, and with nothing of
  // the one-day audit.
  const bool period = from || to;
  if (period && (!from || !to)) {
    fmt::print(stderr, "staffchainctl audit: a period needs both --from and --to\n");
    return 64;
  }
  if (period && *to < *from) {
    fmt::print(stderr, "staffchainctl audit: --to {} is before --from {}\n", model::formatDate(*to),
               model::formatDate(*from));
    return 64;
  }
  if (period && (as_of_given || vacancies || reductions)) {
    fmt::print(
        stderr,
        "staffchainctl audit: --from/--to audit a period: --as-of, --vacancies and --reductions are for one day\n");
    return 64;
  }
  if (unit && !period) {
    fmt::print(stderr, "staffchainctl audit: --unit is for a period's audit (--from and --to)\n");
    return 64;
  }
  if (dir.empty()) {
    fmt::print(stderr,
               "usage: staffchainctl audit DIR [--as-of YYYY-MM-DD] [--format table|jsonl|csv] [--vacancies | "
               "--reductions] [--config FILE]\n"
               "       staffchainctl audit DIR --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE] [--format "
               "table|jsonl|csv] [--config FILE]\n");
    return 64;
  }
  chain::RuleParams params;
  if (!config_file.empty()) {
    auto loaded = config::loadConfig(config_file, nullptr);
    if (!loaded.config) {
      for (const auto& error : loaded.errors) fmt::print(stderr, "{}\n", error);
      return 1;
    }
    params = loaded.config->rules;
  }
  const std::string source = "audit";
  auto owned_engine = std::make_unique<chain::ChainEngine>(params);
  auto& engine = *owned_engine;
  engine.neverChanged();  // evaluated as of a few days, never changed
  engine.reset({source});
  FolderReader folder(dir, source, format == "table", period);
  try {
    if (auto read = folder.into(engine); !read) {
      fmt::print(stderr, "staffchainctl audit: {}\n", read.error().message);
      return 2;
    }
  } catch (const std::exception& error) {  // out of memory, mostly
    fmt::print(stderr, "staffchainctl audit: reading {} stopped: {}\n", dir, error.what());
    return 2;
  }
  const auto& notes = folder.notes();
  for (const auto& note : notes) fmt::print(stderr, "note: {}\n", note);
  if (period) {
    // Every violation of a day of the period, with the days it covered (the tenure audit).
    const chain::TenurePeriod asked{*from, *to, unit};
    const auto spans = chain::tenureAudit(engine, folder.changeDates(), asked);
    if (format == "jsonl") {
      printTenureJsonl(spans);
    } else if (format == "csv") {
      printTenureCsv(spans);
    } else {
      printTenureTable(spans, folder.names(), asked);
    }
    engine_left_to_exit = owned_engine.release();
    return 0;
  }
  engine.evaluateAllInPlace(as_of);
  if (vacancies) {
    // The pool instead of the findings; recoverable as the findings of the same date say.
    printVacancies(chain::vacancyPoolJson(engine.vacancies(as_of), as_of), format);
    engine_left_to_exit = owned_engine.release();
    return 0;
  }
  if (reductions) {
    // The tasks instead of the findings, each overdue one with its CHAIN-018.
    printReductions(chain::reductionListJson(engine.reductions(as_of), as_of), format);
    engine_left_to_exit = owned_engine.release();
    return 0;
  }
  const auto findings = engine.findingsInPlace();
  if (format == "jsonl") {
    printJsonl(findings);
  } else if (format == "csv") {
    printCsv(findings);
  } else {
    printTable(findings, folder.names(), as_of);
  }
  // The process ends right after this: freeing a million persons' records one allocation at a
  // time took a tenth of the audit's time, and the system takes the memory back at once.
  engine_left_to_exit = owned_engine.release();
  return 0;
}

}  // namespace staffchain::ctl
