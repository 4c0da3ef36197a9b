// Rotated inputs (incoherence processing; quantize --rotate): a model whose
// metadata has llamaz.rotation.seed and llamaz.rotation.block stores every
// linear of its layers as W R, R = diag(s) H^T / sqrt(b) the block Hadamard
// rotation of ggml_hadamard, and the forward pass rotates the linear's input
// by R^T. The file holds only the seed, the largest block and (from
// llamaz.rotation.factor, 1 when absent) the largest Paley factor of a
// block: b and the signs s of each layer's inputs follow from them here, for
// the loader and the quantizer alike.
#pragma once

#include <cstdint>
#include <vector>

namespace llama {

// What the linears of a layer read: one rotation each.
enum class layer_input { attn, attn_output, ffn, ffn_down }; // q k v; o; gate up; down
constexpr int N_LAYER_INPUTS = 4;

// The block of the rotation of n inputs: the largest divisor of n, at most
// max_block, whose Paley factor (ggml_hadamard_factor) is at most
// max_factor. With max_factor 1 (files before the factors): the largest
// power of two that divides n, at most max_block (a power of two).
int64_t rotation_block(int64_t n, int64_t max_block, int64_t max_factor);

// The n signs (1 or -1) of `input` in layer il: from (seed, il, input) alone,
// by std::seed_seq and std::mt19937_64, the same numbers on every platform.
std::vector<int32_t> rotation_signs(uint32_t seed, int il, layer_input input, int64_t n);

} // namespace llama
