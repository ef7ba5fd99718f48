#!/usr/bin/env bash
# Checks that every C++ file in the tree is formatted as .clang-format says (clang-format 14);
# names each file that is not. With --fix, formats them instead.
set -euo pipefail
cd "$(dirname "$0")/.."
formatter=clang-format-14
if ! command -v "$formatter" >/dev/null 2>&1; then
  echo "check-format: $formatter is not installed (./scripts/install-deps.sh --test installs it)" >&2
  exit 2
fi
# Tracked files, and new ones not ignored; none deleted in the working tree.
mapfile -d '' listed < <(git ls-files -z --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h')
files=()
for file in "${listed[@]}"; do
  [[ -f "$file" ]] && files+=("$file")
done
if [[ "${1:-}" == "--fix" ]]; then
  printf '%s\0' "${files[@]}" | xargs -0 "$formatter" -i
  exit 0
fi
unformatted=()
for file in "${files[@]}"; do
  if ! "$formatter" --dry-run --Werror "$file" >/dev/null 2>&1; then unformatted+=("$file"); fi
done
if ((${#unformatted[@]} > 0)); then
  echo "check-format: ${#unformatted[@]} file(s) not formatted as .clang-format says:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  echo "run ./scripts/check-format.sh --fix, then review and commit the result" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
