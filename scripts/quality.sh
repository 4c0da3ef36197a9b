#!/bin/sh
# Regenerates the tables of docs/quality.md: a model quantized in several
# ways, each scored on a text at context 512 (perplexity) and compared with
# the F32 model (KL divergence, top-token agreement), optionally next to
# llama.cpp's presets made from the same F32 file.
#
# usage: scripts/quality.sh [BUILD_DIR [WORK_DIR]]
#   BUILD_DIR  where bin/quantize, bin/imatrix and bin/perplexity are (default: build)
#   WORK_DIR   models, logs and the table go here (default: BUILD_DIR/quality)
# environment (the defaults read only files of the repository):
#   MODEL=FILE  the F32 model (default: models/stories260K.gguf)
#   TEXT=FILE   the text scored (default: tests/data/wikitext-2/wiki.test.raw)
#   CALIB=FILE  calibration text of GPTQ and of the importance matrices
#               (default: tests/data/wikitext-2/wiki.valid.head.tokens; never
#               the text scored)
#   ROWS="..."  what to measure, in order (default: the stories260K table's):
#                 TYPE       quantize MODEL to TYPE
#                 TYPE+im    the same with --imatrix, our importance matrix
#                            of MODEL from CALIB (imatrix, IM_CHUNKS chunks)
#                 GPTQ-TYPE  quantize --gptq from CALIB (GPTQ_ARGS)
#                 base-TYPE  quantize MODEL to TYPE with BASELINE's quantize
#                 lcpp-P     llama.cpp's preset P (llama-quantize MODEL P)
#                 lcpp-P+im  the same with llama.cpp's importance matrix of
#                            MODEL from CALIB (llama-imatrix, IM_CHUNKS chunks)
#               F32 (the reference) is always measured first.
#   LLAMA_CPP=DIR  llama.cpp's bin folder (llama-quantize, llama-imatrix,
#               llama-perplexity), for the lcpp- rows; their
#               scores are llama-perplexity's against the F32 model's
#               log-probabilities as it saves them (--kl-divergence-base)
#   BASELINE=DIR   the bin folder of another build (an earlier commit's), for
#               the base- rows: its quantize, scored by this build's perplexity
#   THREADS=N   threads of each tool (default: 2)
#   JOBS=N      rows measured at once after F32 (default: 1). On a busy
#               machine JOBS=2 THREADS=1 does more per second than one job of
#               2 threads, whose threads wait for each other after every op.
#   CHUNKS=N    score only the first N chunks of 512 tokens (default: all)
#   IM_CHUNKS=N chunks of 512 tokens of CALIB for the importance matrices
#               (default: 64)
#   GPTQ_ARGS   GPTQ's options besides --calib (default: --act-order)
#
# Not part of the test suite: it takes long. The table is printed and saved
# as WORK_DIR/quality.md; each tool's output is kept in WORK_DIR/*.log.
# Running it again resumes: a row whose perplexity log is complete is not
# measured again (remove WORK_DIR, or a row's log, to measure it anew).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=${2:-$build/quality}
threads=${THREADS:-2}
jobs=${JOBS:-1}
model=${MODEL:-$root/models/stories260K.gguf}
text=${TEXT:-$root/tests/data/wikitext-2/wiki.test.raw}
calib=${CALIB:-$root/tests/data/wikitext-2/wiki.valid.head.tokens}
rows=${ROWS:-"F16 Q8_0 Q4_0 Q4_1 Q4_Z Q4_Z+im Q3_Z Q3_Z+im GPTQ-Q4_Z GPTQ-Q3_Z"}
im_chunks=${IM_CHUNKS:-64}
gptq_args=${GPTQ_ARGS:---act-order}
lcpp=${LLAMA_CPP:-}
baseline=${BASELINE:-}

for tool in quantize imatrix perplexity; do
    [ -x "$build/bin/$tool" ] || { echo "quality.sh: no $build/bin/$tool; build first" >&2; exit 1; }
done
for f in "$model" "$text" "$calib"; do
    [ -r "$f" ] || { echo "quality.sh: cannot read $f" >&2; exit 1; }
done
case " $rows " in
*" lcpp-"*)
    for tool in llama-quantize llama-imatrix llama-perplexity; do
        [ -x "$lcpp/$tool" ] || { echo "quality.sh: no $lcpp/$tool (set LLAMA_CPP)" >&2; exit 1; }
    done
    ;;
esac
case " $rows " in *" base-"*)
    [ -x "$baseline/quantize" ] || { echo "quality.sh: no $baseline/quantize (set BASELINE)" >&2; exit 1; } ;;
esac
mkdir -p "$work"
chunks=""
[ -n "${CHUNKS:-}" ] && chunks="--chunks $CHUNKS"
name=$(basename "$model" .gguf)

# perplexity's options, the same for every model
ppl() {
    "$build/bin/perplexity" -f "$text" -c 512 -b 512 -t "$threads" $chunks "$@"
}
lcpp_ppl() {
    "$lcpp/llama-perplexity" -f "$text" -c 512 -b 512 -t "$threads" $chunks "$@"
}

