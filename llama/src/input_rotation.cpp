#include "input_rotation.h"

#include <random>

namespace llama {

int64_t rotation_block(int64_t n, int64_t max_block) {
    int64_t b = 1;
    while (b < max_block && n % (2 * b) == 0) b *= 2;
    return b;
}

std::vector<int32_t> rotation_signs(uint32_t seed, int il, layer_input input, int64_t n) {
    std::seed_seq seq{seed, uint32_t(il), uint32_t(input)};
    std::mt19937_64 bits(seq);
    std::vector<int32_t> signs(static_cast<size_t>(n));
    for (int32_t &s : signs) s = (bits() >> 63) ? -1 : 1;
    return signs;
}

} // namespace llama
