// format_kernels::swiglu over a vector policy V of 8 floats (as in
// float/attention.h: its exp), the tail by the scalar formula. Internal
// linkage only.
#pragma once

#include <cmath>
#include <cstdint>

namespace {

template <class V> void swiglu(int64_t n, const float *x, const float *g, float *out) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const typename V::vec xi = V::load(x + i);
        // x / (1 + e^-x); for x below -87 e^-x overflows to inf and the gate is 0 either way
        const typename V::vec e = V::exp(V::sub(V::zero(), xi));
        V::store(out + i, V::mul(V::div(xi, V::add(V::set1(1.0f), e)), V::load(g + i)));
    }
    for (; i < n; i++) out[i] = x[i] / (1.0f + std::exp(-x[i])) * g[i];
}

} // namespace
