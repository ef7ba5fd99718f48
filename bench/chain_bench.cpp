// chain_bench: how long the chain engine takes to read a province, judge it whole, and judge
// one more movement, at the sizes the issue names (100 thousand and a million persons).
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_summary.hpp"
#include "bench_world.hpp"
#include "latency_samples.hpp"
#include "movement_stream.hpp"
#include "process_memory.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/model/canonical_folder.hpp"

namespace staffchain::bench {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this thread: on a shared machine the wall time also counts the waits for a core,
// so both are reported.
double threadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct BenchOptions {
  std::vector<std::size_t> persons{100'000, 1'000'000};
  std::uint64_t seed = 1;
  std::int64_t movements = 1000;  // timed changes per movement kind and size
  std::filesystem::path data_dir = STAFFCHAIN_BENCH_DEFAULT_DATA_DIR;
};

template <typename T>
Result<T> parseNumber(std::string_view option, std::string_view text) {
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value <= 0) {
    return makeError(fmt::format("{}: \"{}\" is not a positive whole number", option, text));
  }
  return value;
}

Result<void> setOption(BenchOptions& options, std::string_view name, std::string_view value) {
  if (name == "persons") {
    options.persons.clear();
    while (!value.empty()) {
      const auto comma = value.find(',');
      auto n = parseNumber<std::size_t>("--persons", value.substr(0, comma));
      if (!n) return std::move(n).error();
      options.persons.push_back(*n);
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
    if (options.persons.empty()) return makeError("--persons: expected a list like 100000,1000000, got nothing");
    std::sort(options.persons.begin(), options.persons.end());
    options.persons.erase(std::unique(options.persons.begin(), options.persons.end()), options.persons.end());
    return {};
  }
  if (name == "seed") {
    auto seed = parseNumber<std::uint64_t>("--seed", value);
    if (!seed) return std::move(seed).error();
    options.seed = *seed;
    return {};
  }
  if (name == "movements") {
    auto movements = parseNumber<std::int64_t>("--movements", value);
    if (!movements) return std::move(movements).error();
    options.movements = *movements;
    return {};
  }
  if (name == "data-dir") {
    if (value.empty()) return makeError("--data-dir: expected a folder, got nothing");
    options.data_dir = std::filesystem::path(value);
    return {};
  }
  return makeError(fmt::format("unknown option --{}", name));
}

// Environment first, then our own --name=value flags, which are removed from argv so that
// Google Benchmark sees only its own.
Result<BenchOptions> parseOptions(int& argc, char** argv) {
  BenchOptions options;
  const std::pair<const char*, const char*> env_options[] = {{"STAFFCHAIN_BENCH_PERSONS", "persons"},
                                                             {"STAFFCHAIN_BENCH_SEED", "seed"},
                                                             {"STAFFCHAIN_BENCH_MOVEMENTS", "movements"},
                                                             {"STAFFCHAIN_BENCH_DATA", "data-dir"}};
  for (const auto& [env, name] : env_options) {
    if (const char* value = std::getenv(env); value != nullptr && *value != '\0') {
      if (auto set = setOption(options, name, value); !set) {
        return makeError(fmt::format("{} (from {})", set.error().message, env));
      }
    }
  }
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    const auto name = arg.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2);
    const bool ours = arg.starts_with("--") && !arg.starts_with("--benchmark_") &&
                      (name == "persons" || name == "seed" || name == "movements" || name == "data-dir");
    if (!ours) {
      argv[kept++] = argv[i];
      continue;
    }
    if (eq == std::string_view::npos) return makeError(fmt::format("--{}: expected --{}=VALUE", name, name));
    if (auto set = setOption(options, name, arg.substr(eq + 1)); !set) return std::move(set).error();
  }
  argc = kept;
  return options;
}

// One world at a time: its dataset (until the engine takes it), the evaluated engine and a
// stream of new movements for it. Switching to another size releases the previous world first.
class WorldCache {
 public:
  explicit WorldCache(const BenchOptions& options) : options_(options) {}

  Result<std::filesystem::path> folder(std::size_t persons) {
    select(persons);
    return ensureWorld(options_.data_dir, WorldKey{persons, options_.seed});
  }

  void keepDataset(std::size_t persons, model::Dataset dataset) {
    select(persons);
    if (!stream_) stream_.emplace(dataset, worldAsOf());
    dataset_ = std::move(dataset);
  }

