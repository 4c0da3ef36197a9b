// Ops that move and convert data: cpy/cont between F32 and F16 with any
// strides, keys into a cache of key blocks, activation conversion to a block
// format, and row and column lookup.
#include "cpu/ops.h"
#include "formats/row_groups.h"
#include "formats/scratch.h"
#include "formats/traits.h"
#include "fp16.h"

#include <vector>

namespace ggml::cpu {

namespace {

inline float load_float(const char *p, ggml_type type) {
    return type == GGML_TYPE_F32 ? *reinterpret_cast<const float *>(p)
                                 : fp16_to_fp32(*reinterpret_cast<const uint16_t *>(p));
}

inline void store_float(char *p, ggml_type type, float v) {
    if (type == GGML_TYPE_F32)
        *reinterpret_cast<float *>(p) = v;
    else
        *reinterpret_cast<uint16_t *>(p) = fp32_to_fp16(v);
}

} // namespace

// Element k of src goes to element k of dst, both counted in row-major order
// of their own shapes (which hold the same number of elements).
void forward_copy(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *src = dst->src[0];
    // rows are split by the destination's rows; when the shapes differ, the
    // source is walked element by element through its own indices
    const bool same_rows =
        src->ne[0] == dst->ne[0] && src->ne[1] == dst->ne[1] && src->ne[2] == dst->ne[2];
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        char *out = row_ptr(dst, r);
        if (same_rows) {
            const char *in = row_ptr(src, r);
            if (src->type == GGML_TYPE_F32 && src->nb[0] == sizeof(float) &&
                dst->nb[0] == ggml_type_size(dst->type)) { // a whole row: the level's kernel
                kernels_of(dst->type).quantize_row(reinterpret_cast<const float *>(in), out,
                                                   dst->ne[0]);
                continue;
            }
            for (int64_t i = 0; i < dst->ne[0]; i++)
                store_float(out + i * dst->nb[0], dst->type,
                            load_float(in + i * src->nb[0], src->type));
            continue;
        }
        for (int64_t i = 0; i < dst->ne[0]; i++) {
            int64_t k = r * dst->ne[0] + i; // flat index, decomposed in src's shape
            const int64_t s0 = k % src->ne[0];
            k /= src->ne[0];
            const int64_t s1 = k % src->ne[1];
            k /= src->ne[1];
            const int64_t s2 = k % src->ne[2];
            const int64_t s3 = k / src->ne[2];
            const char *in = static_cast<const char *>(src->data) + s0 * src->nb[0] +
                             s1 * src->nb[1] + s2 * src->nb[2] + s3 * src->nb[3];
            store_float(out + i * dst->nb[0], dst->type, load_float(in, src->type));
        }
    }
}

namespace {

// Keys into the blocks of a key cache (ggml_store_keys), of elements T:
// each (block, head) is one item, its keys converted by the level's kernel
// and placed element by element, GGML_KEY_BLOCK apart.
template <class T> void store_keys(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *k = dst->src[0];
    const int64_t first = dst->op_params[0]; // position of key 0 in the first block
    const int64_t hd = k->ne[0], heads = k->ne[1], n = k->ne[2];
    const quantize_row_fn convert = kernels_of(dst->type).quantize_row;
    auto *key = static_cast<T *>(kernel_scratch(size_t(hd) * sizeof(T)));
    const auto [begin, end] = split_rows(heads * dst->ne[3], p);
    for (int64_t item = begin; item < end; item++) {
        const int64_t b = item / heads, h = item % heads;
        T *block =
            reinterpret_cast<T *>(static_cast<char *>(dst->data) + h * dst->nb[2] + b * dst->nb[3]);
        for (int64_t j = 0; j < GGML_KEY_BLOCK; j++) {
            const int64_t i = b * GGML_KEY_BLOCK + j - first; // the key's index in k
            if (i < 0 || i >= n) continue;
            convert(reinterpret_cast<const float *>(static_cast<const char *>(k->data) +
                                                    h * k->nb[1] + i * k->nb[2]),
                    key, hd);
            for (int64_t d = 0; d < hd; d++) block[d * GGML_KEY_BLOCK + j] = key[d];
        }
    }
}

} // namespace

