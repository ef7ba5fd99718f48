#!/usr/bin/env bash
# Installs what staffchain needs from Debian 12's packages: the build (default), and with
# --test also the real servers and tools the test suite runs against.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config git
  libboost-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev sqlite3 nlohmann-json3-dev libsystemd-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
)
test_packages=(
  clang-14 libclang-rt-14-dev
)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
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
