// The SQL baselines (bench/sql/, over SQLite, PostgreSQL and DuckDB) find what `staffchainctl
// audit` finds, rule by rule: on small generated worlds as of two dates, and on a hand-made folder
// of edge cases as of three.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "peer.hpp"
#include "peer_postgres.hpp"
#include "peer_process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The rules bench/sql/rules.sql states; CHAIN-016 and DATA-001 have no SQL (bench/README.md).
const std::set<std::string> kCoveredRules = {
    "CHAIN-001", "CHAIN-002", "CHAIN-003", "CHAIN-004", "CHAIN-005", "CHAIN-006", "CHAIN-007", "CHAIN-008",
    "CHAIN-009", "CHAIN-010", "CHAIN-011", "CHAIN-012", "CHAIN-013", "CHAIN-014", "CHAIN-015", "CHAIN-017"};
constexpr const char* kGeneratedAsOf = "2026-06-30";
constexpr const char* kEarlierAsOf = "2025-11-20";

// Per rule, the "unit_id|person_id" of each finding, duplicates kept (CHAIN-006 is one finding
// per exit, so one person may have several).
using Findings = std::map<std::string, std::multiset<std::string>>;

// Lines "RULE,unit,person" of the baseline, or "RULE,severity,unit,person,..." of audit's csv
// format (`skip` = 1 drops the severity). Any other line (a header, a loader note) is ignored.
Findings parseFindings(const std::string& text, std::size_t skip) {
  Findings out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("CHAIN-", 0) != 0 && line.rfind("DATA-", 0) != 0) continue;
    std::vector<std::string> cells;
    std::istringstream cellStream(line);
    for (std::string cell; cells.size() < 3 + skip && std::getline(cellStream, cell, ',');) cells.push_back(cell);
    while (cells.size() < 3 + skip) cells.emplace_back();
    out[cells[0]].insert(cells[1 + skip] + "|" + cells[2 + skip]);
  }
  return out;
}

std::string describe(const std::multiset<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += "\n    " + item;
  return text.empty() ? " (none)" : text;
}

// What `a` holds beyond `b`, as a multiset difference.
std::multiset<std::string> beyond(const std::multiset<std::string>& a, const std::multiset<std::string>& b) {
  std::multiset<std::string> out;
  for (auto it = a.begin(); it != a.end(); it = a.upper_bound(*it)) {
    const auto extra = a.count(*it) > b.count(*it) ? a.count(*it) - b.count(*it) : 0U;
    for (std::size_t i = 0; i < extra; ++i) out.insert(*it);
  }
  return out;
}

void expectSameFindings(const Findings& audit, const Findings& baseline, const std::string& what) {
  for (const auto& [rule, items] : baseline) {
    EXPECT_TRUE(kCoveredRules.count(rule) == 1) << what << " reports " << rule << ", which it does not cover";
  }
  for (const auto& rule : kCoveredRules) {
    static const std::multiset<std::string> kNone;
    const auto a = audit.count(rule) != 0 ? audit.at(rule) : kNone;
    const auto b = baseline.count(rule) != 0 ? baseline.at(rule) : kNone;
    EXPECT_EQ(a, b) << what << " disagrees with audit on " << rule << " (" << a.size() << " vs " << b.size()
                    << " findings)\n  only audit (unit|person):" << describe(beyond(a, b))
                    << "\n  only the baseline:" << describe(beyond(b, a));
  }
}

fs::path binary(const std::string& name) {
  return fs::path(STAFFCHAIN_BIN_DIR) / name;
}
fs::path baselineScript() {
  return fs::path(STAFFCHAIN_SOURCE_DIR) / "bench" / "sql" / "run_baseline.sh";
}

// The DuckDB engine runs in Node.js with bench/sql/duckdb's packages, which
// ./scripts/install-deps.sh --test installs: an error naming what is missing, or nothing.
Result<void> duckdbReady() {
  auto node = findProgram("node");
  if (!node) return std::move(node).error();
  auto api = requireFile(fs::path(STAFFCHAIN_SOURCE_DIR) / "bench" / "sql" / "duckdb" / "node_modules" / "@duckdb" /
                             "node-api" / "package.json",
                         "@duckdb/node-api");
  if (!api) return std::move(api).error();
  return {};
}

