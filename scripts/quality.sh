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
#   CHUNKS=N   score only the first N chunks (default: all 1580; a full run
#              is one perplexity pass per type, minutes each)
#   TEXT=FILE  the text (default: ../shared/data/wikitext-2/wiki.test.raw)
#
# Not part of the test suite: it takes long. The table is printed and saved
# as WORK_DIR/quality.md; each tool's output is kept in WORK_DIR/*.log.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=${2:-$build/quality}
threads=${THREADS:-2}
text=${TEXT:-$root/../shared/data/wikitext-2/wiki.test.raw}
model=$root/models/stories260K.gguf
types="F32 F16 Q8_0 Q4_0 Q4_1 Q4_Z Q3_Z"

for tool in quantize perplexity; do
    [ -x "$build/bin/$tool" ] || { echo "quality.sh: no $build/bin/$tool; build first" >&2; exit 1; }
done
[ -r "$text" ] || { echo "quality.sh: cannot read $text" >&2; exit 1; }
mkdir -p "$work"
chunks=""
[ -n "${CHUNKS:-}" ] && chunks="--chunks $CHUNKS"

# perplexity's options, the same for every model
ppl() {
    "$build/bin/perplexity" -f "$text" -c 512 -b 512 -t "$threads" $chunks "$@"
}

for type in $types; do
    echo "== $type" >&2
    "$build/bin/quantize" "$model" "$work/stories260K-$type.gguf" "$type" -t "$threads" \
        > "$work/quantize-$type.log" 2>&1
    if [ "$type" = F32 ]; then
        # the reference: its log-probabilities are what the others are compared with
        rm -f "$work/base.logprobs"
        ppl -m "$work/stories260K-$type.gguf" --save-logits "$work/base.logprobs" \
            > "$work/perplexity-$type.log" 2>&1
    else
        ppl -m "$work/stories260K-$type.gguf" --kl-divergence "$work/base.logprobs" \
            > "$work/perplexity-$type.log" 2>&1
    fi
    grep '^PPL' "$work/perplexity-$type.log" >&2
done

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
