// The formats' element_levels (formats/traits.h): set_level writes exactly
// the bits the dequantizer reads for one element, and each element's value
// is an affine function of its level, fixed by the block's other fields.
#include "formats/traits.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using ggml::element_levels;
using ggml::traits_of;

std::vector<uint8_t> quantized(ggml_type type, const std::vector<float> &x) {
    std::vector<uint8_t> b(ggml_row_size(type, int64_t(x.size())));
    traits_of(type).quantize_row_ref(x.data(), b.data(), int64_t(x.size()));
    return b;
}

std::vector<float> decoded(ggml_type type, const std::vector<uint8_t> &b, int64_t n) {
    std::vector<float> y(static_cast<size_t>(n));
    traits_of(type).dequantize_row(b.data(), y.data(), n);
    return y;
}

// Every element of the row set to level q.
std::vector<uint8_t> all_at(ggml_type type, std::vector<uint8_t> b, int64_t n, int q) {
    for (int64_t j = 0; j < n; j++) traits_of(type).levels.set(b.data(), j, q);
    return b;
}

class ElementLevels : public testing::TestWithParam<ggml_type> {};

TEST_P(ElementLevels, SetLevelWritesWhatTheDecoderReadsOnTheLevelLine) {
    const ggml_type type = GetParam();
    const element_levels &lv = traits_of(type).levels;
    ASSERT_GT(lv.count, 1);
    ASSERT_NE(lv.set, nullptr);
    ASSERT_NE(lv.line, nullptr);
    const int64_t n = 512; // two super-blocks, four blocks of 128, sixteen of 32
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.1f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (float &v : x) v = normal(rng);
    x[5] = 6.0f; // an outlier, so that blocks differ in range

    const std::vector<uint8_t> blocks = quantized(type, x);
    const std::vector<float> value = decoded(type, blocks, n);
    std::vector<float> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
    lv.line(blocks.data(), n, a.data(), b.data());

    // Each element's level read back from its value, which is exactly
    // a * q + b; writing them into a row whose levels are all 0 gives back
    // the quantizer's bytes.
    std::vector<uint8_t> rebuilt = all_at(type, blocks, n, 0);
    for (int64_t j = 0; j < n; j++) {
        const float aj = a[size_t(j)], bj = b[size_t(j)];
        ASSERT_NE(aj, 0.0f) << "element " << j;
        const int q = int(std::lround((value[size_t(j)] - bj) / aj));
        ASSERT_GE(q, 0) << "element " << j;
        ASSERT_LT(q, lv.count) << "element " << j;
        ASSERT_EQ(aj * float(q) + bj, value[size_t(j)]) << "element " << j;
        lv.set(rebuilt.data(), j, q);
    }
    EXPECT_EQ(rebuilt, blocks);

    // Setting one element's level changes that element only, to exactly
    // a * q + b, at every level.
    for (int64_t j : {int64_t(0), int64_t(17), int64_t(31), int64_t(100), int64_t(255),
                      int64_t(256), int64_t(383), int64_t(511)}) {
        for (int q = 0; q < lv.count; q++) {
            std::vector<uint8_t> changed = blocks;
            lv.set(changed.data(), j, q);
            const std::vector<float> y = decoded(type, changed, n);
            ASSERT_EQ(y[size_t(j)], a[size_t(j)] * float(q) + b[size_t(j)])
                << "element " << j << " level " << q;
            for (int64_t i = 0; i < n; i++) {
                if (i != j) {
                    ASSERT_EQ(y[size_t(i)], value[size_t(i)]) << "element " << i << " set " << j;
                }
            }
        }
    }
}

TEST(ElementLevels, TableFormatsHaveNone) {
    EXPECT_EQ(traits_of(GGML_TYPE_IQ4_NL).levels.count, 0);
    EXPECT_EQ(traits_of(GGML_TYPE_IQ4_XS).levels.count, 0);
    EXPECT_EQ(traits_of(GGML_TYPE_F16).levels.count, 0);
}

INSTANTIATE_TEST_SUITE_P(Formats, ElementLevels,
                         testing::Values(GGML_TYPE_Q4_0, GGML_TYPE_Q4_1, GGML_TYPE_Q5_0,
                                         GGML_TYPE_Q5_1, GGML_TYPE_Q8_0, GGML_TYPE_Q2_K,
                                         GGML_TYPE_Q3_K, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K,
                                         GGML_TYPE_Q6_K, GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z,
                                         GGML_TYPE_Q4_Z128, GGML_TYPE_Q3_Z128, GGML_TYPE_Q2_Z,
                                         GGML_TYPE_Q2_Z128),
                         [](const testing::TestParamInfo<ggml_type> &i) {
                             return std::string(ggml_type_name(i.param));
                         });

} // namespace
