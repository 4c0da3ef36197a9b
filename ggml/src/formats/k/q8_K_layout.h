// Q8_K, the super-block formats' activation block, as their SIMD codecs
// read it (k/x86_codecs.h, k/neon_k.h): its size, where its quants and
// bsums lie, and its act_meta. Include after the level's common header,
// which defines act_meta and GGML_FORCE_INLINE. Internal linkage only.
#pragma once

#include "k/blocks.h"

#include <cstddef>
#include <cstring>

namespace {

constexpr size_t Q8K_SIZE = sizeof(ggml::block_q8_K);
constexpr int Q8K_QS = offsetof(ggml::block_q8_K, qs),
              Q8K_BSUMS = offsetof(ggml::block_q8_K, bsums);

GGML_FORCE_INLINE act_meta q8_K_act(const char *yb) {
    float d;
    std::memcpy(&d, yb + offsetof(ggml::block_q8_K, d), sizeof d);
    return {d, 0.0f};
}

} // namespace
