#!/bin/sh
# Builds the libFuzzer harnesses of fuzz/ (clang, with ASan and UBSan) in
# build-fuzz/ and runs each on its seeds for SECONDS seconds. A crash, a
# sanitizer report or a broken property stops that harness; the input is
# kept in build-fuzz/findings/ (replay it: build-fuzz/bin/fuzz_NAME FILE)
# and the script exits 1. The corpora grow in build-fuzz/corpus/ from run
# to run.
# usage: scripts/fuzz.sh SECONDS       build, then run every harness that long
#        scripts/fuzz.sh --available   exit 0 if a clang++ with libFuzzer is here
set -eu
cd "$(dirname "$0")/.."

harnesses="gguf_model safetensors sentencepiece llama2c hf_config tokenizer quantizers"

# The first clang++ on PATH that links a fuzzer (libFuzzer's runtime is a
# package of its own: Debian's libclang-rt-14-dev for clang-14).
find_clang() {
    tmp=$(mktemp -d)
    printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char *, unsigned long) { return 0; }\n' \
        >"$tmp/f.cpp"
    for cxx in clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14; do
        if command -v "$cxx" >/dev/null 2>&1 &&
            "$cxx" -fsanitize=fuzzer "$tmp/f.cpp" -o "$tmp/f" >/dev/null 2>&1; then
            rm -rf "$tmp"
            echo "$cxx"
            return 0
        fi
    done
    rm -rf "$tmp"
    return 1
}

if [ "${1:-}" = "--available" ]; then
    find_clang >/dev/null
    exit
fi
seconds=${1:?usage: scripts/fuzz.sh SECONDS | --available}
cxx=$(find_clang) || { echo "fuzz: no clang++ that can link libFuzzer" >&2; exit 1; }
cc=$(echo "$cxx" | sed 's/clang++/clang/')

build=build-fuzz
echo "fuzz: building the harnesses with $cxx in $build/"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_C_COMPILER="$cc" -DLLAMAZ_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLAMAZ_BUILD_TESTS=OFF -DLLAMAZ_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target fuzz >/dev/null

mkdir -p "$build/findings" "$build/logs"
failed=""
for h in $harnesses; do
    mkdir -p "$build/corpus/$h"
    log="$build/logs/$h.log"
    if "$build/bin/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$build/findings/$h-" -print_final_stats=1 \
        "$build/corpus/$h" "$build/fuzz/seeds/$h" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz: $h: ${runs:-?} inputs in $seconds s, nothing found"
    else
        echo "fuzz: $h: FOUND a problem (input in $build/findings/, log $log):"
        grep -E "ERROR|runtime error|deadly signal|Test unit written" "$log" | head -5 | sed 's/^/    /'
        failed="$failed $h"
    fi
done
[ -z "$failed" ] || { echo "fuzz: findings in:$failed" >&2; exit 1; }
