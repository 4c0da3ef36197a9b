// Packing of the project's integer-zero-point blocks (Q4_Z, Q3_Z and their
// 128-weight forms), for the code that chooses the levels itself: GPTQ's
// import and its quantizer.
#pragma once

#include "ggml.h"

#include <cstdint>

namespace quantize {

// Writes one block of one of them (value d * (q - z), d and z leading the
// block) at dst (ggml_type_size(type) bytes): its ggml_blck_size(type)
// levels q (0..2^bits - 1), the fp16 scale d (bits) and the
// zero z. Element j then decodes to (q[j] - z) * d.
void write_z_block(ggml_type type, ggml_fp16_t d, uint8_t z, const int *q, void *dst);

} // namespace quantize
