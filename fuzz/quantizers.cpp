// The quantizers on any floats: every type's reference quantizer and
// dequantizer, and its importance-weighted one where it has one (the
// sanitizers catch undefined conversions), and for finite
// floats the activation quantizers of every kernel level this CPU has,
// which must write the reference's bytes.
#include "formats/traits.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const std::vector<ggml_type> types = [] {
        std::vector<ggml_type> all(ggml_types(nullptr, 0));
        ggml_types(all.data(), all.size());
        std::erase(all, GGML_TYPE_I32);
        return all;
    }();
    const int64_t n_floats = int64_t(size / sizeof(float));
    if (n_floats < 32) return 0;
    std::vector<float> x(static_cast<size_t>(n_floats));
    std::memcpy(x.data(), data, size_t(n_floats) * sizeof(float));

    std::vector<uint8_t> q, simd, weighted;
    std::vector<float> back, importance;
    for (ggml_type type : types) {
        const int64_t n = n_floats / ggml_blck_size(type) * ggml_blck_size(type);
        if (n == 0) continue;
        bool finite = true;
        for (int64_t i = 0; i < n; i++) finite = finite && std::isfinite(x[size_t(i)]);
        q.assign(ggml_row_size(type, n), 0);
        if (ggml_quantize_rows(type, x.data(), q.data(), 1, n) != q.size()) std::abort();
        back.resize(size_t(n));
        ggml_dequantize_row(type, q.data(), back.data(), n);
        if (ggml_quantize_uses_importance(type)) {
            // an importance per element as the readers accept them (finite,
            // >= 0), from the input too
            importance.resize(size_t(n));
            for (int64_t i = 0; i < n; i++) {
                const float v = std::fabs(x[size_t((i + 1) % n)]);
                importance[size_t(i)] = std::isfinite(v) ? v : 1.0f;
            }
            weighted.assign(q.size(), 0);
            if (ggml_quantize_rows_weighted(type, x.data(), weighted.data(), 1, n,
                                            importance.data()) != weighted.size())
                std::abort();
            ggml_dequantize_row(type, weighted.data(), back.data(), n);
        }
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
