#include "checkpoints/z_blocks.h"

#include "q2/blocks.h"
#include "q3/blocks.h"
#include "q4/blocks.h"
#include "traits.h"

#include <cstddef>
#include <cstring>

namespace quantize {

namespace {

// d then z lead every block of these types
static_assert(offsetof(ggml::block_q4_z, z) == 2 && offsetof(ggml::block_q3_z, z) == 2 &&
              offsetof(ggml::block_q4_z128, z) == 2 && offsetof(ggml::block_q3_z128, z) == 2 &&
              offsetof(ggml::block_q2_z, z) == 2 && offsetof(ggml::block_q2_z128, z) == 2);

} // namespace

void write_z_block(ggml_type type, ggml_fp16_t d, uint8_t z, const int *q, void *dst) {
    const ggml::format_traits &t = ggml::traits_of(type);
    auto *block = static_cast<uint8_t *>(dst);
    std::memset(block, 0, t.type_size);
    std::memcpy(block, &d, sizeof d);
    block[2] = z;
    for (int64_t j = 0; j < t.blck_size; j++) t.levels.set(block, j, q[j]);
}

} // namespace quantize
