#!/usr/bin/env python3
"""Writes tests/data/quants/stories260K-presets.txt: what llama.cpp's
llama-quantize makes of models/stories260K.gguf under each preset quantize
offers (llama.cpp's), as the tests' oracle. Per preset a line
`[PRESET] sha256-of-the-file`, then `tensor TYPE` per tensor in file order.

usage: scripts/llama_quantize_presets.py LLAMA_QUANTIZE [OUT]
Needs llama.cpp's llama-quantize (LD_LIBRARY_PATH set for its libraries if
it needs them) and `pip install gguf`. Not part of the build or the tests.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

from gguf import GGUFReader

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "stories260K.gguf")
PRESETS = ["F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_M",
           "Q4_K_S", "Q4_1", "Q4_0", "IQ4_NL", "IQ4_XS", "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K"]


def main():
    tool = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "tests", "data", "quants",
                                                             "stories260K-presets.txt")
    lines = ["# llama-quantize models/stories260K.gguf OUT PRESET: sha256 of OUT, then each "
             "tensor's type"]
    with tempfile.TemporaryDirectory() as tmp:
        for preset in PRESETS:
            path = os.path.join(tmp, preset + ".gguf")
            subprocess.run([tool, MODEL, path, preset, "1"], check=True, capture_output=True)
            with open(path, "rb") as f:
                lines.append(f"[{preset}] {hashlib.sha256(f.read()).hexdigest()}")
            for t in GGUFReader(path).tensors:
                lines.append(f"{t.name} {t.tensor_type.name}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
