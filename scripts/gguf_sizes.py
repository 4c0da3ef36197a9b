#!/usr/bin/env python3
"""Prints what the weights of GGUF model files cost: the file's bytes, the
bits per weight of the linear layers (the 2-D tensors of the transformer
blocks, blk.*), and the tensor types there, so that files of this project's
quantize and of llama.cpp's llama-quantize compare on the same terms.

usage: scripts/gguf_sizes.py MODEL.gguf...
One line per file, tab-separated: path, file bytes, linear-layer bits per
weight, linear-layer types ("Q4_Z=180,Q8_0=30"). Reads the GGUF header itself
(docs/formats.md section 3), so it needs no package.
"""
import struct
import sys

# ggml type id: (name, elements per block, bytes per block)
TYPES = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292),
    20: ("IQ4_NL", 32, 18), 23: ("IQ4_XS", 256, 136), 26: ("I32", 1, 4), 30: ("BF16", 1, 2),
    1024: ("Q4_Z", 32, 19), 1025: ("Q3_Z", 32, 15),
    1026: ("Q4_Z128", 128, 67), 1027: ("Q3_Z128", 128, 51), 1028: ("Q2_Z", 32, 11),
    1029: ("Q2_Z128", 128, 35),
}
# GGUF value type: struct format of a scalar (8 = string, 9 = array)
SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
           12: "d"}


class Reader:
    def __init__(self, f):
        self.f = f

    def unpack(self, fmt):
        fmt = "<" + fmt
        return struct.unpack(fmt, self.f.read(struct.calcsize(fmt)))

    def string(self):
        (n,) = self.unpack("Q")
        return self.f.read(n).decode("utf-8", "replace")

    def skip_value(self, vtype):
        if vtype == 8:
            self.string()
        elif vtype == 9:
            etype, count = self.unpack("IQ")
            for _ in range(count):
                self.skip_value(etype)
        else:
            self.unpack(SCALARS[vtype])


def sizes(path):
    with open(path, "rb") as f:
        r = Reader(f)
        magic, _version, n_tensors, n_kv = r.unpack("4sIQQ")
        if magic != b"GGUF":
            raise SystemExit(f"{path}: not a GGUF file")
        for _ in range(n_kv):
            r.string()
            (vtype,) = r.unpack("I")
            r.skip_value(vtype)
        bits = weights = 0
        counts = {}
        for _ in range(n_tensors):
            name = r.string()
            (n_dims,) = r.unpack("I")
            ne = r.unpack("Q" * n_dims)
            ttype, _offset = r.unpack("IQ")
            if not (name.startswith("blk.") and n_dims == 2):
                continue
            if ttype not in TYPES:
                raise SystemExit(f"{path}: tensor {name} has type {ttype}, unknown here")
            tname, block, size = TYPES[ttype]
            n = ne[0] * ne[1]
            weights += n
            bits += 8 * size * n // block
            counts[tname] = counts.get(tname, 0) + 1
        f.seek(0, 2)
        types = ",".join(f"{t}={c}" for t, c in sorted(counts.items()))
        return f.tell(), bits / weights if weights else 0.0, types


for p in sys.argv[1:]:
    file_bytes, bpw, types = sizes(p)
    print(f"{p}\t{file_bytes}\t{bpw:.3f}\t{types}")
