// The input rotation of linear layers stored rotated (walsh_hadamard.h):
// rotate_blocks' butterflies on four floats at a time and its mix of runs,
// in the same order and with the same operations, so the bits are the
// reference's.
#include "cpu/ops.h"
#include "formats/traits.h"
#include "walsh_hadamard.h"

#include <cmath>
#include <vector>

namespace ggml::cpu {

namespace {

// GCC's and Clang's portable vectors: SSE2 on x86, NEON on ARM
using f4 = float __attribute__((vector_size(16)));

inline f4 load(const float *p) {
    f4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float *p, f4 v) { std::memcpy(p, &v, sizeof v); }

// out = H (s * in) / sqrt(b) per block of b = m p, p >= 4 (rotate_blocks'
// steps: the butterflies of W_p on runs of p, F's mix, the scale)
void rotate_row(const float *in, float *out, const int32_t *signs, int64_t n, int64_t b,
                int64_t m) {
    const int64_t p = b / m;
    const f4 scale = f4{} + float(1.0 / std::sqrt(double(b)));
    const f4 odd_minus = {1.0f, -1.0f, 1.0f, -1.0f}, high_minus = {1.0f, 1.0f, -1.0f, -1.0f};
    for (int64_t o = 0; o < n; o += p) {
        // the signs, then the butterflies of spans 1 and 2 inside each four
        for (int64_t k = o; k < o + p; k += 4) {
            const f4 s = {float(signs[k]), float(signs[k + 1]), float(signs[k + 2]),
                          float(signs[k + 3])};
            f4 v = load(in + k) * s;
            v = __builtin_shufflevector(v, v, 0, 0, 2, 2) +
                __builtin_shufflevector(v, v, 1, 1, 3, 3) * odd_minus; // u + v, u - v (exact)
            v = __builtin_shufflevector(v, v, 0, 1, 0, 1) +
                __builtin_shufflevector(v, v, 2, 3, 2, 3) * high_minus;
            store(out + k, v);
        }
        for (int64_t h = 4; h < p; h *= 2)
            for (int64_t i = o; i < o + p; i += 2 * h)
                for (int64_t j = i; j < i + h; j += 4) {
                    const f4 u = load(out + j), v = load(out + j + h);
                    store(out + j, u + v);
                    store(out + j + h, u - v);
                }
    }
    if (m == 1) {
        for (int64_t k = 0; k < n; k += 4) store(out + k, load(out + k) * scale);
        return;
    }
    thread_local std::vector<float> mixed;
    mixed.resize(size_t(b));
    const float *f = hadamard_factor_matrix(m);
    const hadamard_mix_fn mix =
        p % 8 == 0 ? kernels_of(GGML_TYPE_F32).hadamard_mix : hadamard_mix<float>; // runs too short
    for (int64_t o = 0; o < n; o += b) {
        mix(out + o, mixed.data(), f, m, p);
        for (int64_t k = 0; k < b; k += 4) store(out + o + k, load(mixed.data() + k) * scale);
    }
}

} // namespace

void hadamard_row(const float *in, float *out, const ggml_tensor *signs, int64_t n) {
    const auto *s = static_cast<const int32_t *>(signs->data);
    const int64_t b = signs->ne[0], m = hadamard_factor(b);
    if (b / m >= 4) {
        rotate_row(in, out, s, n, b, m);
    } else { // runs too short for the vectors
        std::memcpy(out, in, size_t(n) * sizeof(float));
        rotate_blocks(out, n, s, b);
    }
}

void forward_hadamard(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++)
        hadamard_row(reinterpret_cast<const float *>(row_ptr(a, r)),
                     reinterpret_cast<float *>(row_ptr(dst, r)), dst->src[1], a->ne[0]);
}

} // namespace ggml::cpu
