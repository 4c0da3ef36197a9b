#!/bin/sh
# Fails when a C or C++ file of the repository differs from what clang-format
# makes of it with the project's .clang-format. The layout depends on
# clang-format's version: the tree is formatted with version 14 (Debian 12's),
# so another version only warns.
# usage: scripts/check-format.sh [--fix]
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null 2>&1 || { echo "check-format: clang-format not found" >&2; exit 1; }
version=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
files=$(git ls-files '*.c' '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
    echo "$files" | xargs clang-format -i
    exit 0
fi
bad=$(for f in $files; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
[ -z "$bad" ] && { echo "check-format: all files formatted"; exit 0; }
echo "check-format: these files differ from clang-format's layout (scripts/check-format.sh --fix):" >&2
echo "$bad" | sed 's/^/  /' >&2
if [ "$version" != 14 ]; then
    echo "check-format: clang-format $version, not 14: not counted as a failure" >&2
    exit 0
fi
exit 1
