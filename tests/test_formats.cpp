// The block formats: fixed blocks against bytes worked out by hand from the
// formulas in docs/formats.md (ggml's rounding), properties of the quantizers,
// and every SIMD kernel level the CPU has against the scalar reference.
//
// The quantized kernels reproduce the reference's arithmetic exactly (exact
// integer sums per block, then the same float operations in the same
// order), so vec_dot and gemm are compared with it bit for bit: the stated
// tolerance is 0. Only F32 and F16 dot products reorder their float sums;
// they are held to n * FLT_EPSILON * sum |x_i y_i|.
#include "cpu/mul_mat_tiles.h"
#include "formats/row_groups.h"
#include "formats/traits.h"
#include "iq4/blocks.h"
#include "k/blocks.h"
#include "q3/blocks.h"
#include "q4/blocks.h"
#include "q5/blocks.h"
#include "q8/blocks.h"
#include "tensor_util.h"
#include "walsh_hadamard.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace {

using bytes = std::vector<uint8_t>;

bytes quantize(ggml_type type, const std::vector<float> &x) {
    bytes out(ggml_row_size(type, int64_t(x.size())));
    EXPECT_EQ(ggml_quantize_rows(type, x.data(), out.data(), 1, int64_t(x.size())), out.size());
    return out;
}

std::vector<float> dequantize(ggml_type type, const bytes &q, int64_t n) {
    std::vector<float> out(static_cast<size_t>(n));
    ggml_dequantize_row(type, q.data(), out.data(), n);
    return out;
}

uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }

// ---------------------------------------------------------------- fixed blocks

// With amax = 127 the scale is exactly 1: d = 127 / 127, fp16 0x3c00, and
// q = roundf(x), ties away from zero:
//   127 -> 127 (7f), -2.5 -> -3 (fd), 2.5 -> 3, 0.5 -> 1, -0.5 -> -1 (ff),
//   1.5 -> 2, -1.5 -> -2 (fe), 0.49999997 -> 0, 126.5 -> 127, -126.5 -> -127
//   (81), 0 -> 0, 3.25 -> 3, -3.75 -> -4 (fc), 100.5 -> 101 (65),
//   -64 (c0), 63.5 -> 64 (40), then -8 .. 7 (f8 .. 07).
// sum(q) = 219, so Q8_1's s = fp16(219 * 1) = 0x5ad8.
const std::vector<float> q8_unit_block = {
    127,   -2.5f,  2.5f,   0.5f, -0.5f, 1.5f, -1.5f, 0.49999997f, 126.5f, -126.5f, 0,
    3.25f, -3.75f, 100.5f, -64,  63.5f, -8,   -7,    -6,          -5,     -4,      -3,
    -2,    -1,     0,      1,    2,     3,    4,     5,           6,      7};
const bytes q8_unit_qs = {0x7f, 0xfd, 0x03, 0x01, 0xff, 0x02, 0xfe, 0x00, 0x7f, 0x81, 0x00,
                          0x03, 0xfc, 0x65, 0xc0, 0x40, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
                          0xfe, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};

// amax = 0.25: d = 0.25 / 127 = 1.00787 * 2^-9, fp16 mantissa 1032.06 / 1024
// rounds to 1032: 0x1808; 1/d ~ 508, so 0.25 -> 127, 0.125 -> 63.5 -> 64,
// 0.0625 -> 31.75 -> 32, 0.1 -> 50.8 -> 51 (and negatives); sum(q) = 51,
// s = fp16(51 * d) = fp16(0.100394) = 1.6063 * 2^-4, mantissa 620.85 -> 621:
// 0x2e6d.
const std::vector<float> q8_small_block = {
    0.25f, -0.25f, 0.125f, -0.125f, 0, 0.0625f, -0.0625f, 0.1f, 0, 0, 0, 0, 0, 0, 0, 0,
    0,     0,      0,      0,       0, 0,       0,        0,    0, 0, 0, 0, 0, 0, 0, 0};
const bytes q8_small_qs = {0x7f, 0x81, 0x40, 0xc0, 0x00, 0x20, 0xe0, 0x33, 0, 0, 0, 0, 0, 0, 0, 0,
                           0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0};

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const bytes &p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(FixedBlocks, Q8_0) {
    EXPECT_EQ(quantize(GGML_TYPE_Q8_0, q8_unit_block), concat({{0x00, 0x3c}, q8_unit_qs}));
    EXPECT_EQ(quantize(GGML_TYPE_Q8_0, q8_small_block), concat({{0x08, 0x18}, q8_small_qs}));
}

TEST(FixedBlocks, Q8_1) {
    EXPECT_EQ(quantize(GGML_TYPE_Q8_1, q8_unit_block),
              concat({{0x00, 0x3c, 0xd8, 0x5a}, q8_unit_qs}));
    EXPECT_EQ(quantize(GGML_TYPE_Q8_1, q8_small_block),
              concat({{0x08, 0x18, 0x6d, 0x2e}, q8_small_qs}));
}

TEST(FixedBlocks, Q4_0SignAndClamp) {
    // The first element of largest magnitude is +8 (the -8 after it does not
    // replace it): d = 8 / -8 = -1 (fp16 0xbc00), q = min(15, (int8)(-x + 8.5)):
    //   8 -> 0.5 -> 0; -8 -> 16.5 -> 16 -> clamped 15; 0 -> 8; 0.5 -> 8;
    //   -0.5 -> 9; 1.5 -> 7; 2.25 -> 6; -7.75 -> 16.25 -> 15 (clamped);
    //   7.5 -> 1; 7.9 -> 0.6 -> 0; -3 -> 11; 3 -> 5; 1 -> 7; -1 -> 9; 4; -4 -> 12
    //   6 -> 2; -6 -> 14; 5.5 -> 3; -5.5 -> 14; 0.25 -> 8; -0.25 -> 8; 2 -> 6;
    //   -2 -> 10; 7 -> 1; -7 -> 15; 3.5 -> 5; -3.5 -> 12; 0.75 -> 7; -0.75 -> 9;
    //   6.5 -> 2; -6.5 -> 15
    // qs[i] = q[i] | q[i + 16] << 4.
    const std::vector<float> x = {8,    -8,   0,    0.5f,  -0.5f, 1.5f,   2.25f, -7.75f,
                                  7.5f, 7.9f, -3,   3,     1,     -1,     4,     -4,
                                  6,    -6,   5.5f, -5.5f, 0.25f, -0.25f, 2,     -2,
                                  7,    -7,   3.5f, -3.5f, 0.75f, -0.75f, 6.5f,  -6.5f};
    EXPECT_EQ(quantize(GGML_TYPE_Q4_0, x),
              (bytes{0x00, 0xbc, 0x20, 0xef, 0x38, 0xe8, 0x89, 0x87, 0x66, 0xaf, 0x11, 0xf0, 0x5b,
                     0xc5, 0x77, 0x99, 0x24, 0xfc}));
}

TEST(FixedBlocks, Q4_0NegativeMaxAndTies) {
    // max = -4: d = -4 / -8 = 0.5 (fp16 0x3800), 1/d = 2,
    // q = min(15, (int8)(2x + 8.5)): -4 -> 0; 4 -> 16.5 -> 15 (clamped);
    //   0.25 -> 9 (the tie 9.0 goes up); -0.25 -> 8; 0 -> 8; 1 -> 10; -1 -> 6;
    //   0.75 -> 10; -0.75 -> 7; 3.75 -> 16 -> 15; -3.75 -> 1; 2.5 -> 13;
    //   -2.5 -> 3; 1.25 -> 11; -1.25 -> 6; 3 -> 14; -3 -> 2; 0.5 -> 9;
    //   -0.5 -> 7; 2 -> 12; -2 -> 4; 3.5 -> 15; -3.5 -> 1; 1.75 -> 12;
    //   -1.75 -> 5; 0.1 -> 8; -0.1 -> 8; 2.25 -> 13; -2.25 -> 4; 3.9 -> 15;
    //   -3.9 -> 0.7 -> 0; 0.3 -> 9
    const std::vector<float> x = {-4,     4,     0.25f,  -0.25f, 0,      1,     -1,     0.75f,
                                  -0.75f, 3.75f, -3.75f, 2.5f,   -2.5f,  1.25f, -1.25f, 3,
                                  -3,     0.5f,  -0.5f,  2,      -2,     3.5f,  -3.5f,  1.75f,
                                  -1.75f, 0.1f,  -0.1f,  2.25f,  -2.25f, 3.9f,  -3.9f,  0.3f};
    EXPECT_EQ(quantize(GGML_TYPE_Q4_0, x),
              (bytes{0x00, 0x38, 0x20, 0x9f, 0x79, 0xc8, 0x48, 0xfa, 0x16, 0xca, 0x57, 0x8f, 0x81,
                     0xdd, 0x43, 0xfb, 0x06, 0x9e}));
}

TEST(FixedBlocks, Q4_1) {
    // min = -1, max = 14: d = 15 / 15 = 1 (0x3c00), m = -1 (0xbc00),
    // q = min(15, (int8)(x + 1 + 0.5)): -1 -> 0; 14 -> 15; -0.5 -> 1; 0 -> 1;
    //   0.5 -> 2; 6.49 -> 7; 13.5 -> 15; 1..13 -> 2..14; -0.75 -> 0;
    //   0.25 -> 1; 1.5 -> 3; 2.5 -> 4 ... 11.5 -> 13 (ties go up)
    const std::vector<float> x = {-1,   14,   -0.5f, 0,    0.5f,   6.49f, 13.5f, 1,
                                  2,    3,    4,     5,    6,      7,     8,     9,
                                  10,   11,   12,    13,   -0.75f, 0.25f, 1.5f,  2.5f,
                                  3.5f, 4.5f, 5.5f,  7.5f, 8.5f,   9.5f,  10.5f, 11.5f};
    EXPECT_EQ(quantize(GGML_TYPE_Q4_1, x),
              (bytes{0x00, 0x3c, 0x00, 0xbc, 0xb0, 0xcf, 0xd1, 0xe1, 0x02, 0x17,
                     0x3f, 0x42, 0x53, 0x64, 0x75, 0x96, 0xa7, 0xb8, 0xc9, 0xda}));
}

