#!/usr/bin/env bash
# The test command: installs everything, checks that every C++ file is formatted, then builds
# and runs every test twice — a normal debug build and an AddressSanitizer +
# UndefinedBehaviorSanitizer build — builds the release tree the demo runs, and ends with a
# 60-second libFuzzer run of each fuzz target (clang, ASan + UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
echo "== format"
./scripts/check-format.sh
# The web console's modules parse (as ES modules: console/package.json says "type": "module");
# the browser test (console.browser, in the debug tests) runs them in chromium.
echo "== console"
find console/src tests/console -name '*.js' -o -name '*.mjs' | sort | while read -r module; do
  node --check "$module"
done

jobs=$(nproc)
for preset in debug asan; do
  echo "== build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== test: $preset"
  ctest --preset "$preset" -j "$jobs"
done
# The release build is what the demo and the package use, at -O3, where g++ warns about more
# than at -O0 (-Werror): it is built here, so that a warning there stops the test command too.
echo "== build: release"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
echo "== fuzz"
./scripts/run-fuzz.sh "${STAFFCHAIN_FUZZ_SECONDS:-60}"
