#!/usr/bin/env python3
"""Makes tests/data/quants/ from llama.cpp's quantizations of one model.

Reads DIR/tiny256-f32.gguf and DIR/tiny256-<TYPE>.gguf (the same model
quantized by llama-quantize --pure to each TYPE) and writes, for the F32
file and each TYPE, a small GGUF holding the first rows of two tensors
(blk.0.attn_q.weight, 256 wide, and blk.0.ffn_down.weight, 512 wide) exactly
as llama.cpp wrote them. Quantization works row by row, so the rows are what
llama.cpp makes of the same F32 rows. It also writes dequant-sha256.txt: per
TYPE and tensor, the sha256 of the float32 values that gguf-py (llama.cpp's
independent numpy implementation) decodes the blocks to.

usage: scripts/extract_quant_tensors.py DIR [OUT]   (OUT: tests/data/quants)
Needs `pip install gguf numpy`. Not part of the build or the tests.
"""
import hashlib
import os
import sys

import numpy as np
from gguf import GGUFReader, GGUFWriter
from gguf.quants import dequantize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
         "IQ4_NL", "IQ4_XS", "BF16"]
ROWS = {"blk.0.attn_q.weight": 128, "blk.0.ffn_down.weight": 64}


def first_rows(path):
    """The ROWS tensors of a file: name -> (type, the rows' data as stored)."""
    tensors = {t.name: t for t in GGUFReader(path).tensors}
    return {name: (tensors[name].tensor_type, np.array(tensors[name].data)[:rows])
            for name, rows in ROWS.items()}


def write(path, tensors, source):
    w = GGUFWriter(path, arch="llama")
    w.add_string("general.source", source)
    for name, (qtype, data) in tensors.items():
        w.add_tensor(name, data, raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "tests", "data", "quants")
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "tiny256-F32.gguf"), first_rows(os.path.join(src, "tiny256-f32.gguf")),
          "tiny256-f32.gguf")
    lines = []
    for type_name in TYPES:
        tensors = first_rows(os.path.join(src, f"tiny256-{type_name}.gguf"))
        write(os.path.join(out, f"tiny256-{type_name}.gguf"), tensors, f"tiny256-{type_name}.gguf")
        for name, (qtype, data) in tensors.items():
            floats = dequantize(data, qtype).astype(np.float32)
            lines.append(f"{type_name} {name} {hashlib.sha256(floats.tobytes()).hexdigest()}")
    with open(os.path.join(out, "dequant-sha256.txt"), "w") as f:
        f.write("# type, tensor, sha256 of gguf-py's float32 dequantization of the tensor in "
                "tiny256-<type>.gguf\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
