#!/usr/bin/env python3
"""Writes an F32 llama GGUF with random weights at one of bench's shapes, so
that this project's `bench -m` and llama.cpp's `llama-bench` can time the
very same file (quantize it with either program's quantizer first).

usage: scripts/random-gguf.py SHAPE OUT.gguf   (SHAPE: 15M, 110M, 400M, 1.1B)

Needs gguf-py (`pip install gguf numpy`). The vocabulary is Llama 2's, read
from tests/data/gguf/ggml-vocab-llama-spm.gguf. Weights are normal with
standard deviation 0.02 (norms 1): their values do not matter to speed.
"""
import sys
from pathlib import Path

import numpy as np
import gguf

# name: (dim, layers, heads, kv heads, ffn, context)
SHAPES = {
    "15M": (288, 6, 6, 6, 768, 256),
    "110M": (768, 12, 12, 12, 2048, 1024),
    "400M": (1024, 24, 16, 16, 2816, 2048),
    "1.1B": (2048, 22, 32, 4, 5632, 2048),
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES:
        sys.exit(__doc__)
    dim, n_layer, n_head, n_kv, ffn, ctx = SHAPES[sys.argv[1]]
    vocab_file = Path(__file__).resolve().parent.parent / "tests/data/gguf/ggml-vocab-llama-spm.gguf"
    vocab = gguf.GGUFReader(vocab_file)
    tokens = [bytes(vocab.fields["tokenizer.ggml.tokens"].parts[i]) for i in vocab.fields["tokenizer.ggml.tokens"].data]
    scores = [float(vocab.fields["tokenizer.ggml.scores"].parts[i][0]) for i in vocab.fields["tokenizer.ggml.scores"].data]
    types = [int(vocab.fields["tokenizer.ggml.token_type"].parts[i][0]) for i in vocab.fields["tokenizer.ggml.token_type"].data]
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(sys.argv[2], "llama")
    w.add_name(f"random llama {sys.argv[1]}")
    w.add_context_length(ctx)
    w.add_embedding_length(dim)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(ffn)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_dimension_count(dim // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(0)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)

    rng = np.random.default_rng(0)
    kv_dim = dim // n_head * n_kv

    def matrix(name, n_in, n_out):
        w.add_tensor(name, (rng.standard_normal((n_out, n_in), dtype=np.float32) * 0.02))

    def norm(name):
        w.add_tensor(name, np.ones(dim, dtype=np.float32))

    matrix("token_embd.weight", dim, n_vocab)
    norm("output_norm.weight")
    matrix("output.weight", dim, n_vocab)
    for i in range(n_layer):
        p = f"blk.{i}."
        norm(p + "attn_norm.weight")
        matrix(p + "attn_q.weight", dim, dim)
        matrix(p + "attn_k.weight", dim, kv_dim)
        matrix(p + "attn_v.weight", dim, kv_dim)
        matrix(p + "attn_output.weight", dim, dim)
        norm(p + "ffn_norm.weight")
        matrix(p + "ffn_gate.weight", dim, ffn)
        matrix(p + "ffn_up.weight", dim, ffn)
        matrix(p + "ffn_down.weight", ffn, dim)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