// Runs `argv` to its end; its output, or a test failure naming the command.
std::string run(const std::vector<std::string>& argv, const ScratchDir& scratch, const std::string& logName,
                const std::map<std::string, std::string>& env = {}) {
  auto outcome = runCommand(argv, {.log = scratch.path() / logName, .workdir = scratch.path(), .env = env}, 300s);
  if (!outcome) {
    ADD_FAILURE() << argv[0] << ": " << outcome.error().message;
    return {};
  }
  EXPECT_EQ(outcome->exitCode, 0) << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << " failed:\n"
                                  << outcome->output;
  return outcome->output;
}

// The three baselines against audit on `folder` as of `asOf`; returns audit's findings.
Findings compareAsOf(const fs::path& folder, const std::string& asOf, const ScratchDir& scratch, PostgresPeer& postgres,
                     const std::map<std::string, std::string>& psqlEnv) {
  const std::string tag = folder.filename().string() + "-" + asOf;
  const auto audit = parseFindings(
      run({binary("staffchainctl").string(), "audit", folder.string(), "--as-of", asOf, "--format", "csv"}, scratch,
          "audit-" + tag + ".log"),
      1);
  const auto sqlite = parseFindings(run({baselineScript().string(), "--engine", "sqlite", "--data", folder.string(),
                                         "--as-of", asOf, "--db", (scratch.path() / "baseline.sqlite").string()},
                                        scratch, "sqlite-" + tag + ".log"),
                                    0);
  expectSameFindings(audit, sqlite, "the SQLite baseline");
  const auto pg = parseFindings(run({baselineScript().string(), "--engine", "postgres", "--data", folder.string(),
                                     "--as-of", asOf, "--port", std::to_string(postgres.port())},
                                    scratch, "postgres-" + tag + ".log", psqlEnv),
                                0);
  expectSameFindings(audit, pg, "the PostgreSQL baseline");
  const auto duckdb =
      parseFindings(run({baselineScript().string(), "--engine", "duckdb", "--data", folder.string(), "--as-of", asOf},
                        scratch, "duckdb-" + tag + ".log"),
                    0);
  expectSameFindings(audit, duckdb, "the DuckDB baseline");
  return audit;
}

// psql from the server's own bin folder first.
std::map<std::string, std::string> psqlEnvironment(const fs::path& binDir) {
  const char* path = std::getenv("PATH");
  return {{"PATH", binDir.string() + ":" + (path != nullptr ? path : "/usr/bin:/bin")}};
}

std::size_t countOf(const Findings& findings, const std::string& rule) {
  const auto it = findings.find(rule);
  return it == findings.end() ? 0 : it->second.size();
}

class SqlBaseline : public ::testing::TestWithParam<int> {};

TEST_P(SqlBaseline, FindsWhatAuditFindsOnEveryEngineAsOfTwoDates) {
  ASSERT_TRUE(findProgram("sqlite3")) << "sqlite3 missing: " << kPeerInstallHint;
  const auto duckdb = duckdbReady();
  ASSERT_TRUE(duckdb) << duckdb.error().message;
  auto binDir = postgresBinDir();
  ASSERT_TRUE(binDir) << binDir.error().message;
  auto postgres = PostgresPeer::start();
  ASSERT_TRUE(postgres) << postgres.error().message;

  ScratchDir scratch;
  const auto world = scratch.path() / "world";
  run({binary("staffchainctl").string(), "gen", "--persons", "3000", "--seed", std::to_string(GetParam()),
       "--violation-scale", "4", "--out", world.string()},
      scratch, "gen.log");

  for (const char* asOf : {kGeneratedAsOf, kEarlierAsOf}) {
    SCOPED_TRACE(std::string("as of ") + asOf);
    const auto audit = compareAsOf(world, asOf, scratch, **postgres, psqlEnvironment(*binDir));
    if (std::string(asOf) == kGeneratedAsOf) {
      // The generator injects every rule: each covered one must be exercised here.
      for (const auto& rule : kCoveredRules) EXPECT_GT(countOf(audit, rule), 0U) << "no " << rule << " to compare";
    }
  }
  auto stopped = (*postgres)->stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
}

