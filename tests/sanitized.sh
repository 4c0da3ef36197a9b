#!/bin/sh
# The code that takes untrusted input under AddressSanitizer and
# UndefinedBehaviorSanitizer (with float-cast-overflow): the readers of
# files (GGUF, safetensors, JSON, SentencePiece models, byte-level BPE
# vocabularies and tokenizer.json, importance matrices), the BPE tokenizer
# on random bytes, and the quantizers of arbitrary floats. Builds their
# tests with -DGGML_SANITIZE=ON in a build tree of its own and runs the
# malformed-input ones, so an out-of-bounds read or an undefined conversion
# that happens not to crash still fails. Debug (-O0): the build is the slow
# part, and -O0 compiles the kernels about twice as fast as -O1.
# usage: sanitized.sh SOURCE_DIR SCRATCH_BUILD_DIR
set -eu
src=$1 build=$2
cmake -S "$src" -B "$build" -DGGML_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j2 --target test_gguf test_hf_readers test_formats test_bpe_tokenizer \
    test_pretokenizer test_hf_convert test_imatrix >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build/tests/test_gguf" --gtest_brief=1 --gtest_filter='GgufMalformed.*:GgufReader.*'
"$build/tests/test_hf_readers" --gtest_brief=1 \
    --gtest_filter='Json.*:Safetensors.*:SentencePieceModel.*'
"$build/tests/test_formats" --gtest_brief=1 \
    --gtest_filter='FixedBlocks.*:Quantizers.*:Levels/Kernels.ActivationQuantizers*'
"$build/tests/test_bpe_tokenizer" --gtest_brief=1 \
    --gtest_filter='BpeVocab.*:BpeTokenizer.DecodeInvertsEncodeOnRandomBytes'
"$build/tests/test_pretokenizer" --gtest_brief=1
"$build/tests/test_hf_convert" --gtest_brief=1 \
    --gtest_filter='ConvertHfTokenizer.RefusesWhatItCannotConvertNamingTheProblem'
"$build/tests/test_imatrix" --gtest_brief=1 --gtest_filter='ImportanceMatrixFile.*'