# Our importance matrix and llama.cpp's (made once, by the first row that
# needs it: rows measured at once wait for it under a lock folder). Sets
# only $im (sh has no local variables; measure's $out must survive).
importance() {
    im=$1
    shift
    until mkdir "$im.lock" 2>/dev/null; do sleep 5; done
    if [ ! -f "$im" ] &&
        ! "$@" -f "$calib" -o "$im" -c 512 --chunks "$im_chunks" -t "$threads" > "$im.log" 2>&1; then
        rmdir "$im.lock"
        echo "quality.sh: $* failed, see $im.log" >&2
        exit 1
    fi
    rmdir "$im.lock"
}
our_imatrix() { importance "$work/imatrix.gguf" "$build/bin/imatrix" -m "$model"; }
lcpp_imatrix() { importance "$work/lcpp-imatrix.gguf" "$lcpp/llama-imatrix" -m "$model" --no-ppl; }

# Makes one row's model and scores it: F32 saves the reference
# log-probabilities (both tools' when llama.cpp is used), the others are
# compared with them.
measure() {
    row=$1
    log=$work/perplexity-$row.log
    out=$work/$name-$row.gguf
    if grep -q '^PPL\|^Mean PPL(Q)' "$log" 2>/dev/null && { [ "$row" != F32 ] ||
        { [ -f "$work/base.logprobs" ] && { [ -z "$lcpp" ] || [ -f "$work/lcpp-base.kld" ]; }; }; }; then
        echo "== $row: measured already" >&2
        return 0
    fi
    echo "== $row" >&2
    q=$work/quantize-$row.log
    case $row in
    lcpp-*)
        preset=${row#lcpp-}
        im=""
        case $preset in *+im)
            lcpp_imatrix
            preset=${preset%+im}
            im="--imatrix $work/lcpp-imatrix.gguf"
            ;;
        esac
        "$lcpp/llama-quantize" $im "$model" "$out" "$preset" "$threads" > "$q" 2>&1
        lcpp_ppl -m "$out" --kl-divergence-base "$work/lcpp-base.kld" --kl-divergence > "$log" 2>&1
        ;;
    base-*)
        "$baseline/quantize" "$model" "$out" "${row#base-}" -t "$threads" > "$q" 2>&1
        ppl -m "$out" --kl-divergence "$work/base.logprobs" > "$log" 2>&1
        ;;
    *)
        case $row in
        GPTQ-*) how="${row#GPTQ-} --gptq --calib $calib $gptq_args" ;;
        *+im)
            our_imatrix
            how="${row%+im} --imatrix $work/imatrix.gguf"
            ;;
        *) how=$row ;;
        esac
        "$build/bin/quantize" "$model" "$out" $how -t "$threads" > "$q" 2>&1
        if [ "$row" = F32 ]; then
            rm -f "$work/base.logprobs"
            ppl -m "$out" --save-logits "$work/base.logprobs" > "$log" 2>&1
            if [ -n "$lcpp" ]; then
                rm -f "$work/lcpp-base.kld"
                lcpp_ppl -m "$model" --kl-divergence-base "$work/lcpp-base.kld" \
                    > "$work/perplexity-lcpp-F32.log" 2>&1
            fi
        else
            ppl -m "$out" --kl-divergence "$work/base.logprobs" > "$log" 2>&1
        fi
        ;;
    esac
    echo "== $row: $(grep '^PPL\|^Mean PPL(Q)' "$log")" >&2
}

measure F32
# The other rows in JOBS groups, each measuring its rows one after another.
pids=""
group=0
while [ "$group" -lt "$jobs" ]; do
    (
        i=0
        for row in $rows; do
            [ $((i % jobs)) -eq "$group" ] && measure "$row"
            i=$((i + 1))
        done
        true
    ) &
    pids="$pids $!"
    group=$((group + 1))
done
for pid in $pids; do wait "$pid"; done

# One table row per row from the logs: the scores of our perplexity
# ("PPL = ...", "KL divergence: mean ...", "top token agreement: ...") or
# llama-perplexity's ("Mean PPL(Q)", "Mean KLD", "Same top p").
{
    echo "| row | linear layers: bits per weight | file size (bytes) | PPL | KL divergence vs F32 | top token = F32's | linear layers: types |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for row in F32 $rows; do
        p=$work/perplexity-$row.log
        sizes=$(python3 "$root/scripts/gguf_sizes.py" "$work/$name-$row.gguf")
        size=$(echo "$sizes" | cut -f2)
        bpw=$(echo "$sizes" | cut -f3)
        types=$(echo "$sizes" | cut -f4 | sed 's/,/, /g')
        case $row in
        lcpp-*)
            ppl_value=$(sed -n 's/^Mean PPL(Q) *: *\([^ ]*\) ± *\([^ ]*\).*/\1 ± \2/p' "$p")
            kl=$(sed -n 's/^Mean *KLD: *\([^ ]*\) ± *\([^ ]*\).*/\1 ± \2/p' "$p")
            top=$(sed -n 's/^Same top p: *\([^ ]*\) ± *\([^ ]*\) %.*/\1 % ± \2 %/p' "$p")
            ;;
        *)
            ppl_value=$(sed -n 's/^PPL = \(.*\)$/\1/p' "$p")
            kl=$(sed -n 's/^KL divergence: mean \([^,]*\),.*/\1/p' "$p")
            top=$(sed -n 's/^top token agreement: \(.*\) (.*/\1/p' "$p")
            ;;
        esac
        [ "$row" = F32 ] && kl="0 (the reference)" && top="100 %"
        echo "| $row | $bpw | $size | $ppl_value | $kl | $top | $types |"
    done
} > "$work/quality.md"
cat "$work/quality.md"
