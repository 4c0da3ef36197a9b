// The K-quants' reference quantizers, byte-identical with ggml's
// quantize_row_q{2..6}_K_ref and quantize_row_q8_K_ref (what llama-quantize
// runs without an importance matrix); Q4_K, Q5_K and Q6_K also with an
// importance per element in place of the searches' own weights (ours, not
// llama.cpp's importance-weighted quantizers). Each super-block: a scale search per
// sub-block (scale_search.h), the sub-block scales quantized against the
// largest one, then every weight rounded again with the scales as stored,
// since those are what dequantization will use.
#include "k/blocks.h"
#include "k/scale_search.h"

#include "fp16.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ggml {

namespace {

// 2-bit levels in Q2_K's and Q3_K's order: byte 32 h + l holds elements
// 128 h + l + 32 k in bits 2k, 2k + 1.
void pack_crumbs(const uint8_t L[QK_K], uint8_t qs[QK_K / 4]) {
    for (int h = 0; h < QK_K / 128; h++)
        for (int l = 0; l < 32; l++) {
            const uint8_t *e = L + 128 * h + l;
            qs[32 * h + l] = uint8_t(e[0] | e[32] << 2 | e[64] << 4 | e[96] << 6);
        }
}

// 4-bit levels in Q4_K's and Q5_K's order: byte 32 c + l holds element
// 64 c + l in its low nibble and 64 c + 32 + l in its high one.
void pack_nibbles(const uint8_t L[QK_K], uint8_t qs[QK_K / 2]) {
    for (int c = 0; c < QK_K / 64; c++)
        for (int l = 0; l < 32; l++)
            qs[32 * c + l] = uint8_t((L[64 * c + l] & 15) | (L[64 * c + 32 + l] & 15) << 4);
}

// Q4_K's and Q5_K's 6-bit scales and mins of 8 sub-blocks in 12 bytes:
// sub-blocks 0..3 in the low 6 bits of bytes 0..3 (scale) and 4..7 (min);
// 4..7 in the nibbles of bytes 8..11 (scale low, min high) with their top
// two bits in the top bits of bytes 0..3 (scale) and 4..7 (min).
void pack_scales_mins(const uint8_t sc[8], const uint8_t m[8], uint8_t out[12]) {
    for (int j = 0; j < 8; j++) {
        if (j < 4) {
            out[j] = sc[j];
            out[j + 4] = m[j];
        } else {
            out[j + 4] = uint8_t((sc[j] & 15) | (m[j] & 15) << 4);
            out[j - 4] |= uint8_t((sc[j] >> 4) << 6);
            out[j] |= uint8_t((m[j] >> 4) << 6);
        }
    }
}

// Q2_K's, Q4_K's and Q5_K's last step: each weight rounded to the level
// that the stored scale d (fp16 of the super-block times the sub-block's)
// and min dm give, clamped to 0..nmax. A sub-block whose stored scale is 0
// keeps the levels its search chose.
void requantize_with_min(const float *x, int n, float d, float dm, int nmax, uint8_t *L) {
    if (d == 0.0f) return;
    for (int i = 0; i < n; i++)
        L[i] = uint8_t(std::max(0, std::min(nmax, nearest_int((x[i] + dm) / d))));
}

// Q3_K's and Q6_K's last step: each weight's level for the stored scale d,
// clamped to lo .. -lo - 1 and stored as level - lo. A sub-block whose
// stored scale is 0 keeps the levels its search chose.
void requantize_symmetric(const float *x, int n, float d, int lo, int8_t *L) {
    if (d == 0.0f) return;
    for (int i = 0; i < n; i++)
        L[i] = int8_t(std::max(lo, std::min(-lo - 1, nearest_int(x[i] / d))) - lo);
}

// Q4_K and Q5_K: sub-blocks of 32 with a scale and a min each, searched
// with weights |x| + rms(x) (or the importance imp, where given) over nmax +
// rmin + 0.1 k levels.
void quantize_super_block_scale_min(const float *x, const float *imp, int nmax, float rmin,
                                    int nstep, uint16_t *d16, uint16_t *dmin16, uint8_t packed[12],
                                    uint8_t L[QK_K]) {
    float scales[QK_K / 32], mins[QK_K / 32], weights[32];
    uint8_t Laux[32];
    float max_scale = 0.0f, max_min = 0.0f; // scales are positive: the min is subtracted
    for (int j = 0; j < QK_K / 32; j++) {
        const float *xb = x + 32 * j;
        float sum_x2 = 0.0f;
        for (int l = 0; l < 32; l++) sum_x2 += xb[l] * xb[l];
        const float av_x = std::sqrt(sum_x2 / 32.0f);
        for (int l = 0; l < 32; l++) weights[l] = imp ? imp[32 * j + l] : av_x + std::fabs(xb[l]);
        scales[j] = min_scale_search(32, nmax, xb, weights, L + 32 * j, &mins[j], Laux, rmin, 0.1f,
                                     nstep, false);
        max_scale = std::max(max_scale, scales[j]);
        max_min = std::max(max_min, mins[j]);
    }
    const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
    uint8_t sc[8], m[8];
    for (int j = 0; j < QK_K / 32; j++) {
        // as ggml: into uint8 first (a negative scale wraps, then clamps to 63)
        sc[j] = std::min<uint8_t>(63, uint8_t(nearest_int(inv_scale * scales[j])));
        m[j] = std::min<uint8_t>(63, uint8_t(nearest_int(inv_min * mins[j])));
    }
    pack_scales_mins(sc, m, packed);
    *d16 = fp32_to_fp16(max_scale / 63.0f);
    *dmin16 = fp32_to_fp16(max_min / 63.0f);
    const float d = fp16_to_fp32(*d16), dmin = fp16_to_fp32(*dmin16);
    for (int j = 0; j < QK_K / 32; j++)
        requantize_with_min(x + 32 * j, 32, d * float(sc[j]), dmin * float(m[j]), nmax, L + 32 * j);
}

} // namespace

