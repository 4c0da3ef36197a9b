#include "input_rotation.h"

#include "ggml.h"

#include <random>

namespace llama {

int64_t rotation_block(int64_t n, int64_t max_block, int64_t max_factor) {
    for (int64_t b = n < max_block ? n : max_block; b > 1; b--) {
        if (n % b != 0) continue;
        const int64_t m = ggml_hadamard_factor(b);
        if (m > 0 && m <= max_factor) return b;
    }
    return 1;
}

std::vector<int32_t> rotation_signs(uint32_t seed, int il, layer_input input, int64_t n) {
    std::seed_seq seq{seed, uint32_t(il), uint32_t(input)};
    std::mt19937_64 bits(seq);
    std::vector<int32_t> signs(static_cast<size_t>(n));
    for (int32_t &s : signs) s = (bits() >> 63) ? -1 : 1;
    return signs;
}

} // namespace llama