  // The dataset, read from the folder when the cache gave it away or never had it.
  Result<model::Dataset> takeDataset(std::size_t persons) {
    select(persons);
    if (!dataset_) {
      auto dir = folder(persons);
      if (!dir) return std::move(dir).error();
      auto loaded = loadWorld(*dir);
      if (!loaded) return std::move(loaded).error();
      keepDataset(persons, std::move(*loaded));
    }
    auto dataset = std::move(*dataset_);
    dataset_.reset();
    return dataset;
  }

  void keepEngine(std::size_t persons, chain::ChainEngine engine) {
    select(persons);
    engine_ = std::make_unique<chain::ChainEngine>(std::move(engine));
  }

  // The engine with the whole world loaded and evaluated, built when not kept yet.
  Result<chain::ChainEngine*> engine(std::size_t persons) {
    select(persons);
    if (!engine_) {
      auto dataset = takeDataset(persons);
      if (!dataset) return std::move(dataset).error();
      auto fresh = std::make_unique<chain::ChainEngine>(chain::RuleParams{});
      fresh->load(std::move(*dataset));
      (void)fresh->evaluateAll(worldAsOf());
      engine_ = std::move(fresh);
    }
    return engine_.get();
  }

  // Set by keepDataset/takeDataset/engine, which every movement benchmark calls first.
  MovementStream& stream() { return *stream_; }

 private:
  void select(std::size_t persons) {
    if (persons == persons_) return;
    engine_.reset();
    dataset_.reset();
    stream_.reset();
    persons_ = persons;
  }

  const BenchOptions& options_;
  std::size_t persons_ = 0;
  std::optional<model::Dataset> dataset_;
  std::unique_ptr<chain::ChainEngine> engine_;
  std::optional<MovementStream> stream_;
};

struct Bench {
  explicit Bench(BenchOptions o) : options(std::move(o)) {}

  BenchOptions options;
  WorldCache cache{options};
  BenchSummary summary;
};

std::string formatWallCpu(double wall, double cpu) {
  return fmt::format("{:.3f} s  (CPU {:.3f} s)", wall, cpu);
}
std::string formatMicros(double seconds) {
  return fmt::format("{:.1f}", seconds * 1e6);
}

void recordMemory(Bench& bench, benchmark::State& state, std::size_t persons) {
  state.counters["rss_mib"] = currentRssMib();
  state.counters["peak_rss_mib"] = peakRssMib();
  bench.summary.setLast(persons, "peak RSS so far", fmt::format("{:.0f} MiB", peakRssMib()));
}

// (0) What `staffchainctl audit` does: the CSV folder streamed into a fresh engine, record by
// record (no Dataset), then evaluateAll. Runs first, so that its peak RSS is its own.
class EngineSink final : public model::RecordSink {
 public:
  explicit EngineSink(chain::ChainEngine& engine) : engine_(engine) {}
  void expect(model::RecordType /*type*/, std::size_t /*rows_at_most*/) override {}
  void add(model::Record&& record) override { engine_.apply(std::move(record)); }
  void quarantine(model::QuarantineEntry&& entry) override { engine_.addQuarantine(std::move(entry)); }

 private:
  chain::ChainEngine& engine_;
};

void benchAudit(benchmark::State& state, Bench& bench, std::size_t persons) {
  auto dir = bench.cache.folder(persons);
  if (!dir) {
    state.SkipWithError(dir.error().message.c_str());
    return;
  }
  std::size_t findings = 0;
  for (auto _ : state) {
    const double cpu_start = threadCpuSeconds();
    const auto start = Clock::now();
    auto engine = std::make_unique<chain::ChainEngine>(chain::RuleParams{});
    engine->reset({"bench"});
    EngineSink sink(*engine);
    if (auto read = model::readCanonicalFolder(*dir, "bench", sink); !read) {
      state.SkipWithError(read.error().message.c_str());
      return;
    }
    const double cpu_read = threadCpuSeconds();
    const auto read_at = Clock::now();
    findings = engine->evaluateAll(worldAsOf()).size();
    const double seconds = secondsSince(start);
    const double cpu_seconds = threadCpuSeconds() - cpu_start;
    state.SetIterationTime(seconds);
    state.counters["cpu_s"] = cpu_seconds;
    bench.summary.set(persons, "audit: CSV folder streamed into the engine + evaluateAll",
                      formatWallCpu(seconds, cpu_seconds));
    bench.summary.set(persons, "  of which read + index",
                      formatWallCpu(std::chrono::duration<double>(read_at - start).count(), cpu_read - cpu_start));
    recordMemory(bench, state, persons);
    // The audit leaves its engine to the process's exit; here it is freed outside the timing.
  }
  state.counters["findings"] = static_cast<double>(findings);
  bench.summary.set(persons, "  audit findings", fmt::format("{}", findings));
}