TEST(FixedBlocks, Q4_Z) {
    // Weights on a grid the format holds exactly, d = 1 and z = 5: the
    // min/max rule (d = 15 / 15 = 1, fp16 0x3c00, z = round(5) = 5) has no
    // error, so the search keeps it. q = x + 5:
    //   q[0..15]  = 0 15 5 6 7 8 9 10 11 12 13 14 4 3 2 1
    //   q[16..31] = 8 0 15 5 14 13 3 4 1 2 12 11 10 9 6 7
    // and qs[i] = q[i] | q[i + 16] << 4.
    const std::vector<float> x = {-5, 10, 0,  1, 2, 3, 4,  5,  6,  7,  8, 9, -1, -2, -3, -4,
                                  3,  -5, 10, 0, 9, 8, -2, -1, -4, -3, 7, 6, 5,  4,  1,  2};
    EXPECT_EQ(quantize(GGML_TYPE_Q4_Z, x),
              (bytes{0x00, 0x3c, 0x05, 0x80, 0x0f, 0xf5, 0x56, 0xe7, 0xd8, 0x39, 0x4a, 0x1b, 0x2c,
                     0xcd, 0xbe, 0xa4, 0x93, 0x62, 0x71}));
}

TEST(FixedBlocks, Q3_Z) {
    // On the grid d = 0.5 (fp16 0x3800), z = 3: values (q - 3) / 2 with q
    // in 0..7 (both ends present), so the search keeps the exact fit:
    //   q[0..7]   = 0 7 3 4 2 5 1 6
    //   q[8..15]  = 0 7 4 5 6 2 1 3
    //   q[16..23] = 7 0 3 3 5 2 5 0
    //   q[24..31] = 7 0 3 4 5 6 2 1
    // ql[i] = sum_k (q[8k + i] & 3) << 2k, e.g. ql[0] = 0 | 0<<2 | 3<<4 | 3<<6 = 0xf0;
    // qh[g] bit b = q[8g + b] >> 2, e.g. qh[0] = bits 1, 3, 5, 7 = 0xaa.
    const int q[32] = {0, 7, 3, 4, 2, 5, 1, 6, 0, 7, 4, 5, 6, 2, 1, 3,
                       7, 0, 3, 3, 5, 2, 5, 0, 7, 0, 3, 4, 5, 6, 2, 1};
    std::vector<float> x;
    for (int v : q) x.push_back(0.5f * float(v - 3));
    EXPECT_EQ(quantize(GGML_TYPE_Q3_Z, x), (bytes{0x00, 0x38, 0x03, 0xf0, 0x0f, 0xf3, 0x34, 0x5a,
                                                  0xa9, 0x95, 0x4e, 0xaa, 0x1e, 0x51, 0x39}));
}

TEST(FixedBlocks, Q2_Z) {
    // On the grid d = 0.5 (fp16 0x3800), z = 1: values (q - 1) / 2 with q in
    // 0..3 (both ends present), so the search keeps the exact fit:
    //   q[0..7]   = 0 3 1 2 2 1 3 0
    //   q[8..15]  = 1 1 0 3 2 3 0 2
    //   q[16..23] = 3 0 2 1 0 2 1 3
    //   q[24..31] = 2 3 3 0 1 0 2 1
    // qs[i] = sum_k q[8k + i] << 2k, e.g. qs[0] = 0 | 1<<2 | 3<<4 | 2<<6 = 0xb4.
    const int q[32] = {0, 3, 1, 2, 2, 1, 3, 0, 1, 1, 0, 3, 2, 3, 0, 2,
                       3, 0, 2, 1, 0, 2, 1, 3, 2, 3, 3, 0, 1, 0, 2, 1};
    std::vector<float> x;
    for (int v : q) x.push_back(0.5f * float(v - 1));
    EXPECT_EQ(quantize(GGML_TYPE_Q2_Z, x),
              (bytes{0x00, 0x38, 0x01, 0xb4, 0xc7, 0xe1, 0x1e, 0x4a, 0x2d, 0x93, 0x78}));
}

// The 128-weight blocks are one (d, z) and four payloads of the 32-weight
// format: on the grid of FixedBlocks.Q4_Z and .Q3_Z (both ends present in
// the first 32 weights), each sub-block of x repeated holds that block's
// payload.
TEST(FixedBlocks, Z128BlocksHoldFourPayloads) {
    const std::vector<float> x4 = {-5, 10, 0,  1, 2, 3, 4,  5,  6,  7,  8, 9, -1, -2, -3, -4,
                                   3,  -5, 10, 0, 9, 8, -2, -1, -4, -3, 7, 6, 5,  4,  1,  2};
    std::vector<float> x3;
    for (int v : {0, 7, 3, 4, 2, 5, 1, 6, 0, 7, 4, 5, 6, 2, 1, 3,
                  7, 0, 3, 3, 5, 2, 5, 0, 7, 0, 3, 4, 5, 6, 2, 1})
        x3.push_back(0.5f * float(v - 3));
    std::vector<float> x2;
    for (int v : {0, 3, 1, 2, 2, 1, 3, 0, 1, 1, 0, 3, 2, 3, 0, 2,
                  3, 0, 2, 1, 0, 2, 1, 3, 2, 3, 3, 0, 1, 0, 2, 1})
        x2.push_back(0.5f * float(v - 1));
    for (auto [small, large, x] : {std::tuple{GGML_TYPE_Q4_Z, GGML_TYPE_Q4_Z128, x4},
                                   std::tuple{GGML_TYPE_Q3_Z, GGML_TYPE_Q3_Z128, x3},
                                   std::tuple{GGML_TYPE_Q2_Z, GGML_TYPE_Q2_Z128, x2}}) {
        // sub-blocks: x, x reversed, x, x reversed
        std::vector<float> xr(x.rbegin(), x.rend()), row;
        for (int s = 0; s < 4; s++) row.insert(row.end(), x.begin(), x.end());
        std::copy(xr.begin(), xr.end(), row.begin() + 32);
        std::copy(xr.begin(), xr.end(), row.begin() + 96);
        const bytes a = quantize(small, x), b = quantize(small, xr), got = quantize(large, row);
        bytes want(a.begin(), a.begin() + 3); // d, z
        for (const bytes *p : {&a, &b, &a, &b}) want.insert(want.end(), p->begin() + 3, p->end());
        EXPECT_EQ(got, want) << ggml_type_name(large);
        EXPECT_EQ(dequantize(large, got, 128), row) << ggml_type_name(large);
    }
}

TEST(FixedBlocks, Q5_0) {
    // max = 16 (the first of +-16): d = 16 / -16 = -1 (0xbc00), id = -1,
    // q = min(31, (int)(-x + 16.5)): 16 -> 0; -16 -> 32 -> 31; 0 -> 16;
    //   0.5 -> 16; -0.5 -> 17; 1.5 -> 15; -1.5 -> 18; 15.9 -> 0.6 -> 0;
    //   -15.4 -> 31.9 -> 31; 3 -> 13; -3 -> 19; 7.25 -> 9; -7.75 -> 24;
    //   10 -> 6; -10 -> 26; 2.5 -> 14; 8 -> 8; -8 -> 24; 4 -> 12; -4 -> 20;
    //   12 -> 4; -12 -> 28; 1 -> 15; -1 -> 17; 6 -> 10; -6 -> 22; 14 -> 2;
    //   -14 -> 30; 5.5 -> 11; -5.5 -> 22; 9.5 -> 7; -9.5 -> 26
    // qh bit j = q_j >> 4 (little endian), then qs[i] = low nibbles of q_i,
    // q_{i+16}.
    const std::vector<float> x = {16,     -16, 0,  0.5f,  -0.5f,  1.5f,  -1.5f, 15.9f,
                                  -15.4f, 3,   -3, 7.25f, -7.75f, 10,    -10,   2.5f,
                                  8,      -8,  4,  -4,    12,     -12,   1,     -1,
                                  6,      -6,  14, -14,   5.5f,   -5.5f, 9.5f,  -9.5f};
    EXPECT_EQ(quantize(GGML_TYPE_Q5_0, x),
              (bytes{0x00, 0xbc, 0x5e, 0x55, 0xaa, 0xaa, 0x80, 0x8f, 0xc0, 0x40, 0x41,
                     0xcf, 0xf2, 0x10, 0xaf, 0x6d, 0x23, 0xe9, 0xb8, 0x66, 0x7a, 0xae}));
}

TEST(FixedBlocks, Q5_1) {
    // min = -1, max = 30: d = 31 / 31 = 1 (0x3c00), m = -1 (0xbc00),
    // q = (int)(x + 1 + 0.5): -1 -> 0; 30 -> 31; 0 -> 1; 0.5 -> 2; -0.5 -> 1;
    //   29.5 -> 31; 14.49 -> 15; 15 .. 17 -> 16 .. 18; 1 .. 14 -> 2 .. 15;
    //   18 .. 23 -> 19 .. 24; 24.5 -> 26; 25.5 -> 27
    const std::vector<float> x = {-1, 30, 0,  0.5f, -0.5f, 29.5f, 14.49f, 15, 16,    17,   1,
                                  2,  3,  4,  5,    6,     7,     8,      9,  10,    11,   12,
                                  13, 14, 18, 19,   20,    21,    22,     23, 24.5f, 25.5f};
    EXPECT_EQ(quantize(GGML_TYPE_Q5_1, x),
              (bytes{0x00, 0x3c, 0x00, 0xbc, 0xa2, 0x03, 0x00, 0xff, 0x80, 0x9f, 0xa1, 0xb2,
                     0xc1, 0xdf, 0xef, 0xf0, 0x31, 0x42, 0x52, 0x63, 0x74, 0x85, 0xa6, 0xb7}));
}

TEST(FixedBlocks, BF16RoundsToNearestEven) {
    const auto f = [](uint32_t u) { return std::bit_cast<float>(u); };
    // 1.0; 1 + 2^-8 (a tie: stays even); 0x3f818000 (a tie: rounds up to
    // even); just above a tie; the largest float (rounds to infinity);
    // -infinity; a quiet and a signalling NaN (made quiet, sign kept)
    const std::vector<float> x = {1.0f,          f(0x3f808000), f(0x3f818000), f(0x3f808001),
                                  f(0x7f7fffff), -INFINITY,     f(0x7fc00001), f(0xff800001)};
    const bytes q = quantize(GGML_TYPE_BF16, x);
    std::vector<uint16_t> h(x.size());
    std::memcpy(h.data(), q.data(), q.size());
    EXPECT_EQ(
        h, (std::vector<uint16_t>{0x3f80, 0x3f80, 0x3f82, 0x3f81, 0x7f80, 0xff80, 0x7fc0, 0xffc0}));
    // and back: the top half of a float
    const std::vector<float> y = dequantize(GGML_TYPE_BF16, q, int64_t(x.size()));
    EXPECT_EQ(bits(y[2]), 0x3f820000u);
    EXPECT_TRUE(std::isnan(y[7]));
}

