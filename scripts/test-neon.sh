#!/usr/bin/env bash
# Cross-builds ggml and test_formats for aarch64 and runs the tests under
# qemu-aarch64, twice: on a CPU with the dot-product instructions (the sdot
# kernels) and on a Cortex-A53 without them (the baseline armv8-a kernels).
#
# usage: scripts/test-neon.sh [--ctest] [BUILD_DIR]
#   BUILD_DIR defaults to build-aarch64 in the source tree. Without the cross
#   tools it prints why and exits 0 ("skipped"), or 77 with --ctest (CTest's
#   skip code). Exits non-zero when the build or a test fails.
set -euo pipefail

skip_code=0
if [[ "${1:-}" == "--ctest" ]]; then
    skip_code=77
    shift
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-aarch64}"

missing=()
for tool in aarch64-linux-gnu-g++ aarch64-linux-gnu-gcc qemu-aarch64; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ -d /usr/aarch64-linux-gnu/lib ]] || missing+=("/usr/aarch64-linux-gnu (libc for aarch64)")
if ((${#missing[@]})); then
    echo "test-neon: skipped: missing ${missing[*]} (Debian: g++-aarch64-linux-gnu qemu-user)"
    exit "$skip_code"
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
    -DLLAMAZ_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" --target test_formats -j "$(nproc)"

status=0
for cpu in max cortex-a53; do
    echo "test-neon: test_formats on qemu-aarch64 -cpu $cpu"
    # death tests re-run the binary by itself, which an aarch64 binary cannot
    # do without qemu; they check the level dispatch, which the host run covers
    qemu-aarch64 -cpu "$cpu" -L /usr/aarch64-linux-gnu "$build/tests/test_formats" --gtest_brief=1 \
        --gtest_filter='-*DeathTest*' ||
        status=1
done
if ((status)); then
    echo "test-neon: FAILED"
else
    echo "test-neon: passed"
fi
exit "$status"
