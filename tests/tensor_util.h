// Helpers for the ggml tests: fill tensors, read elements through strides,
// run a graph.
#pragma once

#include "ggml.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace test {

// Element (i0, i1, i2, i3) of an F32, F16 or I32 tensor, through its strides.
inline double get(const ggml_tensor *t, int64_t i0, int64_t i1 = 0, int64_t i2 = 0,
                  int64_t i3 = 0) {
    const char *p = static_cast<const char *>(t->data) + i0 * t->nb[0] + i1 * t->nb[1] +
                    i2 * t->nb[2] + i3 * t->nb[3];
    switch (t->type) {
    case GGML_TYPE_F32: {
        float v;
        std::memcpy(&v, p, 4);
        return v;
    }
    case GGML_TYPE_F16: {
        ggml_fp16_t v;
        std::memcpy(&v, p, 2);
        return ggml_fp16_to_fp32(v);
    }
    case GGML_TYPE_I32: {
        int32_t v;
        std::memcpy(&v, p, 4);
        return v;
    }
    default: return 0.0 / 0.0;
    }
}

inline void set(ggml_tensor *t, double v, int64_t i0, int64_t i1 = 0, int64_t i2 = 0,
                int64_t i3 = 0) {
    char *p = static_cast<char *>(t->data) + i0 * t->nb[0] + i1 * t->nb[1] + i2 * t->nb[2] +
              i3 * t->nb[3];
    if (t->type == GGML_TYPE_F32) {
        const float f = float(v);
        std::memcpy(p, &f, 4);
    } else if (t->type == GGML_TYPE_F16) {
        const ggml_fp16_t h = ggml_fp32_to_fp16(float(v));
        std::memcpy(p, &h, 2);
    } else {
        const int32_t i = int32_t(v);
        std::memcpy(p, &i, 4);
    }
}

// Calls f(i0, i1, i2, i3) for every element index of t.
template <typename F> void for_each_index(const ggml_tensor *t, F f) {
    for (int64_t i3 = 0; i3 < t->ne[3]; i3++)
        for (int64_t i2 = 0; i2 < t->ne[2]; i2++)
            for (int64_t i1 = 0; i1 < t->ne[1]; i1++)
                for (int64_t i0 = 0; i0 < t->ne[0]; i0++) f(i0, i1, i2, i3);
}

inline void fill_uniform(ggml_tensor *t, std::mt19937 &rng, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    for_each_index(t, [&](int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
        set(t, dist(rng), i0, i1, i2, i3);
    });
}

// A random F32 matrix as a plain vector, for filling quantized tensors.
inline std::vector<float> random_floats(size_t n, std::mt19937 &rng, float lo = -1.0f,
                                        float hi = 1.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (auto &x : v) x = dist(rng);
    return v;
}

// Plans and computes the graph of `out` on n_threads; returns the planner
// (the caller frees it after reading results). With poison, out is filled
// with NaNs first, so that an element the graph never writes shows.
inline ggml_planner *compute(ggml_context *ctx, ggml_tensor *out, int n_threads, bool reuse = true,
                             bool poison = false) {
    ggml_cgraph *g = ggml_new_graph(ctx);
    ggml_build_forward_expand(g, out);
    ggml_planner *planner = ggml_planner_new(reuse);
    if (!ggml_planner_alloc_graph(planner, g)) {
        ggml_planner_free(planner);
        return nullptr;
    }
    if (poison) std::memset(out->data, 0xff, ggml_nbytes(out));
    ggml_threadpool *pool = ggml_threadpool_new(n_threads);
    ggml_graph_compute(g, pool);
    ggml_threadpool_free(pool);
    return planner;
}

} // namespace test