// Q8_K (the K-quants' activations) maps the element of largest magnitude,
// with its sign, to -127, and rounds ties to even (ggml's nearest_int),
// unlike Q8_0's roundf.
TEST(FixedBlocks, Q8_K) {
    std::vector<float> x(256, 0.0f);
    const std::vector<float> head = {-127, 2.5f, 3.5f, -2.5f, -3.5f, 0.5f, 1.5f, 126.5f, 7, -7};
    std::copy(head.begin(), head.end(), x.begin());
    x[200] = 100.25f; // in sums group 12
    bytes q = quantize(GGML_TYPE_Q8_K, x);
    ggml::block_q8_K b;
    std::memcpy(&b, q.data(), sizeof b);
    // iscale = -127 / -127 = 1, d = 1
    EXPECT_EQ(b.d, 1.0f);
    const std::vector<int> want = {-127, 2, 4, -2, -4, 0, 2, 126, 7, -7};
    for (size_t i = 0; i < want.size(); i++) EXPECT_EQ(b.qs[i], want[i]) << i;
    EXPECT_EQ(b.qs[200], 100);
    EXPECT_EQ(b.bsums[0], -127 + 2 + 4 - 2 - 4 + 0 + 2 + 126 + 7 - 7);
    EXPECT_EQ(b.bsums[12], 100);
    for (int k : {1, 2, 11, 13, 15}) EXPECT_EQ(b.bsums[k], 0) << k;
    // a positive largest element: iscale = -1, so the quants are negated and d = -1
    for (float &v : x) v = -v;
    q = quantize(GGML_TYPE_Q8_K, x);
    std::memcpy(&b, q.data(), sizeof b);
    EXPECT_EQ(b.d, -1.0f);
    for (size_t i = 0; i < want.size(); i++) EXPECT_EQ(b.qs[i], want[i]) << i;
}

// A block that is exactly a scale times IQ4_NL's levels is found by the
// scale search and comes back unchanged: the first guess maps the element of
// largest magnitude (-63.5 here) to +127 and misses, the candidate k = 0
// maps it to -127 and fits every element without error, which no other
// candidate can beat.
TEST(FixedBlocks, IQ4_NLFindsAnExactScale) {
    std::vector<float> x(32);
    std::vector<uint8_t> q(32);
    for (int j = 0; j < 32; j++) {
        q[size_t(j)] = uint8_t((j * 7 + 3) % 16);
        x[size_t(j)] = 0.5f * float(ggml::IQ4_LEVELS[q[size_t(j)]]);
    }
    x[5] = 0.5f * -127.0f; // the largest magnitude is the first level
    q[5] = 0;
    const bytes b = quantize(GGML_TYPE_IQ4_NL, x);
    EXPECT_EQ(b[0] | b[1] << 8, 0x3800); // d = 0.5
    for (int i = 0; i < 16; i++)
        EXPECT_EQ(b[size_t(2 + i)], q[size_t(i)] | q[size_t(i + 16)] << 4) << i;
    EXPECT_EQ(dequantize(GGML_TYPE_IQ4_NL, b, 32), x);
}

// ---------------------------------------------------------------- quantizer properties

// A random finite fp16 scale of either sign, over 2^-16 .. 2^8.
uint16_t random_scale(std::mt19937 &rng) {
    const float mag =
        std::exp2(float(int(rng() % 24)) - 16.0f) * (1.0f + float(rng() % 1024) / 1024.0f);
    return ggml_fp32_to_fp16((rng() & 1) ? mag : -mag);
}

// Random blocks with a spread of scales: each block has its own magnitude
// and offset, like real weights.
std::vector<float> random_blocks(int n_blocks, std::mt19937 &rng) {
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    std::vector<float> x;
    for (int b = 0; b < n_blocks; b++) {
        const float scale = std::exp2(float(int(rng() % 16)) - 8.0f);
        const float offset = (b % 3 == 0) ? scale * unit(rng) : 0.0f;
        for (int j = 0; j < 32; j++) x.push_back(offset + scale * unit(rng));
    }
    return x;
}

TEST(Quantizers, ZeroIsExactForZeroPointFormats) {
    std::mt19937 rng(1);
    const int n_blocks = 512; // whole super-blocks of 256
    std::vector<float> x = random_blocks(n_blocks, rng);
    for (int b = 0; b < n_blocks; b++) x[size_t(b * 32 + int(rng() % 32))] = 0.0f;
    // (Q3_K and Q6_K: 0 rounds to level 0 for any scale, and the searches
    // start from the same rounding)
    for (ggml_type type :
         {GGML_TYPE_Q4_0, GGML_TYPE_Q5_0, GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z, GGML_TYPE_Q4_Z128,
          GGML_TYPE_Q3_Z128, GGML_TYPE_Q2_Z, GGML_TYPE_Q2_Z128, GGML_TYPE_Q3_K, GGML_TYPE_Q6_K}) {
        const std::vector<float> y = dequantize(type, quantize(type, x), int64_t(x.size()));
        for (size_t i = 0; i < x.size(); i++) {
            if (x[i] != 0.0f) continue;
            ASSERT_EQ(y[i], 0.0f) << ggml_type_name(type) << " element " << i;
        }
    }
}

TEST(Quantizers, Q4_1GenerallyMissesZero) {
    // min + d * q hits 0 only by luck: count the blocks where it does not.
    std::mt19937 rng(2);
    const int n_blocks = 500;
    std::vector<float> x = random_blocks(n_blocks, rng);
    for (int b = 0; b < n_blocks; b++) x[size_t(b * 32)] = 0.0f;
    const std::vector<float> y =
        dequantize(GGML_TYPE_Q4_1, quantize(GGML_TYPE_Q4_1, x), int64_t(x.size()));
    int missed = 0;
    for (int b = 0; b < n_blocks; b++) missed += y[size_t(b * 32)] != 0.0f;
    EXPECT_GT(missed, n_blocks * 9 / 10) << missed << " of " << n_blocks << " blocks miss zero";
}

// Q4_0 and Q4_1 round each element to the nearest level of ggml's scale.
void expect_round_trip(ggml_type type) {
    std::mt19937 rng(3);
    const int n_blocks = 400;
    const std::vector<float> x = random_blocks(n_blocks, rng);
    const std::vector<float> y = dequantize(type, quantize(type, x), int64_t(x.size()));
    for (int b = 0; b < n_blocks; b++) {
        const float *xb = &x[size_t(b * 32)];
        float mn = xb[0], mx = xb[0], signed_max = 0;
        for (int j = 0; j < 32; j++) {
            mn = std::min(mn, xb[j]);
            mx = std::max(mx, xb[j]);
            if (std::fabs(xb[j]) > std::fabs(signed_max)) signed_max = xb[j];
        }
        float d = 0;
        double m_err = 0;
        if (type == GGML_TYPE_Q4_0) {
            d = std::fabs(signed_max / -8.0f);
        } else {
            d = (mx - mn) / 15.0f;
            m_err = std::fabs(double(mn) - ggml_fp16_to_fp32(ggml_fp32_to_fp16(mn)));
        }
        // the error the stored fp16 scale (and Q4_1's fp16 min) adds
        const double d16 = std::fabs(ggml_fp16_to_fp32(ggml_fp32_to_fp16(d)));
        const double slack = std::fabs(d - d16) * 16 + m_err + 1e-6 * d;
        for (int j = 0; j < 32; j++) {
            const double err = std::fabs(double(xb[j]) - y[size_t(b * 32 + j)]);
            // Q4_0 maps its extreme element x = max to q = 0 and clamps the
            // other end at q = 15 (value 7d), so an element within half a
            // step of -max is off by up to a whole step. Q4_1 never loses
            // more than half a step.
            const bool clamped = type == GGML_TYPE_Q4_0 && xb[j] / (signed_max / -8.0f) > 7.5f;
            const double bound = (clamped ? 1.0 : 0.5) * d + slack;
            ASSERT_LE(err, bound) << ggml_type_name(type) << " block " << b << " element " << j;
        }
    }
}

TEST(Quantizers, RoundTripWithinHalfAStep) {
    expect_round_trip(GGML_TYPE_Q4_0);
    expect_round_trip(GGML_TYPE_Q4_1);
}

// sum_j w_j (x_j - y_j)^2 over n elements (w null: all 1).
double weighted_error(const float *x, const float *y, const float *w, int n) {
    double e = 0;
    for (int j = 0; j < n; j++) {
        const double d = double(x[j]) - double(y[j]);
        e += (w ? w[j] : 1.0) * d * d;
    }
    return e;
}

// The min/max rule the zero-point formats used before their search: the
// range widened to hold 0, d = fp16(range / maxq), z = round(-lo / d), each
// element at its nearest level. Its weighted error.
double min_max_error(const float *x, const float *w, int n, int maxq) {
    float lo = 0, hi = 0;
    for (int j = 0; j < n; j++) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
    if (hi == lo) return 0.0;
    const float d = (hi - lo) / float(maxq);
    const float ds = ggml_fp16_to_fp32(ggml_fp32_to_fp16(d));
    const int z = int(std::roundf(-lo / d));
    std::vector<float> y(size_t(n), 0.0f);
    for (int j = 0; j < n; j++) {
        const int q = std::clamp(int(std::roundf(x[j] / ds)) + z, 0, maxq);
        y[size_t(j)] = float(q - z) * ds;
    }
    return weighted_error(x, y.data(), w, n);
}

// Importances spread over four orders of magnitude, as an importance
// matrix's columns are.
std::vector<float> random_importance(size_t n, std::mt19937 &rng) {
    std::uniform_real_distribution<float> exponent(-2.0f, 2.0f);
    std::vector<float> w(n);
    for (float &v : w) v = std::pow(10.0f, exponent(rng));
    return w;
}

