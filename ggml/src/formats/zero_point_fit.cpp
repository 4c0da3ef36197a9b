#include "formats/zero_point_fit.h"

#include "formats/quant_math.h"
#include "fp16.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace ggml {

namespace {

// Candidate scales: the group's range over maxq - BELOW + i (BELOW + ABOVE)
// / STEPS steps, i = 0..STEPS: coarser steps (the grid reaching past the
// extremes) to finer ones (the extremes clipped), each refitted by least
// squares, as llama.cpp's searches span them. The span
// was chosen on stories260K's KL divergence: -3..+2 levels in steps of 1/8
// beat -1..+1 in steps of 1/10 (Q4_Z 0.1818 against 0.1851, Q4_1 0.1826).
constexpr int STEPS = 40;
constexpr float BELOW = 3.0f, ABOVE = 2.0f;
// Rounds of refinement of the best zero point (its neighbours, each with
// its least-squares scale).
constexpr int REFINE_ROUNDS = 2;

// d as the block stores it: fp16, the largest finite one for anything above.
float stored_scale(float d) {
    const float r = fp16_to_fp32(fp32_to_fp16(d));
    return std::isfinite(r) ? r : 65504.0f;
}

class search {
  public:
    // NaN counts as 0, as in the other formats (weights the quantize tool
    // refuses, but a block must still be defined).
    search(const float *x, const float *w, int n, int maxq)
        : x_(x, x + n), w_(w), n_(n), maxq_(maxq), q_(size_t(n)), best_q_(size_t(n)) {
        for (float &v : x_)
            if (v != v) v = 0.0f;
    }

    // Scores (d rounded to fp16, z) and keeps it if it is the best so far.
    void score(float d, int z) {
        if (!(d >= 0.0f) || z < 0 || z > maxq_) return;
        const float ds = stored_scale(d);
        uint8_t *q = q_.data();
        float err = 0.0f;
        const float id = ds > 0.0f ? 1.0f / ds : 0.0f;
        for (int j = 0; j < n_; j++) {
            const int l = ds > 0.0f ? level(x_[j] * id, z) : z;
            q[j] = uint8_t(l);
            const float e = x_[j] - float(l - z) * ds;
            err += weight(j) * e * e;
        }
        if (!has_best_ || err < best_err_) {
            has_best_ = true;
            best_err_ = err;
            best_ = {fp32_to_fp16(ds), z};
            best_d_ = ds;
            best_q_.swap(q_);
        }
    }

    // The least-squares scale for levels q and zero z: sum w x (q - z) /
    // sum w (q - z)^2; -1 when every level is the zero point.
    float least_squares_scale(const uint8_t *q, int z) const {
        float num = 0.0f, den = 0.0f;
        for (int j = 0; j < n_; j++) {
            const float l = float(int(q[j]) - z);
            num += weight(j) * x_[j] * l;
            den += weight(j) * l * l;
        }
        return den > 0.0f ? num / den : -1.0f;
    }

    // The levels of x on the grid of inverse scale iscale and zero z, then
    // that grid's least-squares scale, scored.
    void score_grid(float iscale, int z) {
        for (int j = 0; j < n_; j++) q_[size_t(j)] = uint8_t(level(x_[j] * iscale, z));
        score(least_squares_scale(q_.data(), z), z);
    }

    // The neighbours of the best zero point, each with the least-squares
    // scale of its levels at the best scale.
    void refine() {
        for (int round = 0; round < REFINE_ROUNDS; round++) {
            const int z0 = best_.z;
            const float d0 = best_d_;
            if (d0 <= 0.0f) return;
            for (int z = z0 - 1; z <= z0 + 1; z++)
                if (z >= 0 && z <= maxq_) score_grid(1.0f / d0, z);
        }
    }

    zero_point_grid result(uint8_t *q) const {
        std::memcpy(q, best_q_.data(), size_t(n_));
        return best_;
    }

  private:
    float weight(int j) const { return w_ ? w_[j] : 1.0f; }
    // The level nearest v (x over the scale) for zero z; clamping v to one
    // level past either end first changes no result and keeps the conversion
    // defined for infinite and huge values.
    int level(float v, int z) const {
        return std::clamp(round_clamped(v, -maxq_ - 1, maxq_ + 1) + z, 0, maxq_);
    }

    std::vector<float> x_;
    const float *w_;
    int n_, maxq_;
    bool has_best_ = false;
    float best_err_ = 0.0f, best_d_ = 0.0f;
    zero_point_grid best_{0, 0};
    std::vector<uint8_t> q_, best_q_; // levels being scored, and the best ones
};

} // namespace

zero_point_grid fit_zero_point(const float *x, const float *w, int n, int maxq, uint8_t *q) {
    // the grid always holds 0 (the level z), so the range it spans does too
    float lo = 0.0f, hi = 0.0f;
    for (int j = 0; j < n; j++) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
    if (hi == lo) { // all zero
        std::memset(q, 0, size_t(n));
        return {0, 0};
    }
    search s(x, w, n, maxq);
    const float range = hi - lo;
    // the min/max rule
    const float d = range / float(maxq);
    s.score(d, round_clamped(-lo / d, 0, maxq));
    for (int i = 0; i <= STEPS; i++) {
        const float iscale =
            (float(maxq) - BELOW + (BELOW + ABOVE) * float(i) / float(STEPS)) / range;
        s.score_grid(iscale, round_clamped(-lo * iscale, 0, maxq));
    }
    s.refine();
    return s.result(q);
}

} // namespace ggml