void quantize_row_q2_K_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q2_K *>(vy);
    constexpr float q4scale = 15.0f; // scales and mins are 4 bits
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        uint8_t L[QK_K], Laux[16];
        float weights[16], scales[QK_K / 16], mins[QK_K / 16];
        float max_scale = 0.0f, max_min = 0.0f;
        for (int j = 0; j < QK_K / 16; j++) {
            for (int l = 0; l < 16; l++) weights[l] = std::fabs(x[16 * j + l]);
            scales[j] = min_scale_search(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux,
                                         -0.5f, 0.1f, 15, true);
            max_scale = std::max(max_scale, scales[j]);
            max_min = std::max(max_min, mins[j]);
        }
        block_q2_K &blk = y[b];
        if (max_scale > 0.0f) {
            const float iscale = q4scale / max_scale;
            for (int j = 0; j < QK_K / 16; j++)
                blk.scales[j] = uint8_t(nearest_int(iscale * scales[j]));
            blk.d = fp32_to_fp16(max_scale / q4scale);
        } else {
            std::memset(blk.scales, 0, sizeof blk.scales);
            blk.d = fp32_to_fp16(0.0f);
        }
        if (max_min > 0.0f) {
            const float iscale = q4scale / max_min;
            for (int j = 0; j < QK_K / 16; j++)
                blk.scales[j] |= uint8_t(nearest_int(iscale * mins[j]) << 4);
            blk.dmin = fp32_to_fp16(max_min / q4scale);
        } else {
            blk.dmin = fp32_to_fp16(0.0f);
        }
        const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
        for (int j = 0; j < QK_K / 16; j++)
            requantize_with_min(x + 16 * j, 16, d * float(blk.scales[j] & 15),
                                dmin * float(blk.scales[j] >> 4), 3, L + 16 * j);
        pack_crumbs(L, blk.qs);
    }
}

void quantize_row_q3_K_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q3_K *>(vy);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        int8_t L[QK_K];
        float scales[QK_K / 16];
        for (int j = 0; j < QK_K / 16; j++)
            scales[j] = q3_scale_search(16, 4, x + 16 * j, L + 16 * j);
        // the scale of largest magnitude, with its sign, maps to -32
        const float max_scale = signed_max(QK_K / 16, scales);
        block_q3_K &blk = y[b];
        std::memset(blk.scales, 0, sizeof blk.scales);
        int8_t sc[QK_K / 16] = {}; // s_j - 32, as stored
        if (max_scale != 0.0f) {
            const float iscale = -32.0f / max_scale;
            for (int j = 0; j < QK_K / 16; j++) {
                const int l = std::max(-32, std::min(31, nearest_int(iscale * scales[j]))) + 32;
                // 6 bits: low nibble in byte j (j < 8) or the high nibble of
                // byte j - 8; the top two in byte 8 + j % 4 at bit 2 (j / 4)
                if (j < 8)
                    blk.scales[j] = uint8_t(l & 15);
                else
                    blk.scales[j - 8] |= uint8_t((l & 15) << 4);
                blk.scales[8 + j % 4] |= uint8_t((l >> 4) << (2 * (j / 4)));
                sc[j] = int8_t(l - 32);
            }
            blk.d = fp32_to_fp16(1.0f / iscale);
        } else {
            blk.d = fp32_to_fp16(0.0f);
        }
        const float d_all = fp16_to_fp32(blk.d);
        for (int j = 0; j < QK_K / 16; j++)
            requantize_symmetric(x + 16 * j, 16, d_all * float(sc[j]), -4, L + 16 * j);
        // the high bit of element e in bit e / 32 of hmask[e % 32]
        std::memset(blk.hmask, 0, sizeof blk.hmask);
        uint8_t low[QK_K];
        for (int e = 0; e < QK_K; e++) {
            if (L[e] > 3) blk.hmask[e % 32] |= uint8_t(1 << (e / 32));
            low[e] = uint8_t(L[e] & 3);
        }
        pack_crumbs(low, blk.qs);
    }
}