// Two units and a dozen persons built for the conditions a generated world rarely shows: an
// approval's only slot taken by the first of two same-day hires after an earlier invalid use
// (which consumes nothing), a roster_add while one is open and a remove with none open, pay after
// a resignation then a rehire within the month, a death still on the roster and paid, a leader
// post whose remove_leader names no level, a man born on 29 February past retirement age.
void writeEdgeCases(const ScratchDir& dir) {
  dir.write("edge/units.csv",
            "unit_id,name,region,parent_id,kind,funding\n"
            "11150702MB0000010E,海拉尔区甲局,150702,,organ,full\n"
            "12150702MB0000020C,海拉尔区乙中心,150702,,public_welfare_1,full\n");
  dir.write("edge/quotas.csv",
            "unit_id,estab_type,approved,effective_from,doc_no\n"
            "11150702MB0000010E,admin,3,2020-01-01,海区编发〔2020〕1号\n"
            "11150702MB0000010E,admin,2,2026-03-01,海区编发〔2026〕2号\n"
            "12150702MB0000020C,institution,2,2020-01-01,海区编发〔2020〕3号\n");
  dir.write("edge/leader_quotas.csv",
            "unit_id,level,rank,approved\n"
            "11150702MB0000010E,county,chief,1\n");
  dir.write("edge/approvals.csv",
            "approval_id,unit_id,estab_type,slots,issued_on,valid_until,purpose\n"
            "AP1,11150702MB0000010E,admin,1,2026-01-01,2026-12-31,考试录用\n"
            "AP2,12150702MB0000020C,institution,2,2026-01-01,2026-01-31,公开招聘\n");
  dir.write("edge/roster.csv",
            "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n"
            "150702198203030315,丙,11150702MB0000010E,service,2019-05-01,,,\n"
            "15070219850606060X,己,12150702MB0000020C,institution,2015-01-01,,,\n"
            "150702196402290719,庚,11150702MB0000010E,admin,2000-01-01,,county,chief\n"
            "150702198607070815,辛,11150702MB0000010E,admin,2010-01-01,,,\n"
            "150702198708080908,壬,11150702MB0000010E,admin,2011-01-01,,,\n"
            "150702198910101100,子,12150702MB0000020C,admin,2012-01-01,,,\n");
  dir.write("edge/movements.csv",
            "movement_id,source,kind,person_id,name,unit_id,from_unit_id,effective_on,recorded_on,approval_id,leader_"
            "level,leader_rank\n"
            "M001,hr,hire,150702198203030315,丙,11150702MB0000010E,,2026-01-15,2026-01-15,AP1,,\n"
            "M002,hr,hire,150702198001010113,甲,11150702MB0000010E,,2026-02-01,2026-02-01,AP1,,\n"
            "M003,hr,hire,150702198102020206,乙,11150702MB0000010E,,2026-02-01,2026-02-01,AP1,,\n"
            "M004,estab,roster_add,150702198001010113,甲,11150702MB0000010E,,2026-02-05,2026-02-05,,,\n"
            "M005,estab,roster_add,150702198102020206,乙,11150702MB0000010E,,2026-02-05,2026-02-05,,,\n"
            "M006,estab,roster_add,150702198102020206,乙,11150702MB0000010E,,2026-02-20,2026-02-20,,,\n"
            "M007,estab,roster_remove,150702198102020206,乙,11150702MB0000010E,,2026-03-01,2026-03-01,,,\n"
            "M008,estab,roster_remove,150702198102020206,乙,11150702MB0000010E,,2026-03-05,2026-03-05,,,\n"
            "M009,hr,resign,150702198405050517,戊,12150702MB0000020C,,2026-03-10,2026-03-10,,,\n"
            "M010,estab,roster_add,150702198405050517,戊,12150702MB0000020C,,2025-06-01,2025-06-01,,,\n"
            "M011,hr,hire,150702198405050517,戊,12150702MB0000020C,,2026-05-02,2026-05-02,,,\n"
            "M012,org,appoint_leader,150702198607070815,辛,11150702MB0000010E,,2026-01-10,2026-01-10,,county,chief\n"
            "M013,org,appoint_leader,150702198708080908,壬,11150702MB0000010E,,2026-01-10,2026-01-10,,county,chief\n"
            "M014,org,remove_leader,150702198708080908,壬,11150702MB0000010E,,2026-02-01,2026-02-01,,,\n"
            "M015,hr,second_out,150702198809091016,癸,11150702MB0000010E,,2025-10-01,2025-10-01,,,\n"
            "M016,hr,hire,150702199011111211,丑,12150702MB0000020C,,2026-02-10,2026-02-10,AP2,,\n"
            "M017,estab,roster_add,150702198304040408,丁,11150702MB0000010E,,2026-01-05,2026-01-05,,,\n"
            "M018,estab,roster_add,150702198304040408,丁,11150702MB0000010E,,2026-01-10,2026-01-10,,,\n"
            "M019,estab,roster_remove,150702198304040408,丁,11150702MB0000010E,,2026-02-15,2026-02-15,,,\n"
            "M020,estab,roster_add,150702198304040408,丁,11150702MB0000010E,,2026-03-01,2026-03-01,,,\n");
  dir.write("edge/payroll.csv",
            "person_id,unit_id,month,funding,gross\n"
            "150702198001010113,11150702MB0000010E,2026-02,full,5000.00\n"
            "150702198001010113,11150702MB0000010E,2026-03,full,5000.00\n"
            "150702198001010113,11150702MB0000010E,2026-04,full,5000.00\n"
            "150702198001010113,11150702MB0000010E,2026-05,full,5000.00\n"
            "150702198001010113,11150702MB0000010E,2026-06,full,5000.00\n"
            "150702198405050517,12150702MB0000020C,2026-03,full,4000.00\n"
            "150702198405050517,12150702MB0000020C,2026-04,full,4000.00\n"
            "150702198405050517,12150702MB0000020C,2026-05,full,4000.00\n"
            "15070219850606060X,12150702MB0000020C,2026-01,full,4500.00\n"
            "15070219850606060X,12150702MB0000020C,2026-02,full,4500.00\n"
            "15070219850606060X,12150702MB0000020C,2026-03,full,4500.00\n"
            "150702196402290719,11150702MB0000010E,2026-05,full,9000.00\n"
            "150702196402290719,11150702MB0000010E,2026-06,full,9000.00\n"
            "150702198607070815,11150702MB0000010E,2026-04,full,6000.00\n"
            "150702198607070815,12150702MB0000020C,2026-04,full,6000.00\n"
            "150702198910101100,11150702MB0000010E,2026-05,full,5500.00\n"
            "150702198203030315,11150702MB0000010E,2026-05,full,5100.00\n");
  dir.write("edge/deaths.csv",
            "person_id,died_on,source\n"
            "15070219850606060X,2026-02-10,民政局殡葬管理所\n");
}

