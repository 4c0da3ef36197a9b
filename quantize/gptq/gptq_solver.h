// GPTQ on one weight matrix (docs/formats.md section 5; Frantar et al., arXiv
// 2210.17323): the columns (inputs) are quantized one after another, and
// each one's rounding error is compensated by the columns not yet quantized,
// weighted by the inverse Hessian of the layer's calibration inputs.
#pragma once

#include "ggml.h"
#include "weight_quantizer.h"

#include <cstdint>
#include <vector>

namespace quantize {

// Whether GPTQ can quantize to type: the block formats whose levels are a
// line per element (formats/traits.h, element_levels): all but F32, F16,
// BF16 and IQ4_NL/IQ4_XS.
bool gptq_can_quantize(ggml_type type);
// Whether gptq_settings' group_size and symmetric apply to type (Q4_Z, Q3_Z:
// one (scale, zero) per group of blocks); the other types' groups are their
// blocks.
bool gptq_takes_groups(ggml_type type);

struct gptq_settings {
    ggml_type type = GGML_TYPE_Q4_Z; // one that gptq_can_quantize
    // Q4_Z and Q3_Z: inputs sharing a (scale, zero), a multiple of 32 or -1
    // for all; the other types' groups are their blocks
    int group_size = 32;
    bool act_order = false; // quantize the inputs in order of decreasing H_ii
    bool symmetric = false; // Q4_Z, Q3_Z: zero at the middle level (the reference code's sym)
    double damp = 0.01;     // added to H's diagonal, as a fraction of its mean (> 0)
};

struct gptq_matrix {
    // nrows rows of ggml_row_size(type, n_per_row) bytes, the inputs in the
    // order of input_perm; a group's blocks repeat its (scale, zero)
    std::vector<uint8_t> blocks;
    // stored column j multiplies input input_perm[j]; empty for the identity
    std::vector<int32_t> input_perm;
    // sum over the weights of (w - q)^2 / U_cc^2 / 2, the loss the reference
    // code reports, w being the weight after the updates from earlier columns
    double loss = 0.0;
    double damp = 0.0; // the damping used: settings.damp, or more if H needed it
};

// Quantizes w (rows = outputs, n_per_row = inputs, a multiple of 32) with
// the Hessian h = 2/N sum x x^T of the layer's N calibration inputs x
// (n_per_row x n_per_row, row-major, inputs in their original order).
// Inputs never active (H_ii = 0) get weight 0. Each group's block fields
// are chosen from the group's weights as they are when its first column is
// reached; then each column takes the level nearest to its weight. Q4_Z,
// Q3_Z: one (scale, zero) per group by the formats' search for the least
// squared error weighted by H_ii (formats/zero_point_fit.h; symmetric:
// scale 2 max|w| / levels rounded to fp16, zero the middle level); the
// other types: each block's fields (scales, minimums, a K-quant's
// super-block scales) by the type's own quantizer. The compensation uses
// exactly the values the blocks decode to; `values`, if given, receives
// them (nrows x n_per_row, in the stored order). Rows are
// split among n_threads; the result does not depend on n_threads. Throws
// std::runtime_error if h is not positive definite even with 10^5 times the
// damping.
gptq_matrix gptq_quantize(const float_rows &w, std::vector<double> h, const gptq_settings &s,
                          int n_threads, std::vector<float> *values = nullptr);

} // namespace quantize