void quantize_row_q4_K_ref(const float *x, void *y, int64_t n) {
    quantize_row_q4_K_weighted(x, y, n, nullptr);
}

void quantize_row_q4_K_weighted(const float *x, void *vy, int64_t n, const float *w) {
    auto *y = static_cast<block_q4_K *>(vy);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        uint8_t L[QK_K];
        quantize_super_block_scale_min(x, w ? w + b * QK_K : nullptr, 15, -1.0f, 20, &y[b].d,
                                       &y[b].dmin, y[b].scales, L);
        pack_nibbles(L, y[b].qs);
    }
}

void quantize_row_q5_K_ref(const float *x, void *y, int64_t n) {
    quantize_row_q5_K_weighted(x, y, n, nullptr);
}

void quantize_row_q5_K_weighted(const float *x, void *vy, int64_t n, const float *w) {
    auto *y = static_cast<block_q5_K *>(vy);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        uint8_t L[QK_K];
        quantize_super_block_scale_min(x, w ? w + b * QK_K : nullptr, 31, -0.5f, 15, &y[b].d,
                                       &y[b].dmin, y[b].scales, L);
        pack_nibbles(L, y[b].qs);
        // the fifth bit of element e in bit e / 32 of qh[e % 32]
        std::memset(y[b].qh, 0, sizeof y[b].qh);
        for (int e = 0; e < QK_K; e++)
            if (L[e] > 15) y[b].qh[e % 32] |= uint8_t(1 << (e / 32));
    }
}

void quantize_row_q6_K_ref(const float *x, void *y, int64_t n) {
    quantize_row_q6_K_weighted(x, y, n, nullptr);
}

void quantize_row_q6_K_weighted(const float *x, void *vy, int64_t n, const float *w) {
    auto *y = static_cast<block_q6_K *>(vy);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        int8_t L[QK_K];
        float scales[QK_K / 16];
        for (int j = 0; j < QK_K / 16; j++)
            scales[j] = symmetric_scale_search(16, 32, x + 16 * j, L + 16 * j,
                                               w ? w + b * QK_K + 16 * j : nullptr);
        float max_abs_scale;
        const float max_scale = signed_max(QK_K / 16, scales, &max_abs_scale);
        block_q6_K &blk = y[b];
        if (max_abs_scale < GROUP_MAX_EPS) {
            std::memset(&blk, 0, sizeof blk);
            continue;
        }
        const float iscale = -128.0f / max_scale;
        blk.d = fp32_to_fp16(1.0f / iscale);
        for (int j = 0; j < QK_K / 16; j++)
            blk.scales[j] = int8_t(std::min(127, nearest_int(iscale * scales[j])));
        const float d_all = fp16_to_fp32(blk.d);
        for (int j = 0; j < QK_K / 16; j++)
            requantize_symmetric(x + 16 * j, 16, d_all * float(blk.scales[j]), -32, L + 16 * j);
        // per half h of 128: element 128 h + 32 k + l has its low nibble in
        // ql[64 h + l + 32 (k & 1)] (low nibble for k < 2, high for k >= 2)
        // and its top two bits in qh[32 h + l] at bit 2 k
        for (int h = 0; h < QK_K / 128; h++) {
            const int8_t *e = L + 128 * h;
            uint8_t *ql = blk.ql + 64 * h, *qh = blk.qh + 32 * h;
            for (int l = 0; l < 32; l++) {
                ql[l] = uint8_t((e[l] & 15) | (e[l + 64] & 15) << 4);
                ql[l + 32] = uint8_t((e[l + 32] & 15) | (e[l + 96] & 15) << 4);
                qh[l] = uint8_t(e[l] >> 4 | (e[l + 32] >> 4) << 2 | (e[l + 64] >> 4) << 4 |
                                (e[l + 96] >> 4) << 6);
            }
        }
    }
}

void quantize_row_q8_K_ref(const float *x, void *vy, int64_t n) {
    auto *y = static_cast<block_q8_K *>(vy);
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        float amax;
        const float max = signed_max(QK_K, x, &amax);
        block_q8_K &blk = y[b];
        if (amax == 0.0f) {
            // (ggml leaves bsums unwritten here; they are 0)
            std::memset(&blk, 0, sizeof blk);
            continue;
        }
        // the element of largest magnitude maps to -127 (not -128: ggml's
        // choice, so that the quants' negations fit int8 too)
        const float iscale = -127.0f / max;
        for (int j = 0; j < QK_K; j++)
            blk.qs[j] = int8_t(std::min(127, nearest_int(iscale * x[j])));
        for (int k = 0; k < QK_K / 16; k++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += blk.qs[16 * k + i];
            blk.bsums[k] = int16_t(sum);
        }
        blk.d = 1.0f / iscale;
    }
}

} // namespace ggml
