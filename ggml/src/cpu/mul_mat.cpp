// dst = a * b^T over rows, batched over dims 2 and 3 with a broadcast (GQA).
// b is already in a's activation type (the QUANTIZE node converted it once).
//
// Block formats go through their gemm kernel, which reads weight rows in
// groups of 8 (formats/row_groups.h): a matrix repacked at load time
// (ggml_repack_rows) is read in place; other rows are packed into a
// per-thread scratch group first; the rows past the last whole group go into
// a group padded with zero rows. Float formats take one vec_dot per element.
// Threads split the groups (or, for a batch against a repacked matrix, the
// activation rows), and every element is computed the same way whatever the
// split, so results never depend on the thread count.
#include "cpu/mul_mat_tiles.h"
#include "cpu/ops.h"
#include "formats/row_groups.h"
#include "formats/scratch.h"
#include "formats/traits.h"

namespace ggml::cpu {

namespace {

struct operands {
    const format_traits &t;
    gemm_fn gemm;
    int64_t K, M, N;
    size_t row_bytes; // of a weight row
    size_t bs;        // output row stride in floats
    size_t by;        // activation row stride in bytes
    bool grouped;     // a repacked in place
    bool by_act;      // threads split the activation rows (a is small)
};

// The activation rows [n0, n1) a thread takes against some weight rows.
struct act_range {
    int64_t n0, n1;
};

// Output rows [8 * g0, 8 * g1) of one batch, all whole groups, for the
// activation rows of r: weight tiles (mul_mat_tiles.h), each against every
// activation tile of TILE_Y rows (a tile of weights stays in cache while the
// activations pass). With at most one activation tile (token generation)
// there is nothing to keep: one call takes all the groups of a repacked
// matrix. So does a matrix small enough to split by activation rows, which
// stays in cache whole; each call then prepares its activation rows once,
// where weight tiles would prepare them once each (110M Q8_0 prompts, 1
// thread, Xeon: +2 %; 400M Q4_0, 2 threads: +3 %).
void whole_groups(const operands &o, const char *a_base, const char *b_base, float *d_base,
                  int64_t g0, int64_t g1, act_range r) {
    const size_t group_bytes = size_t(ROW_GROUP) * o.row_bytes;
    const int64_t tile_g = o.grouped && (o.N <= TILE_Y || o.by_act)
                               ? g1 - g0
                               : std::max(TILE_X / ROW_GROUP, int64_t(TILE_BYTES / group_bytes));
    char *packed =
        o.grouped ? nullptr : static_cast<char *>(packing_scratch(size_t(tile_g) * group_bytes));
    for (int64_t g = g0; g < g1; g += tile_g) {
        const int ng = int(std::min(tile_g, g1 - g));
        const char *x = a_base + size_t(g) * group_bytes;
        if (!o.grouped) {
            for (int i = 0; i < ng; i++)
                pack_group(o.t, x + size_t(i) * group_bytes, o.row_bytes, o.K / o.t.blck_size,
                           packed + size_t(i) * group_bytes);
            x = packed;
        }
        for (int64_t n = r.n0; n < r.n1; n += TILE_Y) {
            const int ny = int(std::min(TILE_Y, r.n1 - n));
            o.gemm(o.K, d_base + size_t(n) * o.bs + size_t(g * ROW_GROUP), o.bs, x, group_bytes, ng,
                   b_base + size_t(n) * o.by, o.by, ny);
        }
    }
}

// The last M % 8 rows (never repacked): a group padded with zero blocks,
// whose results go to scratch first.
void partial_group(const operands &o, const char *a_base, const char *b_base, float *d_base,
                   act_range r) {
    const int64_t first = o.M / ROW_GROUP * ROW_GROUP;
    const int rows = int(o.M - first);
    const size_t group_bytes = size_t(ROW_GROUP) * o.row_bytes;
    char *rows_in = static_cast<char *>(
        packing_scratch(2 * group_bytes + size_t(ROW_GROUP * TILE_Y) * sizeof(float)));
    std::memcpy(rows_in, a_base + size_t(first) * o.row_bytes, size_t(rows) * o.row_bytes);
    std::memset(rows_in + size_t(rows) * o.row_bytes, 0, size_t(ROW_GROUP - rows) * o.row_bytes);
    char *group = rows_in + group_bytes;
    pack_group(o.t, rows_in, o.row_bytes, o.K / o.t.blck_size, group);
    auto *out = reinterpret_cast<float *>(group + group_bytes);
    for (int64_t n = r.n0; n < r.n1; n += TILE_Y) {
        const int ny = int(std::min(TILE_Y, r.n1 - n));
        o.gemm(o.K, out, ROW_GROUP, group, group_bytes, 1, b_base + size_t(n) * o.by, o.by, ny);
        for (int j = 0; j < ny; j++)
            std::memcpy(d_base + size_t(n + j) * o.bs + size_t(first), out + j * ROW_GROUP,
                        size_t(rows) * sizeof(float));
    }
}

} // namespace

void forward_mul_mat(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *b = dst->src[1];
#ifdef GGML_USE_OPENBLAS // (without, an unoptimized build would still name the BLAS path)
    if (b->type == GGML_TYPE_F32 && mul_mat_uses_blas(a, b)) {
        forward_mul_mat_blas(p, dst);
        return;
    }
#endif
    const active_kernels &k = kernels_of(a->type);
    GGML_ASSERT(k.vec_dot != nullptr, "%s cannot be a weight of mul_mat", ggml_type_name(a->type));
    const int64_t K = a->ne[0], M = a->ne[1], N = b->ne[1];
    const int64_t n_batch = b->ne[2] * b->ne[3];
    const int64_t r2 = b->ne[2] / a->ne[2], r3 = b->ne[3] / a->ne[3];
    const size_t bs = dst->nb[1] / sizeof(float);
    const bool grouped = (a->flags & GGML_TENSOR_FLAG_ROW_GROUPS) != 0;
    // Work items per batch: groups of 8 rows (the last one maybe partial),
    // each against every activation row; or, for a repacked matrix of at
    // most ACT_SPLIT_BYTES and an activation tile for every chunk of work,
    // activation tiles against all the groups (mul_mat_tiles.h says why).
    const int64_t y_tiles = (N + TILE_Y - 1) / TILE_Y;
    const bool by_act =
        k.gemm && grouped && y_tiles >= p.nth && size_t(M) * a->nb[1] <= ACT_SPLIT_BYTES;
    const int64_t groups = (M + ROW_GROUP - 1) / ROW_GROUP;
    const int64_t per_batch = by_act ? y_tiles : k.gemm ? groups : M;
    const auto [begin, end] = split_rows(n_batch * per_batch, p);
    for (int64_t item = begin; item < end;) {
        const int64_t batch = item / per_batch, i0 = item % per_batch;
        const int64_t i1 = std::min(per_batch, i0 + (end - item));
        const int64_t i2 = batch % b->ne[2], i3 = batch / b->ne[2];
        const char *a_base =
            static_cast<const char *>(a->data) + (i2 / r2) * a->nb[2] + (i3 / r3) * a->nb[3];
        const char *b_base = static_cast<const char *>(b->data) + i2 * b->nb[2] + i3 * b->nb[3];
        auto *d_base = reinterpret_cast<float *>(static_cast<char *>(dst->data) + i2 * dst->nb[2] +
                                                 i3 * dst->nb[3]);
        if (k.gemm) {
            const format_traits &t = traits_of(a->type);
            const operands o{t, k.gemm, K, M, N, a->nb[1], bs, b->nb[1], grouped, by_act};
            // the items as groups [g0, g1) against activation rows r
            const int64_t whole = M / ROW_GROUP;
            const int64_t g0 = by_act ? 0 : i0, g1 = by_act ? groups : i1;
            const act_range r =
                by_act ? act_range{i0 * TILE_Y, std::min(N, i1 * TILE_Y)} : act_range{0, N};
            if (g0 < whole) whole_groups(o, a_base, b_base, d_base, g0, std::min(g1, whole), r);
            if (g1 > whole) partial_group(o, a_base, b_base, d_base, r);
        } else {
            GGML_ASSERT(!grouped, "%s rows cannot be grouped", ggml_type_name(a->type));
            for (int64_t m = i0; m < i1; m++) {
                const char *x = a_base + m * a->nb[1];
                for (int64_t n = 0; n < N; n++)
                    k.vec_dot(K, d_base + n * bs + m, x, b_base + n * b->nb[1]);
            }
        }
        item += i1 - i0;
    }
}

} // namespace ggml::cpu
