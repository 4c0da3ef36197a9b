// The K-quants' scale searches (see scale_search.h). Built with
// -ffp-contract=off like all of ggml: each a * b + c rounds twice, as in
// llama.cpp's own (x86-64, no FMA) build of ggml-quants.c, which is what
// makes the results identical.
#include "k/scale_search.h"

#include <algorithm>
#include <cmath>

namespace ggml {

float signed_max(int n, const float *x, float *amax) {
    float max = 0.0f, largest = 0.0f;
    for (int i = 0; i < n; i++) {
        if (std::fabs(x[i]) > largest) {
            largest = std::fabs(x[i]);
            max = x[i];
        }
    }
    if (amax) *amax = largest;
    return max;
}

namespace {

int clamp_level(int l, int nmax) { return std::max(-nmax, std::min(nmax - 1, l)); }

} // namespace

float symmetric_scale_search(int n, int nmax, const float *x, int8_t *L, const float *weights) {
    float amax;
    const float max = signed_max(n, x, &amax);
    if (amax < GROUP_MAX_EPS) {
        std::fill(L, L + n, int8_t(0));
        return 0.0f;
    }
    // sums of w x l and w l^2 for the levels of one inverse scale
    auto sums = [&](float iscale, float *sumlx, float *suml2) {
        *sumlx = *suml2 = 0.0f;
        for (int i = 0; i < n; i++) {
            const int l = clamp_level(nearest_int(iscale * x[i]), nmax);
            const float w = weights ? weights[i] : x[i] * x[i];
            *sumlx += w * x[i] * float(l);
            *suml2 += w * float(l) * float(l);
        }
    };
    auto set_levels = [&](float iscale) {
        for (int i = 0; i < n; i++)
            L[i] = int8_t(nmax + clamp_level(nearest_int(iscale * x[i]), nmax));
    };
    float iscale = float(-nmax) / max;
    float sumlx, suml2;
    sums(iscale, &sumlx, &suml2);
    set_levels(iscale);
    // the error of the best scale for given levels is sum w x^2 - sumlx^2 /
    // suml2, so the levels with the largest sumlx^2 / suml2 win
    float scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int k = -9; k <= 9; k++) {
        if (k == 0) continue;
        iscale = -(float(nmax) + 0.1f * float(k)) / max;
        sums(iscale, &sumlx, &suml2);
        if (suml2 > 0.0f && sumlx * sumlx > best * suml2) {
            set_levels(iscale);
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

float q3_scale_search(int n, int nmax, const float *x, int8_t *L) {
    float amax;
    const float max = signed_max(n, x, &amax);
    if (amax < GROUP_MAX_EPS) {
        std::fill(L, L + n, int8_t(0));
        return 0.0f;
    }
    const float iscale = float(-nmax) / max;
    float sumlx = 0.0f, suml2 = 0.0f;
    for (int i = 0; i < n; i++) {
        const int l = clamp_level(nearest_int(iscale * x[i]), nmax);
        L[i] = int8_t(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * float(l);
        suml2 += w * float(l) * float(l);
    }
    for (int pass = 0; pass < 5; pass++) {
        int n_changed = 0;
        for (int i = 0; i < n; i++) {
            // the fit without element i, and the level that suits it best
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * float(L[i]);
            if (slx <= 0.0f) continue;
            float sl2 = suml2 - w * float(L[i]) * float(L[i]);
            const int new_l = clamp_level(nearest_int(x[i] * sl2 / slx), nmax);
            if (new_l == L[i]) continue;
            slx += w * x[i] * float(new_l);
            sl2 += w * float(new_l) * float(new_l);
            // keep it if slx^2 / sl2 grows (compared without dividing)
            if (sl2 > 0.0f && slx * slx * suml2 > sumlx * sumlx * sl2) {
                L[i] = int8_t(new_l);
                sumlx = slx;
                suml2 = sl2;
                n_changed++;
            }
        }
        if (n_changed == 0) break;
    }
    for (int i = 0; i < n; i++) L[i] = int8_t(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

float min_scale_search(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                       float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep,
                       bool use_mad) {
    float min = x[0], max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; i++) {
        min = std::min(min, x[i]);
        max = std::max(max, x[i]);
        sum_w += weights[i];
        sum_x += weights[i] * x[i];
    }
    if (min > 0.0f) min = 0.0f; // the range always reaches zero
    if (max == min) {
        std::fill(L, L + n, uint8_t(0));
        *the_min = -min;
        return 0.0f;
    }
    auto error = [&](float diff) { return use_mad ? std::fabs(diff) : diff * diff; };
    float iscale = float(nmax) / (max - min);
    float scale = 1.0f / iscale;
    float best_error = 0.0f;
    for (int i = 0; i < n; i++) {
        L[i] = uint8_t(std::max(0, std::min(nmax, nearest_int(iscale * (x[i] - min)))));
        best_error += weights[i] * error(scale * float(L[i]) + min - x[i]);
    }
    for (int step = 0; step <= nstep; step++) {
        iscale = (rmin + rdelta * float(step) + float(nmax)) / (max - min);
        float sum_l = 0.0f, sum_l2 = 0.0f, sum_xl = 0.0f;
        for (int i = 0; i < n; i++) {
            const int l = std::max(0, std::min(nmax, nearest_int(iscale * (x[i] - min))));
            Laux[i] = uint8_t(l);
            const float w = weights[i];
            sum_l += w * float(l);
            sum_l2 += w * float(l) * float(l);
            sum_xl += w * float(l) * x[i];
        }
        // weighted least squares of x ~ scale * l + min
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D <= 0.0f) continue;
        float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
        float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
        if (this_min > 0.0f) { // a positive min is not representable: fit through 0
            this_min = 0.0f;
            this_scale = sum_xl / sum_l2;
        }
        float cur_error = 0.0f;
        for (int i = 0; i < n; i++)
            cur_error += weights[i] * error(this_scale * float(Laux[i]) + this_min - x[i]);
        if (cur_error < best_error) {
            std::copy(Laux, Laux + n, L);
            best_error = cur_error;
            scale = this_scale;
            min = this_min;
        }
    }
    *the_min = -min;
    return scale;
}

} // namespace ggml