void forward_store_keys(const compute_params &p, ggml_tensor *dst) {
    if (dst->type == GGML_TYPE_F32)
        store_keys<float>(p, dst);
    else
        store_keys<uint16_t>(p, dst);
}

void forward_quantize(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *src = dst->src[0];
    const ggml_tensor *b = dst->src[1];          // of the map: the signs, or swiglu's second input
    const auto map = ggml_op(dst->op_params[0]); // each row mapped first (ops.cpp's quantize_node)
    const quantize_row_fn quantize = kernels_of(dst->type).quantize_row;
    const swiglu_fn swiglu = kernels_of(GGML_TYPE_F32).swiglu;
    thread_local std::vector<float> mapped;
    if (map != GGML_OP_NONE) mapped.resize(size_t(src->ne[0]));
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const auto *row = reinterpret_cast<const float *>(row_ptr(src, r));
        if (map == GGML_OP_HADAMARD) {
            hadamard_row(row, mapped.data(), b, src->ne[0]);
            row = mapped.data();
        } else if (map == GGML_OP_SWIGLU) {
            swiglu(src->ne[0], row, reinterpret_cast<const float *>(row_ptr(b, r)), mapped.data());
            row = mapped.data();
        }
        quantize(row, row_ptr(dst, r), src->ne[0]);
    }
}

void forward_get_rows(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *idx = dst->src[1];
    const format_traits &t = traits_of(a->type);
    // in a matrix repacked in row groups, the rows before the last whole group
    const int64_t grouped_rows =
        (a->flags & GGML_TENSOR_FLAG_ROW_GROUPS) ? a->ne[1] / ROW_GROUP * ROW_GROUP : 0;
    const int64_t nb = a->ne[0] / t.blck_size;
    const auto [begin, end] = split_rows(dst->ne[1], p);
    for (int64_t r = begin; r < end; r++) {
        const int32_t row = *reinterpret_cast<const int32_t *>(
            static_cast<const char *>(idx->data) + r * idx->nb[0]);
        GGML_ASSERT(row >= 0 && row < a->ne[1], "get_rows: index %d is outside '%s' (%lld rows)",
                    row, a->name, (long long)a->ne[1]);
        const char *in = static_cast<const char *>(a->data) + row * a->nb[1];
        if (row < grouped_rows) {
            char *unpacked = static_cast<char *>(kernel_scratch(a->nb[1]));
            unpack_row(t, static_cast<const char *>(a->data) + (row - row % ROW_GROUP) * a->nb[1],
                       row % ROW_GROUP, nb, unpacked);
            in = unpacked;
        }
        t.dequantize_row(in, reinterpret_cast<float *>(row_ptr(dst, r)), a->ne[0]);
    }
}

void forward_get_cols(const compute_params &p, ggml_tensor *dst) {
    const ggml_tensor *a = dst->src[0];
    const ggml_tensor *idx = dst->src[1];
    const auto *cols = static_cast<const char *>(idx->data);
    const auto [begin, end] = split_rows(ggml_nrows(dst), p);
    for (int64_t r = begin; r < end; r++) {
        const char *in = row_ptr(a, r);
        auto *out = reinterpret_cast<float *>(row_ptr(dst, r));
        for (int64_t j = 0; j < dst->ne[0]; j++) {
            const int32_t col = *reinterpret_cast<const int32_t *>(cols + j * idx->nb[0]);
            GGML_ASSERT(col >= 0 && col < a->ne[0],
                        "get_cols: index %d is outside the rows of '%s' (%lld elements)", col,
                        a->name, (long long)a->ne[0]);
            out[j] = *reinterpret_cast<const float *>(in + col * a->nb[0]);
        }
    }
}

} // namespace ggml::cpu
