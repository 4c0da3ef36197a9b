// The quantizers on any floats: every type's reference quantizer and
// dequantizer (the sanitizers catch undefined conversions), and for finite
// floats the activation quantizers of every kernel level this CPU has,
// which must write the reference's bytes.
#include "formats/traits.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const int64_t n = int64_t(size / sizeof(float)) / 32 * 32;
    if (n == 0) return 0;
    std::vector<float> x(static_cast<size_t>(n));
    std::memcpy(x.data(), data, size_t(n) * sizeof(float));
    bool finite = true;
    for (float v : x) finite = finite && std::isfinite(v);

    std::vector<uint8_t> q, simd;
    std::vector<float> back(static_cast<size_t>(n));
    for (ggml_type type : {GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_Q4_0, GGML_TYPE_Q4_1,
                           GGML_TYPE_Q8_0, GGML_TYPE_Q8_1, GGML_TYPE_Q4_Z, GGML_TYPE_Q3_Z}) {
        q.assign(ggml_row_size(type, n), 0);
        if (ggml_quantize_rows(type, x.data(), q.data(), 1, n) != q.size()) std::abort();
        ggml_dequantize_row(type, q.data(), back.data(), n);
        if (!finite) continue;
        for (ggml_cpu_level level : {GGML_CPU_AVX2, GGML_CPU_AVX512, GGML_CPU_NEON}) {
            if (!ggml_cpu_set_level(level)) continue;
            simd.assign(q.size(), 0);
            ggml::kernels_of(type).quantize_row(x.data(), simd.data(), n);
            if (simd != q) std::abort();
        }
        ggml_cpu_set_level(GGML_CPU_SCALAR);
    }
    return 0;
}