struct zero_point_type {
    ggml_type type;
    int maxq;
};
const zero_point_type zero_point_types[] = {{GGML_TYPE_Q4_Z, 15},    {GGML_TYPE_Q3_Z, 7},
                                            {GGML_TYPE_Q4_Z128, 15}, {GGML_TYPE_Q3_Z128, 7},
                                            {GGML_TYPE_Q2_Z, 3},     {GGML_TYPE_Q2_Z128, 3}};

// The largest zero point a block of a zero-point type may hold (2^bits, from
// GPTQ v1 checkpoints); -1 for the other types.
int max_zero_point(ggml_type type) {
    for (const zero_point_type &zt : zero_point_types)
        if (zt.type == type) return zt.maxq + 1;
    return -1;
}

TEST(Quantizers, ZeroPointSearchNeverLosesToTheMinMaxRule) {
    std::mt19937 rng(4);
    const int n_blocks = 400;
    const std::vector<float> x = random_blocks(n_blocks, rng);
    const std::vector<float> importance = random_importance(x.size(), rng);
    for (const zero_point_type &zt : zero_point_types) {
        const int64_t g = ggml_blck_size(zt.type);
        for (const float *w : {static_cast<const float *>(nullptr), importance.data()}) {
            bytes q(ggml_row_size(zt.type, int64_t(x.size())));
            ASSERT_EQ(
                ggml_quantize_rows_weighted(zt.type, x.data(), q.data(), 1, int64_t(x.size()), w),
                q.size());
            const std::vector<float> y = dequantize(zt.type, q, int64_t(x.size()));
            int better = 0;
            for (int64_t b = 0; b < int64_t(x.size()) / g; b++) {
                const float *wb = w ? w + b * g : nullptr;
                const double searched = weighted_error(&x[b * g], &y[b * g], wb, int(g));
                const double min_max = min_max_error(&x[b * g], wb, int(g), zt.maxq);
                ASSERT_LE(searched, min_max * (1 + 1e-6))
                    << ggml_type_name(zt.type) << (w ? " weighted" : "") << ", block " << b;
                better += searched < min_max * (1 - 1e-3);
            }
            // the search is not idle: most blocks improve
            EXPECT_GT(better, int(x.size() / g) / 2)
                << ggml_type_name(zt.type) << (w ? " weighted" : "");
        }
    }
}

TEST(Quantizers, ImportanceLowersTheWeightedError) {
    std::mt19937 rng(5);
    const std::vector<float> x = random_blocks(400, rng);
    const std::vector<float> w = random_importance(x.size(), rng);
    const int64_t n = int64_t(x.size());
    for (ggml_type type : {GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z, GGML_TYPE_Q4_Z128, GGML_TYPE_Q3_Z128,
                           GGML_TYPE_Q2_Z, GGML_TYPE_Q2_Z128, GGML_TYPE_Q4_0, GGML_TYPE_Q5_0,
                           GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K}) {
        ASSERT_TRUE(ggml_quantize_uses_importance(type));
        bytes plain(ggml_row_size(type, n)), weighted(plain.size());
        ggml_quantize_rows_weighted(type, x.data(), plain.data(), 1, n, nullptr);
        ggml_quantize_rows_weighted(type, x.data(), weighted.data(), 1, n, w.data());
        EXPECT_EQ(plain, quantize(type, x)) << "no importance: ggml_quantize_rows's bytes";
        const double e_plain =
            weighted_error(x.data(), dequantize(type, plain, n).data(), w.data(), int(n));
        const double e_weighted =
            weighted_error(x.data(), dequantize(type, weighted, n).data(), w.data(), int(n));
        std::printf("[ %s ] weighted error: reference %.4g, with the importance %.4g (%.3f)\n",
                    ggml_type_name(type), e_plain, e_weighted, e_weighted / e_plain);
        EXPECT_LT(e_weighted, 0.9 * e_plain) << ggml_type_name(type);
    }
    // the others have no search that takes it: their bytes stay llama.cpp's
    for (ggml_type type : {GGML_TYPE_Q4_1, GGML_TYPE_Q5_1, GGML_TYPE_Q8_0, GGML_TYPE_Q2_K,
                           GGML_TYPE_Q3_K, GGML_TYPE_IQ4_XS}) {
        EXPECT_FALSE(ggml_quantize_uses_importance(type));
        bytes q(ggml_row_size(type, n));
        ggml_quantize_rows_weighted(type, x.data(), q.data(), 1, n, w.data());
        EXPECT_EQ(q, quantize(type, x)) << ggml_type_name(type);
    }
}

// Weights spread as real ones are (normal, each block its own scale): Q4_Z
// (4.75 bits a weight) is at least as accurate as Q4_1 (5 bits).
TEST(Quantizers, Q4_ZIsAtLeastAsAccurateAsQ4_1) {
    std::mt19937 rng(6);
    std::normal_distribution<float> normal;
    std::vector<float> x;
    for (int b = 0; b < 1000; b++) {
        const float scale = std::exp(normal(rng));
        for (int j = 0; j < 32; j++) x.push_back(scale * normal(rng));
    }
    const int64_t n = int64_t(x.size());
    const auto error = [&](ggml_type type) {
        return weighted_error(x.data(), dequantize(type, quantize(type, x), n).data(), nullptr,
                              int(n));
    };
    EXPECT_LE(error(GGML_TYPE_Q4_Z), error(GGML_TYPE_Q4_1));
}

// Weights that are a block's own values (random fp16 scale and zero point,
// levels 0 and maxq present) come back exactly: a zero-point file
// quantized again loses nothing.
TEST(Quantizers, ZeroPointFormatsKeepValuesOnTheirGrid) {
    std::mt19937 rng(7);
    for (const zero_point_type &zt : zero_point_types) {
        const int64_t g = ggml_blck_size(zt.type);
        for (int trial = 0; trial < 200; trial++) {
            const float d = ggml_fp16_to_fp32(random_scale(rng));
            const int z = int(rng() % uint32_t(zt.maxq + 1));
            std::vector<float> x(static_cast<size_t>(g));
            for (int64_t j = 0; j < g; j++) {
                const int q = j == 0 ? 0 : j == 1 ? zt.maxq : int(rng() % uint32_t(zt.maxq + 1));
                x[size_t(j)] = float(q - z) * std::fabs(d);
            }
            EXPECT_EQ(dequantize(zt.type, quantize(zt.type, x), g), x)
                << ggml_type_name(zt.type) << " d " << d << " z " << z;
        }
    }
}

// Normally distributed weights, as trained ones roughly are: each type's
// error falls with its bits, and the scale searches of the K-quants and
// IQ4 beat plain rounding at the same size.
TEST(Quantizers, MoreBitsLessError) {
    std::mt19937 rng(4);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(256 * 64);
    for (float &v : x) v = normal(rng);
    auto rms_error = [&](ggml_type type) {
        const std::vector<float> y = dequantize(type, quantize(type, x), int64_t(x.size()));
        double sum = 0;
        for (size_t i = 0; i < x.size(); i++) sum += double(x[i] - y[i]) * double(x[i] - y[i]);
        return std::sqrt(sum / double(x.size()));
    };
    const double q2_k = rms_error(GGML_TYPE_Q2_K), q3_k = rms_error(GGML_TYPE_Q3_K),
                 q4_k = rms_error(GGML_TYPE_Q4_K), q5_k = rms_error(GGML_TYPE_Q5_K),
                 q6_k = rms_error(GGML_TYPE_Q6_K), q4_0 = rms_error(GGML_TYPE_Q4_0),
                 q5_0 = rms_error(GGML_TYPE_Q5_0), q4_1 = rms_error(GGML_TYPE_Q4_1),
                 q5_1 = rms_error(GGML_TYPE_Q5_1), iq4_nl = rms_error(GGML_TYPE_IQ4_NL),
                 iq4_xs = rms_error(GGML_TYPE_IQ4_XS), q8_0 = rms_error(GGML_TYPE_Q8_0);
    EXPECT_LT(q2_k, 0.5);
    EXPECT_LT(q3_k, q2_k);
    EXPECT_LT(q4_k, q3_k);
    EXPECT_LT(q5_k, q4_k);
    EXPECT_LT(q6_k, q5_k);
    EXPECT_LT(q8_0, q6_k);
    EXPECT_LT(q5_0, q4_0);
    EXPECT_LT(q5_1, q4_1);
    EXPECT_LT(q4_k, q4_0);
    EXPECT_LT(iq4_nl, q4_0);
    EXPECT_LT(iq4_xs, q4_0);
    EXPECT_LT(q5_k, q5_0);
}

TEST(Quantizers, AllZeroBlocks) {
    const std::vector<float> zeros(32, 0.0f);
    // zero-point formats: d = 0, z = 0, every quant 0
    EXPECT_EQ(quantize(GGML_TYPE_Q4_Z, zeros), bytes(19, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q3_Z, zeros), bytes(15, 0));
    const std::vector<float> zeros128(128, 0.0f);
    EXPECT_EQ(quantize(GGML_TYPE_Q4_Z128, zeros128), bytes(67, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q3_Z128, zeros128), bytes(51, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q2_Z, zeros), bytes(11, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q2_Z128, zeros128), bytes(35, 0));
    // ggml's: Q4_0 has d = 0 / -8 = -0.0 (fp16 0x8000) and q = (int8)(0 + 8.5)
    // = 8; Q4_1 d = m = 0, q = 0
    bytes q4_0 = {0x00, 0x80};
    q4_0.resize(18, 0x88);
    EXPECT_EQ(quantize(GGML_TYPE_Q4_0, zeros), q4_0);
    EXPECT_EQ(quantize(GGML_TYPE_Q4_1, zeros), bytes(20, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q8_0, zeros), bytes(34, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q8_1, zeros), bytes(36, 0));
    // Q5_0 as Q4_0: d = -0.0, q = (int)(0 + 16.5) = 16: low nibbles 0, every
    // fifth bit set; Q5_1 all 0
    bytes q5_0 = {0x00, 0x80, 0xff, 0xff, 0xff, 0xff};
    q5_0.resize(22, 0x00);
    EXPECT_EQ(quantize(GGML_TYPE_Q5_0, zeros), q5_0);
    EXPECT_EQ(quantize(GGML_TYPE_Q5_1, zeros), bytes(24, 0));
    // IQ4_NL: d = 0 and level 8 (the level 1 is nearer to 0 than -10)
    bytes iq4_nl = {0x00, 0x00};
    iq4_nl.resize(18, 0x88);
    EXPECT_EQ(quantize(GGML_TYPE_IQ4_NL, zeros), iq4_nl);
    EXPECT_EQ(quantize(GGML_TYPE_BF16, zeros), bytes(64, 0));
    // super-blocks: every K-quant and Q8_K all 0 (scales, mins, d and quants)
    const std::vector<float> zeros256(256, 0.0f);
    for (ggml_type type : {GGML_TYPE_Q2_K, GGML_TYPE_Q3_K, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K,
                           GGML_TYPE_Q6_K, GGML_TYPE_Q8_K})
        EXPECT_EQ(quantize(type, zeros256), bytes(ggml_type_size(type), 0)) << ggml_type_name(type);
    // IQ4_XS: d = -0.0 / 32 = -0.0 (0x8000), each 6-bit scale 0 + 32 (low
    // nibbles 0, high bits 2 per sub-block: 0xaaaa), every level 8
    bytes iq4_xs = {0x00, 0x80, 0xaa, 0xaa, 0, 0, 0, 0};
    iq4_xs.resize(136, 0x88);
    EXPECT_EQ(quantize(GGML_TYPE_IQ4_XS, zeros256), iq4_xs);
}

