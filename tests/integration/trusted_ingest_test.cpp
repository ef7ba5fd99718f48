// The daemon fed a good world, then each broken roster a department may drop by mistake: the
// ledger's rows and the open findings stay as they were, and each bad file raises exactly one
// alert that names it. STAFFCHAIN_TRUST_PERSONS sets the world's size (default 1,500; the
// issue's figure of 200,000 is run by hand).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "fault_harness.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"

namespace staffchain::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::vector<std::string> kTables{"units",  "quotas",    "leader_quotas", "approvals",
                                       "roster", "movements", "payroll",       "deaths"};

std::map<std::string, std::int64_t> rowCounts(const fs::path& db) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& table : kTables) counts[table] = ledgerRows(db, table);
  return counts;
}

std::set<std::string> allFingerprints(const FaultDaemonConfig& config) {
  std::set<std::string> out;
  for (const auto& [rule, fingerprints] : openFindings(config)) {
    for (const auto& fingerprint : fingerprints) out.insert(rule + " " + fingerprint);
  }
  return out;
}

TEST(TrustedIngest, EachBadRosterChangesNothingAndRaisesOneAlertNamingIt) {
  const char* scale = std::getenv("STAFFCHAIN_TRUST_PERSONS");
  const std::string persons = scale != nullptr ? scale : "1500";
  ScratchDir dir;
  auto [gen_code, gen_out] = runToEnd({binary("staffchainctl").string(), "gen", "--persons", persons, "--seed", "16",
                                       "--out", (dir.path() / "world").string()},
                                      dir.path() / "gen.log");
  ASSERT_EQ(gen_code, 0) << gen_out;

  FaultDaemonConfig config{dir.path(), freeLoopbackPort().value()};
  config.extra = fmt::format(
      "[notifiers.ops]\nplugin = \"file\"\npath = \"{}\"\n\n[route]\nreceivers = [\"ops\"]\ngroup_wait = \"1s\"\n"
      "group_interval = \"1s\"\n",
      (dir.path() / "alerts.jsonl").string());
  const auto file = config.write({{"estab", "estab"}, {"hr", "hr"}, {"finance", "finance"}});
  const std::vector<std::pair<std::string, std::string>> exports{
      {"estab", "units.csv"},  {"estab", "quotas.csv"}, {"estab", "leader_quotas.csv"}, {"estab", "approvals.csv"},
      {"estab", "roster.csv"}, {"hr", "movements.csv"}, {"hr", "deaths.csv"},           {"finance", "payroll.csv"}};
  for (const auto& [inbox, name] : exports) {
    const auto source = dir.path() / "world" / name;
    if (fs::exists(source)) dropFile(dir.path() / "inbox" / inbox, name, readFile(source));
  }
  const fs::path db = dir.path() / "state" / "ledger.db";
  const fs::path estab = dir.path() / "inbox" / "estab";
  auto daemon = startDaemon(file, dir.path() / "daemon.log");
  ASSERT_TRUE(waitReady(config, daemon)) << daemon.output();
  const auto settled = [&] {
    for (const auto& inbox : {"estab", "hr", "finance"}) {
      if (csvFilesIn(dir.path() / "inbox" / inbox) > 0) return false;
    }
    // /readyz answers 503 (no body here) while a connector is still syncing.
    const auto ready = apiGet(config, "/readyz");
    return ready.is_object() && ready.value("ready", false);
  };
  ASSERT_TRUE(waitFor(settled, 600s)) << daemon.output();
  // Evaluated after the world landed (the last sync's evaluation comes a second after it), and
  // the findings read the same twice.
  ASSERT_TRUE(waitFor([&] { return evaluatedAfterLastBatch(daemon.output()); }, 120s)) << daemon.output();
  std::set<std::string> findings;
  ASSERT_TRUE(waitFor(
      [&] {
        auto now = allFingerprints(config);
        const bool same = !now.empty() && now == findings;
        findings = std::move(now);
        return same;
      },
      120s))
      << daemon.output();
  const auto counts = rowCounts(db);
  ASSERT_GT(counts.at("roster"), 0);
  auto alerts = openAlertIds(config);

  const std::string roster = readFile(dir.path() / "world" / "roster.csv");
  const auto header_end = roster.find('\n') + 1;
  std::string renamed = roster;
  renamed.replace(0, std::string("person_id").size(), "personid");
  std::string twice = roster;
  twice.replace(roster.find("leader_rank"), std::string("leader_rank").size(), "person_id");
  const std::string cut = roster.substr(0, header_end + (roster.size() - header_end) / 2 + 7);
  std::string half = roster.substr(0, header_end);
  {
    std::istringstream lines(roster.substr(header_end));
    int n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      if (n % 2 == 0) half += line + "\n";
    }
  }
  const std::string undecodable = "\xff\xfe\xfd,\xfc\n" + roster.substr(header_end);
  const std::vector<std::tuple<std::string, std::string, std::string>> bad{
      {"renamed header", renamed, "DATA-001"},
      {"header named twice", twice, "DATA-001"},
      {"header only", roster.substr(0, header_end), "DATA-002"},
      {"cut mid-row", cut, "DATA-001"},
      {"half the rows", half, "DATA-002"},
      {"undecodable", undecodable, "DATA-001"}};
  int n = 0;
  for (const auto& [what, content, rule] : bad) {
    SCOPED_TRACE(what);
    const std::string name = fmt::format("roster-bad-{}.csv", ++n);
    dropFile(estab, name, content);
    ASSERT_TRUE(waitFor([&] { return csvFilesIn(estab) == 0; }, 120s)) << daemon.output();
    std::set<std::string> now;
    ASSERT_TRUE(waitFor(
        [&] {
          now = allFingerprints(config);
          return now.size() == findings.size() + 1;
        },
        60s))
        << daemon.output();
    std::vector<std::string> added;
    std::set_difference(now.begin(), now.end(), findings.begin(), findings.end(), std::back_inserter(added));
    ASSERT_EQ(added.size(), 1U);
    EXPECT_EQ(added[0].substr(0, 8), rule);
    EXPECT_TRUE(std::includes(now.begin(), now.end(), findings.begin(), findings.end())) << "no finding went away";
    EXPECT_EQ(rowCounts(db), counts);
    std::set<std::string> alerts_now;
    ASSERT_TRUE(waitFor(
        [&] {
          alerts_now = openAlertIds(config);
          return alerts_now.size() >= alerts.size() + 1;
        },
        30s));
    std::this_thread::sleep_for(2s);  // nothing more comes of it
    alerts_now = openAlertIds(config);
    EXPECT_EQ(alerts_now.size(), alerts.size() + 1);
    const auto body = apiGet(config, "/api/v1/findings?rule=" + rule).dump();
    EXPECT_THAT(body, HasSubstr(name));
    findings = std::move(now);
    alerts = std::move(alerts_now);
  }
  // A roster still being written in place is taken only once whole: then it is the good roster.
  {
    std::ofstream slow(estab / "roster-slow.csv");
    slow << roster.substr(0, header_end + (roster.size() - header_end) / 3) << std::flush;
    std::this_thread::sleep_for(8s);  // longer than `settle`: only the open writer holds it back
    EXPECT_TRUE(fs::exists(estab / "roster-slow.csv")) << daemon.output();
    slow << roster.substr(header_end + (roster.size() - header_end) / 3);
  }
  ASSERT_TRUE(waitFor([&] { return csvFilesIn(estab) == 0; }, 120s)) << daemon.output();
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(rowCounts(db), counts);
  EXPECT_THAT(daemon.output(), HasSubstr("roster-slow.csv: waiting: a process still has it open for writing"));
  stopDaemon(daemon);
}

}  // namespace
}  // namespace staffchain::testing
