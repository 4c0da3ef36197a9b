#!/bin/sh
# Regenerates the numbers of docs/quality.md: stories260K quantized to every
# type, each scored on WikiText-2's test split at context 512 (perplexity) and
# compared with the F32 model (KL divergence, top-token agreement).
#
# usage: scripts/quality.sh [BUILD_DIR [WORK_DIR]]
#   BUILD_DIR  where build/bin/quantize and build/bin/perplexity are (default: build)
#   WORK_DIR   models, logs and the table go here (default: BUILD_DIR/quality)
# environment:
#   THREADS=N  threads of each tool (default: 2)
#   JOBS=N     types measured at once after F32 (default: 1). On a busy
#              machine JOBS=2 THREADS=1 does more per second than one job of
#              2 threads, whose threads wait for each other after every op.
#   CHUNKS=N   score only the first N chunks (default: all 1580; a full run
#              is one perplexity pass per type, 10 to 30 minutes each)
#   TEXT=FILE  the text (default: tests/data/wikitext-2/wiki.test.raw)
#   CALIB=FILE calibration text of the GPTQ types (default:
#              tests/data/wikitext-2/wiki.valid.head.tokens, never the test text)
#
# Not part of the test suite: it takes long. The table is printed and saved
# as WORK_DIR/quality.md; each tool's output is kept in WORK_DIR/*.log.
# Running it again resumes: a type whose perplexity log is complete is not
# measured again (remove WORK_DIR to measure everything anew).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=${2:-$build/quality}
threads=${THREADS:-2}
jobs=${JOBS:-1}
text=${TEXT:-$root/tests/data/wikitext-2/wiki.test.raw}
calib=${CALIB:-$root/tests/data/wikitext-2/wiki.valid.head.tokens}
model=$root/models/stories260K.gguf
# GPTQ-T is type T quantized by GPTQ (act-order, groups of 32) instead of
# rounding to nearest
types="F32 F16 Q8_0 Q4_0 Q4_1 Q4_Z Q3_Z GPTQ-Q4_Z GPTQ-Q3_Z"

for tool in quantize perplexity; do
    [ -x "$build/bin/$tool" ] || { echo "quality.sh: no $build/bin/$tool; build first" >&2; exit 1; }
done
for f in "$text" "$calib"; do
    [ -r "$f" ] || { echo "quality.sh: cannot read $f" >&2; exit 1; }
done
mkdir -p "$work"
chunks=""
[ -n "${CHUNKS:-}" ] && chunks="--chunks $CHUNKS"

# perplexity's options, the same for every model
ppl() {
    "$build/bin/perplexity" -f "$text" -c 512 -b 512 -t "$threads" $chunks "$@"
}

# Quantizes to one type and scores the result: F32 saves the reference
# log-probabilities, the others are compared with them.
measure() {
    type=$1
    log=$work/perplexity-$type.log
    if grep -q '^PPL' "$log" 2>/dev/null && { [ "$type" != F32 ] || [ -f "$work/base.logprobs" ]; }; then
        echo "== $type: measured already" >&2
        return 0
    fi
    echo "== $type" >&2
    case $type in
    GPTQ-*) how="${type#GPTQ-} --gptq --calib $calib --act-order" ;;
    *) how=$type ;;
    esac
    "$build/bin/quantize" "$model" "$work/stories260K-$type.gguf" $how -t "$threads" \
        > "$work/quantize-$type.log" 2>&1
    if [ "$type" = F32 ]; then
        rm -f "$work/base.logprobs"
        ppl -m "$work/stories260K-$type.gguf" --save-logits "$work/base.logprobs" > "$log" 2>&1
    else
        ppl -m "$work/stories260K-$type.gguf" --kl-divergence "$work/base.logprobs" > "$log" 2>&1
    fi
    echo "== $type: $(grep '^PPL' "$log")" >&2
}

measure F32
# The other types in JOBS groups, each measuring its types one after another.
pids=""
group=0
while [ "$group" -lt "$jobs" ]; do
    (
        i=0
        for type in $types; do
            [ "$type" != F32 ] && [ $((i % jobs)) -eq "$group" ] && measure "$type"
            [ "$type" != F32 ] && i=$((i + 1))
        done
        true
    ) &
    pids="$pids $!"
    group=$((group + 1))
done
for pid in $pids; do wait "$pid"; done

# One row per type from the logs, then the tensors that fell back to F16.
{
    echo "| type | file size (bytes) | bits per weight | PPL | KL divergence vs F32 | top token = F32's | tensors in F16 instead |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for type in $types; do
        q=$work/quantize-$type.log
        p=$work/perplexity-$type.log
        size=$(wc -c < "$work/stories260K-$type.gguf" | tr -d ' ')
        bpw=$(sed -n 's/.* -> \([0-9.]*\) bits per weight.*/\1/p' "$q")
        ppl_value=$(sed -n 's/^PPL = \(.*\)$/\1/p' "$p")
        n_fell_back=$(grep -c 'stored as F16 instead' "$q" || true)
        if [ "$type" = F32 ]; then
            kl="0 (the reference)"
            top="100 %"
        else
            kl=$(sed -n 's/^KL divergence: mean \([^,]*\),.*/\1/p' "$p")
            top=$(sed -n 's/^top token agreement: \(.*\) (.*/\1/p' "$p")
        fi
        echo "| $type | $size | $bpw | $ppl_value | $kl | $top | $n_fell_back |"
    done
    echo
    echo "Fell back to F16 (rows that do not fit the type's blocks):"
    echo
    for type in $types; do
        echo "- $type: $(sed -n 's/^fell back to F16: //p' "$work/quantize-$type.log")"
    done
} > "$work/quality.md"
cat "$work/quality.md"