// ggml's quantizers compute 1/d; for a block whose largest magnitude is
// below about 127 * 2^-128 that overflows, and x * inf reached an undefined
// float-to-int conversion. Such a block quantizes to zeros (its fp16 scale
// is 0 anyway).
TEST(Quantizers, BlocksTooSmallToInvertQuantizeToZeros) {
    std::vector<float> tiny(32);
    for (int j = 0; j < 32; j++) tiny[size_t(j)] = float(j - 15) * 6e-40f; // largest +1e-38
    EXPECT_EQ(quantize(GGML_TYPE_Q8_0, tiny), bytes(34, 0));
    EXPECT_EQ(quantize(GGML_TYPE_Q8_1, tiny), bytes(36, 0));
    // Q4_0: d = max / -8 = -0 in fp16, every quant the zero level 8
    bytes q4_0 = {0x00, 0x80};
    q4_0.resize(18, 0x88);
    EXPECT_EQ(quantize(GGML_TYPE_Q4_0, tiny), q4_0);
    // Q4_1: d = 0, m = fp16(min) = -0, every quant 0
    bytes q4_1 = {0x00, 0x00, 0x00, 0x80};
    q4_1.resize(20, 0);
    EXPECT_EQ(quantize(GGML_TYPE_Q4_1, tiny), q4_1);
    // the zero-point formats divide by d rather than multiply by 1/d: their
    // blocks keep levels, within range, and their fp16 scale is 0
    for (auto [type, zmax] : {std::pair{GGML_TYPE_Q4_Z, 15}, std::pair{GGML_TYPE_Q3_Z, 7}}) {
        const bytes q = quantize(type, tiny);
        EXPECT_EQ(q[0] | q[1], 0) << ggml_type_name(type);
        EXPECT_LE(q[2], zmax) << ggml_type_name(type);
        EXPECT_EQ(dequantize(type, q, 32), std::vector<float>(32, 0.0f)) << ggml_type_name(type);
    }
}

// NaN and infinite inputs (weights the quantize tool refuses, activations of
// a broken model) give defined blocks: NaN counts as 0 where a format has
// an exact 0, and an infinite element makes the scale infinite with every
// quant 0.
TEST(Quantizers, NonFiniteValuesGiveDefinedBlocks) {
    std::vector<float> x(32);
    for (int j = 0; j < 32; j++) x[size_t(j)] = float(j - 16) * 0.25f;
    x[5] = 0.0f;
    std::vector<float> with_nan = x;
    with_nan[5] = std::nanf("");
    for (ggml_type type : {GGML_TYPE_Q8_0, GGML_TYPE_Q8_1, GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z})
        EXPECT_EQ(quantize(type, with_nan), quantize(type, x)) << ggml_type_name(type);
    std::vector<float> with_inf = x;
    with_inf[9] = INFINITY;
    bytes q8 = {0x00, 0x7c}; // fp16 inf
    q8.resize(34, 0);
    EXPECT_EQ(quantize(GGML_TYPE_Q8_0, with_inf), q8);

    // rows of every kind of special value: each block within its format
    const float specials[] = {std::nanf(""), INFINITY, -INFINITY, FLT_MAX,
                              -FLT_MAX,      1e-45f,   0.0f,      1.0f};
    std::mt19937 rng(7);
    std::vector<float> row(32 * 64);
    for (float &v : row) v = specials[rng() % std::size(specials)];
    for (ggml_type type : {GGML_TYPE_Q8_0, GGML_TYPE_Q8_1, GGML_TYPE_Q4_0, GGML_TYPE_Q4_1,
                           GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z, GGML_TYPE_Q4_Z128, GGML_TYPE_Q3_Z128,
                           GGML_TYPE_Q2_Z, GGML_TYPE_Q2_Z128}) {
        const bytes q = quantize(type, row);
        EXPECT_EQ(quantize(type, row), q) << ggml_type_name(type) << " is deterministic";
        const int zmax = max_zero_point(type) - 1; // what the quantizers write
        for (size_t off = 0; zmax >= 0 && off < q.size(); off += ggml_type_size(type))
            EXPECT_LE(q[off + 2], zmax) << ggml_type_name(type) << " block " << off;
    }
}

TEST(Quantizers, RowLengthNotAMultipleOfTheBlockWritesNothing) {
    const std::vector<float> x(66, 1.0f);
    for (ggml_type type :
         {GGML_TYPE_Q4_0,    GGML_TYPE_Q4_1, GGML_TYPE_Q4_Z,    GGML_TYPE_Q3_Z, GGML_TYPE_Q4_Z128,
          GGML_TYPE_Q3_Z128, GGML_TYPE_Q2_Z, GGML_TYPE_Q2_Z128, GGML_TYPE_Q8_0, GGML_TYPE_Q8_1,
          GGML_TYPE_Q5_0,    GGML_TYPE_Q5_1, GGML_TYPE_IQ4_NL,  GGML_TYPE_Q2_K, GGML_TYPE_Q3_K,
          GGML_TYPE_Q4_K,    GGML_TYPE_Q5_K, GGML_TYPE_Q6_K,    GGML_TYPE_Q8_K, GGML_TYPE_IQ4_XS}) {
        bytes guard(256, 0xa5);
        EXPECT_EQ(ggml_quantize_rows(type, x.data(), guard.data(), 2, 33), 0u)
            << ggml_type_name(type);
        // whole blocks of 32, but not of a 128 or 256 block
        if (ggml_blck_size(type) > 32) {
            EXPECT_EQ(ggml_quantize_rows(type, x.data(), guard.data(), 1, 64), 0u)
                << ggml_type_name(type);
        }
        EXPECT_EQ(guard, bytes(256, 0xa5)) << ggml_type_name(type);
    }
}

// ---------------------------------------------------------------- kernels per level

const ggml_type weight_types[] = {
    GGML_TYPE_F32,   GGML_TYPE_F16,     GGML_TYPE_BF16, GGML_TYPE_Q8_0,    GGML_TYPE_Q4_0,
    GGML_TYPE_Q4_1,  GGML_TYPE_Q4_Z,    GGML_TYPE_Q3_Z, GGML_TYPE_Q4_Z128, GGML_TYPE_Q3_Z128,
    GGML_TYPE_Q2_Z,  GGML_TYPE_Q2_Z128, GGML_TYPE_Q5_0, GGML_TYPE_Q5_1,    GGML_TYPE_Q2_K,
    GGML_TYPE_Q3_K,  GGML_TYPE_Q4_K,    GGML_TYPE_Q5_K, GGML_TYPE_Q6_K,    GGML_TYPE_IQ4_NL,
    GGML_TYPE_IQ4_XS};
// The quantized weight types.
std::vector<ggml_type> block_weight_types() {
    std::vector<ggml_type> types;
    for (ggml_type t : weight_types)
        if (ggml_is_quantized(t)) types.push_back(t);
    return types;
}

// A level chosen before anything else ran is the one used: the start-up
// choice must not come after it. In a fresh process (the threadsafe death
// test style re-runs the binary for this test alone).
TEST(KernelLevelDeathTest, SetBeforeFirstUseIsKept) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            ggml_cpu_set_level(GGML_CPU_SCALAR);
            std::exit(ggml_cpu_get_level() == GGML_CPU_SCALAR ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "");
}

// Runs each test with the kernels of one level; skips levels the CPU or
// this build lacks.
class Kernels : public ::testing::TestWithParam<ggml_cpu_level> {
  protected:
    void SetUp() override {
        if (!ggml_cpu_has_level(GetParam()))
            GTEST_SKIP() << "this CPU or build has no " << ggml_cpu_level_name(GetParam())
                         << " kernels";
        previous_ = ggml_cpu_get_level();
        ASSERT_TRUE(ggml_cpu_set_level(GetParam()));
    }
    void TearDown() override {
        if (ggml_cpu_has_level(GetParam())) ggml_cpu_set_level(previous_);
    }
    std::mt19937 rng{42};

  private:
    ggml_cpu_level previous_ = GGML_CPU_SCALAR;
};

float scalar_dot(ggml_type type, int64_t n, const void *x, const void *y) {
    float s;
    ggml::traits_of(type).kernels[GGML_CPU_SCALAR]->vec_dot(n, &s, x, y);
    return s;
}

// Grouped formats: x in all 8 rows of a group, through the level's gemm
// (every row must give the same result); the others (floats, formats
// without groups yet): the level's vec_dot.
float active_dot(ggml_type type, int64_t n, const void *x, const void *y) {
    const ggml::format_traits &t = ggml::traits_of(type);
    float s[ggml::ROW_GROUP];
    if (t.group.payload_size == 0) {
        ggml::kernels_of(type).vec_dot(n, s, x, y);
        return s[0];
    }
    const size_t row_bytes = ggml_row_size(type, n);
    bytes rows(row_bytes * ggml::ROW_GROUP), group(rows.size());
    for (int r = 0; r < ggml::ROW_GROUP; r++) std::memcpy(&rows[r * row_bytes], x, row_bytes);
    ggml::pack_group(t, reinterpret_cast<const char *>(rows.data()), row_bytes, n / t.blck_size,
                     reinterpret_cast<char *>(group.data()));
    ggml::kernels_of(type).gemm(n, s, 0, group.data(), group.size(), 1, y, 0, 1);
    for (int r = 1; r < ggml::ROW_GROUP; r++)
        EXPECT_EQ(bits(s[r]), bits(s[0])) << ggml_type_name(type) << " row " << r;
    return s[0];
}