// (a) CSV folder -> Dataset.
void benchLoad(benchmark::State& state, Bench& bench, std::size_t persons) {
  auto dir = bench.cache.folder(persons);
  if (!dir) {
    state.SkipWithError(dir.error().message.c_str());
    return;
  }
  std::optional<model::Dataset> last;
  for (auto _ : state) {
    last.reset();
    const double cpu_start = threadCpuSeconds();
    const auto start = Clock::now();
    auto dataset = loadWorld(*dir);
    const double seconds = secondsSince(start);
    const double cpu_seconds = threadCpuSeconds() - cpu_start;
    if (!dataset) {
      state.SkipWithError(dataset.error().message.c_str());
      return;
    }
    state.SetIterationTime(seconds);
    state.counters["cpu_s"] = cpu_seconds;
    bench.summary.set(persons, "load: CSV folder -> Dataset", formatWallCpu(seconds, cpu_seconds));
    last = std::move(*dataset);
  }
  state.counters["roster"] = static_cast<double>(last->roster.size());
  state.counters["movements"] = static_cast<double>(last->movements.size());
  state.counters["payroll"] = static_cast<double>(last->payroll.size());
  recordMemory(bench, state, persons);
  bench.cache.keepDataset(persons, std::move(*last));
}

// (b) engine.load(dataset) + evaluateAll(as_of), on a fresh engine each iteration.
void benchFullEvaluation(benchmark::State& state, Bench& bench, std::size_t persons) {
  std::optional<chain::ChainEngine> engine;
  double index_seconds = 0;
  double evaluate_seconds = 0;
  double index_cpu = 0;
  double evaluate_cpu = 0;
  std::size_t findings = 0;
  for (auto _ : state) {
    state.PauseTiming();
    engine.reset();
    auto dataset = bench.cache.takeDataset(persons);
    if (!dataset) {
      state.SkipWithError(dataset.error().message.c_str());
      return;
    }
    engine.emplace(chain::RuleParams{});
    state.ResumeTiming();
    const double cpu_start = threadCpuSeconds();
    const auto start = Clock::now();
    engine->load(std::move(*dataset));
    const double cpu_loaded = threadCpuSeconds();
    const auto loaded = Clock::now();
    const auto all = engine->evaluateAll(worldAsOf());
    index_seconds = std::chrono::duration<double>(loaded - start).count();
    evaluate_seconds = secondsSince(loaded);
    index_cpu = cpu_loaded - cpu_start;
    evaluate_cpu = threadCpuSeconds() - cpu_loaded;
    state.SetIterationTime(index_seconds + evaluate_seconds);
    findings = all.size();
  }
  state.counters["engine_load_s"] = index_seconds;
  state.counters["evaluate_all_s"] = evaluate_seconds;
  state.counters["cpu_s"] = index_cpu + evaluate_cpu;
  state.counters["findings"] = static_cast<double>(findings);
  bench.summary.set(persons, "full evaluation: load + evaluateAll",
                    formatWallCpu(index_seconds + evaluate_seconds, index_cpu + evaluate_cpu));
  bench.summary.set(persons, "  of which engine.load", formatWallCpu(index_seconds, index_cpu));
  bench.summary.set(persons, "  of which evaluateAll", formatWallCpu(evaluate_seconds, evaluate_cpu));
  bench.summary.set(persons, "  open findings", fmt::format("{}", findings));
  recordMemory(bench, state, persons);
  bench.cache.keepEngine(persons, std::move(*engine));
}

enum class ChangeKind { hire, roster_add, retire, payroll, idle };

const char* changeName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::hire:
      return "hire";
    case ChangeKind::roster_add:
      return "roster_add";
    case ChangeKind::retire:
      return "retire";
    case ChangeKind::payroll:
      return "payroll";
    case ChangeKind::idle:
      return "idle";
  }
  return "?";
}

