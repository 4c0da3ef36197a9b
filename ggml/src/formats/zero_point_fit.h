// The scale and zero point of one group of weights in the project's
// integer-zero-point formats (Q4_Z, Q3_Z, and GPTQ's groups of them): value
// d * (q - z), q in 0..maxq, z an integer in 0..maxq, d stored as fp16.
//
// The min/max rule (d = range / maxq, z = round(-min / d)) moves a group's
// extremes by up to half a step when it rounds z. Instead d and z are chosen
// by a small search that minimises the (optionally weighted) squared error
// sum_j w_j (x_j - d (q_j - z))^2, each q_j being the level nearest x_j, in
// the manner of llama.cpp's K-quant scale searches (make_qkx2_quants): a
// range of candidate scales around the min/max one, each with the zero
// point it implies and the least-squares scale for the levels it gives,
// then a refinement of the best zero point. Every candidate is scored with
// d rounded to fp16, as the block stores it, and the min/max rule's is one
// of them, so the result is never worse than that rule by this measure.
#pragma once

#include <cstdint>

namespace ggml {

struct zero_point_grid {
    uint16_t d; // fp16 bits, >= 0
    int z;      // 0..maxq
};

// Chooses d and z for the n weights x (NaN counts as 0) with importance w (n values
// >= 0, or null for all 1) and writes each weight's level q (0..maxq). An
// all-zero group gets d = 0, z = 0 and every q = 0.
zero_point_grid fit_zero_point(const float *x, const float *w, int n, int maxq, uint8_t *q);

} // namespace ggml