// Rows that stress the activation quantizers: exact ties after scaling
// (amax 127 makes 1/d = 1), zeros, tiny and huge magnitudes, one outlier,
// blocks too small to invert.
std::vector<float> activation_rows(int n, std::mt19937 &rng) {
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (int b = 0; b < n / 32; b++) {
        float *xb = &x[size_t(b * 32)];
        switch (b % 7) {
        case 0: // ties: halves with amax 127
            for (int j = 0; j < 32; j++) xb[j] = float(int(rng() % 253) - 126) + 0.5f;
            xb[rng() % 32] = (rng() & 1) ? 127.0f : -127.0f;
            break;
        case 1: break; // all zero
        case 2:
            for (int j = 0; j < 32; j++) xb[j] = unit(rng) * 1e-30f;
            break;
        case 3:
            for (int j = 0; j < 32; j++) xb[j] = unit(rng) * 6e4f;
            break;
        case 4: // one outlier
            for (int j = 0; j < 32; j++) xb[j] = unit(rng) * 0.01f;
            xb[rng() % 32] = 50.0f;
            break;
        case 5: // so small that 1/d overflows: zeros
            for (int j = 0; j < 32; j++) xb[j] = unit(rng) * 1e-38f;
            break;
        default:
            for (int j = 0; j < 32; j++)
                xb[j] = unit(rng) * std::exp2(float(int(rng() % 20)) - 10.0f);
        }
    }
    return x;
}

TEST_P(Kernels, ActivationQuantizersMatchTheReferenceByteForByte) {
    for (ggml_type type : {GGML_TYPE_Q8_0, GGML_TYPE_Q8_1, GGML_TYPE_Q8_K, GGML_TYPE_F16}) {
        for (int n : {32, 96, 224, 256, 768, 2048}) {
            if (n % ggml_blck_size(type) != 0) continue;
            const std::vector<float> x = activation_rows(n, rng);
            bytes want(ggml_row_size(type, n)), got(want.size());
            ggml::traits_of(type).quantize_row_ref(x.data(), want.data(), n);
            ggml::kernels_of(type).quantize_row(x.data(), got.data(), n);
            EXPECT_EQ(want, got) << ggml_type_name(type) << " n = " << n;
        }
    }
    // Q8_K's nearest_int keeps whatever its bit trick gives for special
    // values (the low byte of a clamped integer): the kernels' too
    const float specials[] = {std::nanf(""), INFINITY, -INFINITY, FLT_MAX, -FLT_MAX,
                              1e-45f,        0.0f,     -0.0f,     1.0f,    -3.5f};
    std::vector<float> row(256 * 16);
    for (float &v : row) v = specials[rng() % std::size(specials)] * ((rng() % 4) ? 1.0f : 0.5f);
    for (size_t b = 0; b < 4; b++) // blocks without NaN or infinities
        for (size_t i = b * 256; i < b * 256 + 256; i++)
            if (!std::isfinite(row[i])) row[i] = 2.0f;
    bytes want(ggml_row_size(GGML_TYPE_Q8_K, int64_t(row.size()))), got(want.size());
    ggml::traits_of(GGML_TYPE_Q8_K).quantize_row_ref(row.data(), want.data(), int64_t(row.size()));
    ggml::kernels_of(GGML_TYPE_Q8_K).quantize_row(row.data(), got.data(), int64_t(row.size()));
    EXPECT_EQ(want, got) << "Q8_K of special values";
    // F16 rows of any length (blocks of one element): exercise the tails
    const std::vector<float> x = activation_rows(64, rng);
    for (int n = 1; n <= 20; n++) {
        bytes want(size_t(n) * 2), got(want.size());
        ggml::traits_of(GGML_TYPE_F16).quantize_row_ref(x.data() + 5, want.data(), n);
        ggml::kernels_of(GGML_TYPE_F16).quantize_row(x.data() + 5, got.data(), n);
        EXPECT_EQ(want, got) << "F16 n = " << n;
    }
}

// A weight row of random raw blocks (every bit pattern a file may hold,
// with finite scales) and an activation row from the quantizer.
struct row_pair {
    bytes x, y;
};

// Where a block keeps its fp16 scales (d, and m or dmin).
std::vector<size_t> fp16_fields(ggml_type type) {
    using namespace ggml;
    switch (type) {
    case GGML_TYPE_Q4_1:
    case GGML_TYPE_Q5_1:
    case GGML_TYPE_Q4_K:
    case GGML_TYPE_Q5_K: return {0, 2};
    case GGML_TYPE_Q2_K: return {offsetof(block_q2_K, d), offsetof(block_q2_K, dmin)};
    case GGML_TYPE_Q3_K: return {offsetof(block_q3_K, d)};
    case GGML_TYPE_Q6_K: return {offsetof(block_q6_K, d)};
    default: return {0};
    }
}

// Sets every fp16 scale of the blocks of a row to h.
void set_scales(ggml_type type, bytes &row, uint16_t h) {
    for (size_t off = 0; off < row.size(); off += ggml_type_size(type))
        for (size_t field : fp16_fields(type)) std::memcpy(&row[off + field], &h, 2);
}

bytes random_weight_row(ggml_type type, int64_t n, std::mt19937 &rng) {
    bytes row(ggml_row_size(type, n));
    if (!ggml_is_quantized(type)) { // floats in [-1, 1]
        std::vector<float> f = test::random_floats(size_t(n), rng);
        ggml_quantize_rows(type, f.data(), row.data(), 1, n);
        return row;
    }
    for (auto &v : row) v = uint8_t(rng());
    const size_t bsize = ggml_type_size(type);
    for (size_t off = 0; off < row.size(); off += bsize) {
        for (size_t field : fp16_fields(type)) {
            const uint16_t h = random_scale(rng);
            std::memcpy(&row[off + field], &h, 2);
        }
        if (max_zero_point(type) > 0) row[off + 2] = uint8_t(rng() % (max_zero_point(type) + 1));
    }
    return row;
}

bytes activation_row(ggml_type type, int64_t n, std::mt19937 &rng) {
    const std::vector<float> f = activation_rows(int(n), rng);
    bytes row(ggml_row_size(ggml_vec_dot_type(type), n));
    ggml_quantize_rows(ggml_vec_dot_type(type), f.data(), row.data(), 1, n);
    return row;
}

// The tolerance of a float-format dot product: reordering n products.
double float_dot_tolerance(ggml_type type, int64_t n, const bytes &x, const bytes &y) {
    std::vector<float> xf(static_cast<size_t>(n)), yf(xf);
    ggml_dequantize_row(type, x.data(), xf.data(), n);
    ggml_dequantize_row(ggml_vec_dot_type(type), y.data(), yf.data(), n);
    double mag = 0;
    for (size_t i = 0; i < xf.size(); i++) mag += std::fabs(double(xf[i]) * yf[i]);
    return double(n) * FLT_EPSILON * mag;
}

TEST_P(Kernels, VecDotMatchesTheScalarReference) {
    // float rows of any length: whole vectors, tails of whole vectors, the rest
    const std::vector<int64_t> float_lengths = {1, 8, 13, 40, 47, 96, 160, 4096};
    const std::vector<int64_t> block_lengths = {32, 96, 160, 256, 768, 2304, 4096};
    for (ggml_type type : weight_types) {
        for (int64_t n : ggml_is_quantized(type) ? block_lengths : float_lengths) {
            if (n % ggml_blck_size(type) != 0) continue;
            for (int trial = 0; trial < 20; trial++) {
                const bytes x = random_weight_row(type, n, rng);
                const bytes y = activation_row(type, n, rng);
                const float want = scalar_dot(type, n, x.data(), y.data());
                const float got = active_dot(type, n, x.data(), y.data());
                if (ggml_is_quantized(type)) {
                    ASSERT_EQ(bits(want), bits(got))
                        << ggml_type_name(type) << " n = " << n << ": " << want << " vs " << got;
                } else {
                    ASSERT_NEAR(want, got, float_dot_tolerance(type, n, x, y))
                        << ggml_type_name(type);
                }
            }
        }
    }
}

// Padding both rows with zeros leaves the dot product as it was, as for the
// reference's element-order sum: attention's rows (n_kv) grow with the batch,
// masked by zeros, and results must not depend on the batch size.
TEST_P(Kernels, ZeroPaddingLeavesTheDotUnchanged) {
    for (ggml_type type : weight_types) {
        const int64_t bs = ggml_blck_size(type);
        for (int64_t n : {int64_t(1), int64_t(7), int64_t(33), int64_t(100), int64_t(4096)}) {
            const int64_t len = (n + bs - 1) / bs * bs;
            for (int64_t pad : {int64_t(1), int64_t(5), int64_t(31), int64_t(64)}) {
                const int64_t padded = len + (pad + bs - 1) / bs * bs;
                bytes x = random_weight_row(type, len, rng);
                bytes y = activation_row(type, len, rng);
                bytes xp = x, yp = y;
                xp.resize(ggml_row_size(type, padded), 0); // zero blocks: d = 0, q = 0
                const std::vector<float> zeros(size_t(padded - len), 0.0f);
                bytes ypad(ggml_row_size(ggml_vec_dot_type(type), padded - len));
                ggml_quantize_rows(ggml_vec_dot_type(type), zeros.data(), ypad.data(), 1,
                                   padded - len);
                yp.insert(yp.end(), ypad.begin(), ypad.end());
                // (Q4_1 rows whose Q8_1 s overflowed fp16 are NaN either way)
                const float a = active_dot(type, len, x.data(), y.data());
                const float b = active_dot(type, padded, xp.data(), yp.data());
                EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b)))
                    << ggml_type_name(type) << " n = " << len << " + " << padded - len << ": " << a
                    << " vs " << b;
            }
        }
    }
}

