// Packing of the project's integer-zero-point blocks (Q4_Z, Q3_Z), for the
// code that chooses the levels itself: GPTQ's import and its quantizer.
#pragma once

#include "ggml.h"

#include <cstdint>

namespace quantize {

constexpr int64_t Z_BLOCK = 32; // weights per Q4_Z / Q3_Z block

// Writes one block of `type` (Q4_Z or Q3_Z) at dst (ggml_type_size(type)
// bytes): 32 levels q (0..15, or 0..7 for Q3_Z), the fp16 scale d (bits) and
// the zero z. Element j then decodes to (q[j] - z) * d.
void write_z_block(ggml_type type, ggml_fp16_t d, uint8_t z, const int *q, void *dst);

} // namespace quantize