TEST(SqlBaselineEdgeCases, FindsWhatAuditFindsOnEveryEngine) {
  ASSERT_TRUE(findProgram("sqlite3")) << "sqlite3 missing: " << kPeerInstallHint;
  const auto duckdb = duckdbReady();
  ASSERT_TRUE(duckdb) << duckdb.error().message;
  auto binDir = postgresBinDir();
  ASSERT_TRUE(binDir) << binDir.error().message;
  auto postgres = PostgresPeer::start();
  ASSERT_TRUE(postgres) << postgres.error().message;
  ScratchDir scratch;
  writeEdgeCases(scratch);

  for (const char* asOf : {"2026-06-30", "2026-04-15", "2026-02-20"}) {
    SCOPED_TRACE(std::string("as of ") + asOf);
    const auto audit = compareAsOf(scratch.path() / "edge", asOf, scratch, **postgres, psqlEnvironment(*binDir));
    // The fixture is what it says: the same-day hire beyond the slot and the invalid earlier use.
    EXPECT_EQ(countOf(audit, "CHAIN-001"), std::string(asOf) == "2026-06-30" ? 4U : 3U);
    EXPECT_EQ(countOf(audit, "CHAIN-007"), 1U);
    EXPECT_EQ(countOf(audit, "CHAIN-013"), 1U);
  }
  auto stopped = (*postgres)->stop();
  EXPECT_TRUE(stopped) << stopped.error().message;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SqlBaseline, ::testing::Values(3, 11),
                         [](const ::testing::TestParamInfo<int>& seed) { return "seed" + std::to_string(seed.param); });

}  // namespace
}  // namespace staffchain::testing