// An activation row of `act` (Q8_0, Q8_1 or Q8_K) built quant by quant:
// scale d, element i's quant q(i), Q8_1's s as given, Q8_K's sums as they
// must be.
template <class Quant>
bytes activation_blocks(ggml_type act, int64_t n, float d, float q8_1_s, Quant q) {
    bytes y(ggml_row_size(act, n));
    const int64_t bs = ggml_blck_size(act);
    const size_t ys = ggml_type_size(act);
    for (int64_t b = 0; b < n / bs; b++) {
        uint8_t *blk = &y[size_t(b) * ys];
        if (act == GGML_TYPE_Q8_K) {
            ggml::block_q8_K k{};
            k.d = d;
            for (int i = 0; i < ggml::QK_K; i++) {
                k.qs[i] = q(b * bs + i);
                k.bsums[i / 16] = int16_t(k.bsums[i / 16] + k.qs[i]);
            }
            std::memcpy(blk, &k, sizeof k);
            continue;
        }
        const uint16_t dh = ggml_fp32_to_fp16(d);
        std::memcpy(blk, &dh, 2);
        size_t qs = 2;
        if (act == GGML_TYPE_Q8_1) {
            const uint16_t sh = ggml_fp32_to_fp16(q8_1_s);
            std::memcpy(blk + 2, &sh, 2);
            qs = 4;
        }
        for (int i = 0; i < 32; i++) blk[qs + size_t(i)] = uint8_t(q(b * bs + i));
    }
    return y;
}

// Weight blocks with d = 1 (m = 0 for Q4_1 and Q5_1, dmin = 1 for the
// K-quants) against activation blocks with d = 1 (Q8_1's s = 0): the float
// result is the exact integer sum of the weights' integer values times the
// quants, worked out here from the dequantized rows. The activation quants
// are small enough that every integer total stays below 2^24, where float
// holds it exactly.
TEST_P(Kernels, IntegerPartIsExact) {
    const uint16_t one = ggml_fp32_to_fp16(1.0f), zero = 0;
    for (ggml_type type : block_weight_types()) {
        const int64_t n = ggml_blck_size(type) * 7;
        const ggml_type act = ggml_vec_dot_type(type);
        bytes x = random_weight_row(type, n, rng);
        set_scales(type, x, one);
        if (type == GGML_TYPE_Q4_1 || type == GGML_TYPE_Q5_1)
            for (size_t off = 0; off < x.size(); off += ggml_type_size(type))
                std::memcpy(&x[off + 2], &zero, 2);
        const int max_q = act == GGML_TYPE_Q8_K ? 8 : 127;
        std::vector<int8_t> q(static_cast<size_t>(n));
        for (int8_t &v : q) v = int8_t(int(rng() % uint32_t(2 * max_q + 1)) - max_q);
        const bytes y =
            activation_blocks(act, n, 1.0f, 0.0f, [&](int64_t i) { return q[size_t(i)]; });
        std::vector<float> xf(static_cast<size_t>(n));
        ggml_dequantize_row(type, x.data(), xf.data(), n); // integers, as d = 1
        int64_t want = 0;
        for (size_t i = 0; i < xf.size(); i++) want += int64_t(xf[i]) * q[i];
        EXPECT_EQ(double(active_dot(type, n, x.data(), y.data())), double(want))
            << ggml_type_name(type);
        EXPECT_EQ(double(scalar_dot(type, n, x.data(), y.data())), double(want))
            << ggml_type_name(type);
    }
}

// Blocks at the edges of the integer ranges, built byte by byte.
struct adversarial_case {
    const char *name;
    uint8_t weight_byte; // every quant byte of the weight blocks
    int zero_point;      // the zero-point types' z (ignored by the others)
    int8_t activation;   // every activation quant (an outlier case overrides one)
    bool outlier;
};

TEST_P(Kernels, AdversarialBlocks) {
    const adversarial_case cases[] = {
        {"all zero", 0x00, 0, 0, false},
        {"q = 15 against +127", 0xff, 0, 127, false},
        {"q = 15 against -127", 0xff, 0, -127, false},
        {"q = 0 against -127, top zero point", 0x00, 16, -127, false},
        {"q = 15, z = 0, +127", 0xff, 0, 127, false},
        {"mixed quants, one outlier", 0x5a, 8, 1, true},
        {"q8 weights at -128", 0x80, 0, -127, false},
        {"q8 weights at +127", 0x7f, 0, 127, false},
    };
    const uint16_t scale = ggml_fp32_to_fp16(0.75f);
    for (ggml_type type : block_weight_types()) {
        const ggml_type act = ggml_vec_dot_type(type);
        const int64_t bs = ggml_blck_size(type);
        for (const adversarial_case &c : cases) {
            for (int64_t nb : {1, 3, 5, 7}) { // odd block counts: loop tails
                const int64_t n = nb * bs;
                bytes x(ggml_row_size(type, n), c.weight_byte);
                set_scales(type, x, scale);
                for (size_t off = 0; off < x.size(); off += ggml_type_size(type)) {
                    if (max_zero_point(type) > 0)
                        x[off + 2] = uint8_t(std::min(c.zero_point, max_zero_point(type)));
                }
                const bytes y = activation_blocks(act, n, 0.75f, 0.75f, [&](int64_t i) {
                    return c.outlier && i % 32 == 17 ? int8_t(-127) : c.activation;
                });
                const float want = scalar_dot(type, n, x.data(), y.data());
                const float got = active_dot(type, n, x.data(), y.data());
                EXPECT_EQ(bits(want), bits(got)) << ggml_type_name(type) << ", " << c.name << ", "
                                                 << nb << " blocks: " << want << " vs " << got;
            }
        }
    }
}

TEST_P(Kernels, ZeroPointsAtBothEnds) {
    // z = 0 and the largest z (16 for 4 bits, 8 for 3) with random quants
    for (const zero_point_type &zt : zero_point_types) {
        const ggml_type type = zt.type;
        for (int z : {0, max_zero_point(type)}) {
            const int64_t n = 128 * 9;
            bytes x = random_weight_row(type, n, rng);
            for (size_t off = 0; off < x.size(); off += ggml_type_size(type))
                x[off + 2] = uint8_t(z);
            const bytes y = activation_row(type, n, rng);
            EXPECT_EQ(bits(scalar_dot(type, n, x.data(), y.data())),
                      bits(active_dot(type, n, x.data(), y.data())))
                << ggml_type_name(type) << " z = " << z;
        }
    }
}

// The gemm kernels of a level: its own and, where the CPU has it, those of
// its extension (AVX512-VNNI, NEON dot product), so that both are tested on a
// CPU that has the extension.
std::vector<ggml::gemm_fn> level_gemms(ggml_type type, ggml_cpu_level level) {
    const ggml::format_traits &t = ggml::traits_of(type);
    std::vector<ggml::gemm_fn> out;
    if (t.kernels[level] && t.kernels[level]->gemm) out.push_back(t.kernels[level]->gemm);
    if (t.kernels_ext[level] && ggml::cpu_has_extension(level))
        out.push_back(t.kernels_ext[level]->gemm);
    if (out.empty()) out.push_back(t.kernels[GGML_CPU_SCALAR]->gemm);
    return out;
}

// Groups of 8 different rows, every shape up to mul_mat's TILE_X rows x
// TILE_Y activation rows (and taller activation tiles, which gemm splits
// itself): each result equals the reference's vec_dot of its row bit for bit.
TEST_P(Kernels, GemmOfRowGroupsEqualsTheReference) {
    const int max_g = int(ggml::cpu::TILE_X / ggml::ROW_GROUP), max_y = int(ggml::cpu::TILE_Y) + 5;
    for (ggml_type type : weight_types) {
        const ggml::format_traits &t = ggml::traits_of(type);
        if (t.group.payload_size == 0) continue; // mul_mat calls vec_dot per element
        for (ggml::gemm_fn gemm : level_gemms(type, GetParam()))
            for (int64_t n : {t.blck_size, t.blck_size * 3, t.blck_size * 9}) {
                const int max_x = max_g * ggml::ROW_GROUP;
                const size_t bx = ggml_row_size(type, n),
                             by = ggml_row_size(ggml_vec_dot_type(type), n);
                bytes x, y, groups(bx * size_t(max_x));
                for (int i = 0; i < max_x; i++) {
                    const bytes r = random_weight_row(type, n, rng);
                    x.insert(x.end(), r.begin(), r.end());
                }
                for (int j = 0; j < max_y; j++) {
                    const bytes r = activation_row(type, n, rng);
                    y.insert(y.end(), r.begin(), r.end());
                }
                const size_t group_bytes = bx * ggml::ROW_GROUP;
                for (int g = 0; g < max_g; g++)
                    ggml::pack_group(t, reinterpret_cast<const char *>(&x[g * group_bytes]), bx,
                                     n / t.blck_size,
                                     reinterpret_cast<char *>(&groups[g * group_bytes]));
                std::vector<float> want(size_t(max_x * max_y));
                for (int j = 0; j < max_y; j++)
                    for (int i = 0; i < max_x; i++)
                        want[size_t(j * max_x + i)] = scalar_dot(type, n, &x[i * bx], &y[j * by]);
                for (int ng = 1; ng <= max_g; ng++) {
                    for (int ny = 1; ny <= max_y; ny++) {
                        const size_t bs = size_t(ng * ggml::ROW_GROUP) + 3; // padded output rows
                        std::vector<float> s(bs * size_t(ny), -1.0f);
                        gemm(n, s.data(), bs, groups.data(), group_bytes, ng, y.data(), by, ny);
                        for (int j = 0; j < ny; j++) {
                            for (int i = 0; i < ng * ggml::ROW_GROUP; i++)
                                ASSERT_EQ(bits(s[j * bs + i]), bits(want[size_t(j * max_x + i)]))
                                    << ggml_type_name(type) << " n = " << n << ", " << ng
                                    << " groups x " << ny << " rows, at " << i << "," << j;
                            for (size_t i = size_t(ng * ggml::ROW_GROUP); i < bs; i++)
                                ASSERT_EQ(s[j * bs + i], -1.0f) << "gemm wrote outside its tile";
                        }
                    }
                }
            }
    }
}

