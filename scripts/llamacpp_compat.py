#!/usr/bin/env python3
"""Checks quantize's files of ggml's types against llama.cpp's own Python
package (gguf, from llama.cpp's gguf-py: `pip install gguf numpy`): its
reader opens them, sees llama.cpp's general.file_type and
general.quantization_version, and its reference quantizers give the same
bytes for every tensor.

usage: scripts/llamacpp_compat.py [BUILD_DIR]   (default: build)
Not part of the test suite: the project's build does not need Python.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from gguf import GGUFReader
from gguf.constants import GGMLQuantizationType
from gguf.quants import quantize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "stories260K.gguf")
# llama.cpp's llama_ftype ids of the types
FILE_TYPES = {"F32": 0, "F16": 1, "BF16": 32, "Q8_0": 7, "Q4_0": 2, "Q4_1": 3, "Q5_0": 8, "Q5_1": 9}


def field(reader, key):
    f = reader.fields[key]
    return f.parts[f.data[0]][0]


def check(tool, type_name, workdir):
    out = os.path.join(workdir, f"stories260K-{type_name}.gguf")
    subprocess.run([tool, MODEL, out, type_name], check=True, capture_output=True)
    source = {t.name: np.array(t.data, dtype=np.float32) for t in GGUFReader(MODEL).tensors}
    reader = GGUFReader(out)
    problems = []
    if field(reader, "general.file_type") != FILE_TYPES[type_name]:
        problems.append(f"general.file_type is {field(reader, 'general.file_type')}")
    if field(reader, "general.quantization_version") != 2:
        problems.append("general.quantization_version is not 2")
    for t in reader.tensors:
        x = source[t.name]
        if t.tensor_type == GGMLQuantizationType.F32:
            want = x.view(np.uint8).reshape(-1)
        else:
            want = quantize(x, t.tensor_type).view(np.uint8).reshape(-1)
        if not np.array_equal(np.array(t.data).view(np.uint8).reshape(-1), want):
            problems.append(f"{t.name} ({t.tensor_type.name}) differs from gguf-py's quantizer")
    types = sorted({t.tensor_type.name for t in reader.tensors})
    print(f"{type_name}: {len(reader.tensors)} tensors ({', '.join(types)}): "
          + ("; ".join(problems) if problems else "as llama.cpp's gguf-py reads and writes them"))
    return not problems


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    tool = os.path.join(build, "bin", "quantize")
    with tempfile.TemporaryDirectory() as workdir:
        ok = all([check(tool, t, workdir) for t in FILE_TYPES])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
