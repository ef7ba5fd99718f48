#!/usr/bin/env bash
# Installs what staffchain needs from Debian 12's packages: the build (default), and with
# --test also the real servers and tools the test suite runs against.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config git
  libboost-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev sqlite3 libpq-dev nlohmann-json3-dev libsystemd-dev libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
  # The inspection notice's PDF (staffchain_documents): pango lays out the Chinese text, cairo writes the PDF.
  libpango1.0-dev libcairo2-dev
  # The quarterly monitoring workbook (季度监控) is written as .xlsx with libxlsxwriter.
  libxlsxwriter-dev
  # Spreadsheet exports (.xlsx) read as the CSV they hold: libzip opens the package, expat parses
  # its sheet, shared strings and number formats.
  libzip-dev libexpat1-dev
  # The web console (console/): npm installs ECharts from console/package-lock.json at build time.
  nodejs
)
# The integration tests start these real servers themselves: PostgreSQL (server binaries under
# /usr/lib/postgresql/15/bin), an SMTP receiver (aiosmtpd), promtool (from prometheus), Java for
# the WireMock jar and Node.js for the peers in tests/peers/; GNU time for bench/run_bench.sh;
# stress-ng to run the suite on a busy machine (both cores loaded) before an issue is resolved;
# clang-format 14, which the test command runs over every C++ file (.clang-format); chromium, the
# browser the web console's test (tests/console) drives through playwright-core.
test_packages=(
  clang-14 clang-format-14 libclang-rt-14-dev dpkg-dev chromium
  openjdk-17-jre-headless postgresql python3-aiosmtpd prometheus time stress-ng
  # The CJK faces (Noto Serif/Sans CJK SC) the inspection notice's PDF is set in, and the quarterly
  # workbook's picture is drawn with.
  fonts-noto-cjk
  # pdftotext, pdffonts and pdftoppm: the documents tests read the rendered PDF back.
  poppler-utils
  # The quarterly workbook's tests read it back as a spreadsheet program would (openpyxl) and draw
  # its summary sheet as a picture (matplotlib).
  python3-openpyxl python3-matplotlib
)

with_tests=false
if [[ "${1:-}" == "--test" ]]; then
  with_tests=true
fi

want=("${build_packages[@]}")
# A Node.js built elsewhere (NodeSource) bundles npm and conflicts with Debian's npm package.
if ! command -v npm >/dev/null 2>&1; then
  want+=(npm)
fi
if $with_tests; then
  want+=("${test_packages[@]}")
fi

missing=()
for package in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages, from the npm registry only, with the versions of the committed lock file.
# --ignore-scripts: no package may run code or download anything at install time (wiremock ships
# its standalone jar inside the package; playwright-core drives Debian's chromium and fetches no
# browser). A stamp of package.json and the lock file makes a rerun a no-op while node_modules
# is up to date.
npm_install_stamped() {  # npm_install_stamped DIR
  local dir="$1"
  local stamp_file="$dir/node_modules/.staffchain-install-stamp"
  local want_stamp
  want_stamp="$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$want_stamp" ]]; then
    return 0
  fi
  echo "installing npm packages in ${dir#"$repo_dir"/}"
  local npm_args=(--prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error)
  if [[ -f "$dir/package-lock.json" ]]; then
    npm ci "${npm_args[@]}" >/dev/null
  else
    npm install "${npm_args[@]}" >/dev/null
  fi
  echo "$want_stamp" >"$stamp_file"
}
repo_dir="$(cd "$(dirname "$0")/.." && pwd)"

# The web console is part of the build: ECharts is staged from console/node_modules (and its
# test's axe-core and playwright-core come with it).
npm_install_stamped "$repo_dir/console"
# The Node.js peers the integration tests start, and the DuckDB engine of the SQL baselines
# (bench/sql/duckdb/), which sql_baseline_test and bench/run_bench.sh run. @duckdb/node-api has
# no install script: its native binding (duckdb.node with libduckdb.so) ships inside a platform
# package, @duckdb/node-bindings-linux-x64 here, that npm picks among optional dependencies by
# os, cpu and libc, so --ignore-scripts installs it whole and nothing is fetched when it runs.
if $with_tests; then
  npm_install_stamped "$repo_dir/tests/peers"
  npm_install_stamped "$repo_dir/bench/sql/duckdb"
fi