// Packing rows into a group and unpacking them gives the rows back.
TEST(RowGroups, UnpackInvertsPack) {
    std::mt19937 rng(9);
    for (ggml_type type : weight_types) {
        const ggml::format_traits &t = ggml::traits_of(type);
        if (t.group.payload_size == 0) continue;
        const int64_t n = t.blck_size * 5;
        const size_t bx = ggml_row_size(type, n);
        bytes rows(bx * ggml::ROW_GROUP), group(rows.size()), row(bx);
        for (auto &v : rows) v = uint8_t(rng());
        ggml::pack_group(t, reinterpret_cast<const char *>(rows.data()), bx, n / t.blck_size,
                         reinterpret_cast<char *>(group.data()));
        EXPECT_NE(group, rows) << ggml_type_name(type);
        for (int r = 0; r < ggml::ROW_GROUP; r++) {
            ggml::unpack_row(t, reinterpret_cast<const char *>(group.data()), r, n / t.blck_size,
                             reinterpret_cast<char *>(row.data()));
            EXPECT_TRUE(std::equal(row.begin(), row.end(), rows.begin() + r * bx))
                << ggml_type_name(type) << " row " << r;
        }
    }
}

// mul_mat through the graph: bit-identical for 1..4 threads, each element
// equal to the dot product of its row pair, and the same again once the
// weights are repacked in row groups (the last 5 rows stay unpacked), where
// 1 and 3 threads split the 13 activation tiles and 4 (16 chunks of work,
// cpu/compute.cpp) split the row groups;
// and get_rows reads the repacked matrix as it read the original.
TEST_P(Kernels, MulMatIsIndependentOfThreadCountAndRepacking) {
    const int64_t M = 37, N = 100;
    static_assert(ggml::cpu::TILE_Y == 8, "the thread counts below assume 13 activation tiles");
    for (ggml_type type : weight_types) {
        const int64_t K = ggml_blck_size(type) > 32 ? ggml_blck_size(type) * 3 : 32 * 5;
        ggml_context *ctx = ggml_init({4 << 20, nullptr, false});
        ggml_tensor *a = ggml_new_tensor_2d(ctx, type, K, M);
        std::vector<float> av = test::random_floats(size_t(K * M), rng);
        ggml_quantize_rows(type, av.data(), a->data, M, K);
        ggml_tensor *b = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, K, N);
        test::fill_uniform(b, rng);
        ggml_tensor *out = ggml_mul_mat(ctx, a, b);
        ggml_set_output(out);
        std::vector<std::vector<float>> results;
        for (int threads = 1; threads <= 4; threads++) {
            ggml_planner *planner = test::compute(ctx, out, threads, true, true);
            ASSERT_NE(planner, nullptr);
            const float *o = static_cast<const float *>(out->data);
            results.emplace_back(o, o + M * N);
            ggml_planner_free(planner);
        }
        for (size_t t = 1; t < results.size(); t++)
            EXPECT_EQ(0, std::memcmp(results[0].data(), results[t].data(), results[0].size() * 4))
                << ggml_type_name(type) << " with " << t + 1 << " threads";
        const ggml_type act = ggml_vec_dot_type(type);
        bytes bq(ggml_row_size(act, K));
        for (int64_t nrow = 0; nrow < N; nrow++) {
            ggml_quantize_rows(act, static_cast<const float *>(b->data) + nrow * K, bq.data(), 1,
                               K);
            for (int64_t m = 0; m < M; m++) {
                const float want = active_dot(
                    type, K, static_cast<const char *>(a->data) + m * a->nb[1], bq.data());
                ASSERT_EQ(bits(want), bits(results[0][size_t(nrow * M + m)]))
                    << ggml_type_name(type) << " element " << m << "," << nrow;
            }
        }
        ggml_tensor *idx = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, M);
        for (int32_t m = 0; m < int32_t(M); m++) static_cast<int32_t *>(idx->data)[m] = m;
        ggml_tensor *rows = ggml_get_rows(ctx, a, idx);
        ggml_set_output(rows);
        ggml_planner *planner = test::compute(ctx, rows, 2);
        const std::vector<float> rows_before(static_cast<const float *>(rows->data),
                                             static_cast<const float *>(rows->data) + K * M);
        ggml_planner_free(planner);
        if (ggml::traits_of(type).group.payload_size == 0) { // floats, formats without groups
            EXPECT_FALSE(ggml_repack_rows(a)) << ggml_type_name(type);
            ggml_free(ctx);
            continue;
        }
        ASSERT_TRUE(ggml_repack_rows(a)) << ggml_type_name(type);
        EXPECT_FALSE(ggml_repack_rows(a)) << "repacked twice";
        for (int threads : {1, 3, 4}) {
            planner = test::compute(ctx, out, threads, true, true);
            EXPECT_EQ(0, std::memcmp(results[0].data(), out->data, results[0].size() * 4))
                << ggml_type_name(type) << " repacked, " << threads << " threads";
            ggml_planner_free(planner);
        }
        planner = test::compute(ctx, rows, 2);
        EXPECT_EQ(0, std::memcmp(rows_before.data(), rows->data, rows_before.size() * 4))
            << ggml_type_name(type) << ": get_rows of the repacked matrix";
        ggml_planner_free(planner);
        ggml_free(ctx);
    }
}

// The attention kernel of each level against the reference's, which runs
// the same online softmax (over blocks of 8 keys, the levels' of their
// vector width): float rounding apart, the same results. Keys come in
// blocks of GGML_KEY_BLOCK, the last one's positions past the keys NaN:
// they are read but must weigh nothing.
TEST_P(Kernels, AttentionMatchesTheReference) {
    constexpr int64_t KB = GGML_KEY_BLOCK;
    for (ggml_type cache : {GGML_TYPE_F32, GGML_TYPE_F16}) {
        const ggml::attend_fn ref = ggml::traits_of(cache).kernels[GGML_CPU_SCALAR]->attend;
        const ggml::attend_fn active = ggml::kernels_of(cache).attend;
        for (int64_t hd : {8, 40, 48, 64, 128, 320}) {
            for (int64_t n_first : {1, 7, 8, 9, 16, 20, 100}) {
                const int nq = int(1 + rng() % 20); // up to three tiles
                const int64_t n_keys = n_first + nq - 1, n_blocks = (n_keys + KB - 1) / KB;
                const std::vector<float> q = test::random_floats(size_t(nq * hd), rng);
                const std::vector<float> keys = test::random_floats(size_t(n_keys * hd), rng);
                std::vector<float> blocks(size_t(n_blocks * KB * hd), NAN);
                for (int64_t j = 0; j < n_keys; j++)
                    for (int64_t d = 0; d < hd; d++)
                        blocks[size_t(j / KB * KB * hd + d * KB + j % KB)] =
                            keys[size_t(j * hd + d)];
                bytes k(ggml_row_size(cache, hd) * size_t(n_blocks * KB));
                bytes v(ggml_row_size(cache, hd) * size_t(n_keys));
                ggml_quantize_rows(cache, blocks.data(), k.data(), n_blocks * KB, hd);
                const std::vector<float> values = test::random_floats(size_t(n_keys * hd), rng);
                ggml_quantize_rows(cache, values.data(), v.data(), n_keys, hd);
                const size_t k_stride = ggml_row_size(cache, KB * hd);
                std::vector<float> want(size_t(nq * hd)), got(want.size());
                ref(hd, nq, q.data(), size_t(hd), n_first, k.data(), k_stride, v.data(),
                    ggml_row_size(cache, hd), want.data(), size_t(hd));
                active(hd, nq, q.data(), size_t(hd), n_first, k.data(), k_stride, v.data(),
                       ggml_row_size(cache, hd), got.data(), size_t(hd));
                for (size_t i = 0; i < want.size(); i++)
                    ASSERT_NEAR(want[i], got[i], 1e-5 * (1.0 + std::fabs(want[i])))
                        << ggml_type_name(cache) << " hd " << hd << ", " << nq
                        << " queries from key " << n_first << ", element " << i;
            }
        }
    }
}

// The SwiGLU gate of each level against the reference, arguments from the
// far negative (the gate closes) to the far positive (e^-x underflows).
TEST_P(Kernels, SwigluMatchesTheReference) {
    const ggml::swiglu_fn ref = ggml::traits_of(GGML_TYPE_F32).kernels[GGML_CPU_SCALAR]->swiglu;
    const ggml::swiglu_fn active = ggml::kernels_of(GGML_TYPE_F32).swiglu;
    for (int64_t n : {1, 8, 13, 64, 1000}) {
        std::vector<float> x = test::random_floats(size_t(n), rng), g = x, want(x.size()),
                           got(x.size());
        for (float &v : x) v *= 120.0f;
        for (float &v : g) v *= 3.0f;
        ref(n, x.data(), g.data(), want.data());
        active(n, x.data(), g.data(), got.data());
        for (size_t i = 0; i < x.size(); i++)
            ASSERT_NEAR(want[i], got[i], 1e-6 * (1.0 + std::fabs(want[i])))
                << "n = " << n << ", x = " << x[i];
    }
}

// The mix of a rotation's Paley factor (walsh_hadamard.h) at each level
// against the reference, bit for bit: factors of both of Paley's
// constructions, runs of one, two and four vectors of 8 at a time.
TEST_P(Kernels, HadamardMixEqualsTheReferenceExactly) {
    const ggml::hadamard_mix_fn active = ggml::kernels_of(GGML_TYPE_F32).hadamard_mix;
    for (int64_t m : {12, 20, 28, 36, 60, 108}) {
        ASSERT_EQ(ggml::hadamard_factor(m), m);
        const float *f = ggml::hadamard_factor_matrix(m);
        for (int64_t p : {8, 16, 24, 32, 128}) {
            const std::vector<float> in = test::random_floats(size_t(m * p), rng);
            std::vector<float> want(in.size()), got(in.size(), NAN);
            ggml::hadamard_mix(in.data(), want.data(), f, m, p);
            active(in.data(), got.data(), f, m, p);
            for (size_t i = 0; i < in.size(); i++)
                ASSERT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i]))
                    << "order " << m << ", runs of " << p << ", element " << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Levels, Kernels,
                         ::testing::Values(GGML_CPU_SCALAR, GGML_CPU_AVX2, GGML_CPU_AVX512,
                                           GGML_CPU_NEON),
                         [](const auto &info) {
                             return std::string(ggml_cpu_level_name(info.param));
                         });

} // namespace
