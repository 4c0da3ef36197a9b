#include "checkpoints/z_blocks.h"

#include "q3/blocks.h"
#include "q4/blocks.h"

#include <cstring>

namespace quantize {

void write_z_block(ggml_type type, ggml_fp16_t d, uint8_t z, const int *q, void *dst) {
    if (type == GGML_TYPE_Q4_Z) {
        ggml::block_q4_z blk{};
        blk.d = d;
        blk.z = z;
        for (int i = 0; i < Z_BLOCK / 2; i++) blk.qs[i] = uint8_t(q[i] | (q[i + Z_BLOCK / 2] << 4));
        std::memcpy(dst, &blk, sizeof blk);
    } else {
        ggml::block_q3_z blk{};
        blk.d = d;
        blk.z = z;
        for (int j = 0; j < Z_BLOCK; j++) {
            blk.ql[j % 8] |= uint8_t((q[j] & 3) << (2 * (j / 8)));
            blk.qh[j / 8] |= uint8_t((q[j] >> 2) << (j % 8));
        }
        std::memcpy(dst, &blk, sizeof blk);
    }
}

} // namespace quantize