// (c) one new record applied to the evaluated engine, then evaluateTouched(as_of).
void benchMovement(benchmark::State& state, Bench& bench, std::size_t persons, ChangeKind kind) {
  auto engine_result = bench.cache.engine(persons);
  if (!engine_result) {
    state.SkipWithError(engine_result.error().message.c_str());
    return;
  }
  chain::ChainEngine& engine = **engine_result;
  MovementStream& stream = bench.cache.stream();
  const bool possible = (kind != ChangeKind::hire && kind != ChangeKind::roster_add) || stream.canHire();
  if (!possible || (kind == ChangeKind::retire && !stream.canRetire()) ||
      (kind == ChangeKind::payroll && !stream.canPay())) {
    state.SkipWithError("the world has no record to base this change on");
    return;
  }
  const model::Date as_of = worldAsOf();
  LatencySamples samples;
  LatencySamples cpu_samples;
  samples.reserve(static_cast<std::size_t>(state.max_iterations));
  cpu_samples.reserve(static_cast<std::size_t>(state.max_iterations));
  std::size_t changed = 0;
  std::size_t whole_scopes = 0;  // unit/type scopes judged whole, not counted again
  for (auto _ : state) {
    std::optional<model::Record> record;
    switch (kind) {
      case ChangeKind::hire:
        record = stream.nextHire();
        break;
      case ChangeKind::roster_add: {
        // The hire is part of the setup: only the roster entry that follows it is timed.
        const auto hire = stream.nextHire();
        engine.apply(hire);
        (void)engine.evaluateTouched(as_of);
        record = MovementStream::rosterAddFor(hire, as_of.plusDays(-3));
        break;
      }
      case ChangeKind::retire:
        record = stream.nextRetirement();
        break;
      case ChangeKind::payroll:
        record = stream.nextPayroll();
        break;
      case ChangeKind::idle:
        break;
    }
    const double cpu_start = threadCpuSeconds();
    const auto start = Clock::now();
    if (record) engine.apply(*record);
    const auto delta = engine.evaluateTouched(as_of);
    const double seconds = secondsSince(start);
    cpu_samples.add(threadCpuSeconds() - cpu_start);
    state.SetIterationTime(seconds);
    samples.add(seconds);
    changed += delta.changed.size() + delta.resolved.size();
    whole_scopes += engine.unitTypeScopesJudgedWhole();
    benchmark::DoNotOptimize(delta);
  }
  state.counters["median_us"] = samples.median() * 1e6;
  state.counters["p99_us"] = samples.percentile(99.0) * 1e6;
  state.counters["max_us"] = samples.max() * 1e6;
  state.counters["cpu_median_us"] = cpu_samples.median() * 1e6;
  state.counters["cpu_p99_us"] = cpu_samples.percentile(99.0) * 1e6;
  state.counters["delta_per_change"] =
      samples.size() == 0 ? 0.0 : static_cast<double>(changed) / static_cast<double>(samples.size());
  state.counters["whole_scopes_per_change"] =
      samples.size() == 0 ? 0.0 : static_cast<double>(whole_scopes) / static_cast<double>(samples.size());
  bench.summary.set(persons, fmt::format("{}: median / p99 / max (us)", changeName(kind)),
                    fmt::format("{} / {} / {}  (CPU {} / {} / {}; {} changes)", formatMicros(samples.median()),
                                formatMicros(samples.percentile(99.0)), formatMicros(samples.max()),
                                formatMicros(cpu_samples.median()), formatMicros(cpu_samples.percentile(99.0)),
                                formatMicros(cpu_samples.max()), samples.size()));
  recordMemory(bench, state, persons);
}

// (d) a pre-check on the evaluated engine (事前预审): each a hire the stream would make next,
// asked about and not applied, so that the engine stays the same from one to the next. A
// refused one also looks for open approvals and vacancies in the region.
void benchPrecheck(benchmark::State& state, Bench& bench, std::size_t persons) {
  auto engine_result = bench.cache.engine(persons);
  if (!engine_result) {
    state.SkipWithError(engine_result.error().message.c_str());
    return;
  }
  const chain::ChainEngine& engine = **engine_result;
  MovementStream& stream = bench.cache.stream();
  if (!stream.canHire()) {
    state.SkipWithError("the world has no approval to base a hire on");
    return;
  }
  // The requests: each a hire the stream would make next, one in four citing no approval.
  std::vector<chain::PrecheckRequest> requests;
  requests.reserve(static_cast<std::size_t>(state.max_iterations));
  for (std::int64_t i = 0; i < state.max_iterations; ++i) {
    const model::Movement hire = stream.nextHire();
    chain::PrecheckRequest request;
    request.kind = chain::PrecheckKind::hire;
    request.unit = hire.unit_id;
    request.on = hire.effective_on;
    request.person = hire.person_id;
    if ((i + 1) % 4 != 0) request.approval_id = hire.approval_id;
    requests.push_back(std::move(request));
  }
  // Cold: the first pre-checks after the full evaluation, each region and type's scopes resolved
  // by the first request that reads them (what follows every evaluation that judged a region's
  // units whole again). Warm: the same requests again, as a live engine mostly answers them.
  LatencySamples cold;
  cold.reserve(requests.size());
  for (const auto& request : requests) {
    const auto start = Clock::now();
    benchmark::DoNotOptimize(engine.precheck(request));
    cold.add(secondsSince(start));
  }
  LatencySamples samples;
  samples.reserve(requests.size());
  std::size_t refused = 0;
  std::size_t next = 0;
  for (auto _ : state) {
    const auto& request = requests[next++ % requests.size()];
    const auto start = Clock::now();
    const auto answer = engine.precheck(request);
    const double seconds = secondsSince(start);
    state.SetIterationTime(seconds);
    samples.add(seconds);
    if (!answer.allowed) ++refused;
    benchmark::DoNotOptimize(answer);
  }
  state.counters["median_us"] = samples.median() * 1e6;
  state.counters["p99_us"] = samples.percentile(99.0) * 1e6;
  state.counters["max_us"] = samples.max() * 1e6;
  state.counters["cold_p99_us"] = cold.percentile(99.0) * 1e6;
  state.counters["refused"] = static_cast<double>(refused);
  bench.summary.set(
      persons, "precheck: median / p99 / max (us)",
      fmt::format("{} / {} / {}  ({} asked, {} refused)", formatMicros(samples.median()),
                  formatMicros(samples.percentile(99.0)), formatMicros(samples.max()), samples.size(), refused));
  bench.summary.set(persons, "  cold (first after evaluating)",
                    fmt::format("{} / {} / {}", formatMicros(cold.median()), formatMicros(cold.percentile(99.0)),
                                formatMicros(cold.max())));
}

void registerBenchmarks(Bench& bench) {
  for (const std::size_t persons : bench.options.persons) {
    benchmark::RegisterBenchmark(fmt::format("audit/{}", persons).c_str(),
                                 [&bench, persons](benchmark::State& s) { benchAudit(s, bench, persons); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(fmt::format("load/{}", persons).c_str(),
                                 [&bench, persons](benchmark::State& s) { benchLoad(s, bench, persons); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(fmt::format("full_evaluation/{}", persons).c_str(),
                                 [&bench, persons](benchmark::State& s) { benchFullEvaluation(s, bench, persons); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
    for (const auto kind :
         {ChangeKind::hire, ChangeKind::roster_add, ChangeKind::retire, ChangeKind::payroll, ChangeKind::idle}) {
      benchmark::RegisterBenchmark(
          fmt::format("movement/{}/{}", changeName(kind), persons).c_str(),
          [&bench, persons, kind](benchmark::State& s) { benchMovement(s, bench, persons, kind); })
          ->Iterations(bench.options.movements)
          ->UseManualTime()
          ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark(fmt::format("precheck/{}", persons).c_str(),
                                 [&bench, persons](benchmark::State& s) { benchPrecheck(s, bench, persons); })
        ->Iterations(bench.options.movements)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace staffchain::bench

int main(int argc, char** argv) {
  using namespace staffchain::bench;
  auto options = parseOptions(argc, argv);
  if (!options) {
    fmt::print(stderr, "chain_bench: {}\n", options.error().message);
    fmt::print(stderr,
               "usage: chain_bench [--persons=N[,N...]] [--seed=S] [--movements=N] [--data-dir=DIR] "
               "[--benchmark_...]\n");
    return 64;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 64;
  Bench bench(std::move(*options));
  registerBenchmarks(bench);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fmt::print("\nchain engine figures (seed {}, as of 2026-06-30; data in {}):", bench.options.seed,
             bench.options.data_dir.string());
  bench.summary.print(stdout);
  return 0;
}
