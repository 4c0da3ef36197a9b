#include "checkpoints/gptq_import.h"

#include "checkpoints/z_blocks.h"
#include "string_printf.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace convert {

using llama::string_printf;

namespace {

constexpr int64_t BLOCK = 32;        // weights per Q4_Z / Q3_Z block
constexpr int64_t LARGE_BLOCK = 128; // per Q4_Z128 / Q3_Z128 block

// Value `index` of a sequence of `bits`-bit fields packed into int32 words,
// word(i) returning the i-th word. 2, 4 and 8 bits pack 32/bits values per
// word; 3 bits pack 32 values into 3 words, two values straddling words.
template <typename Word> int unpack(const Word &word, int64_t index, int bits) {
    if (bits != 3) {
        const int64_t per_word = 32 / bits;
        return int((uint32_t(word(index / per_word)) >> (bits * (index % per_word))) &
                   ((1u << bits) - 1));
    }
    const int64_t base = 3 * (index / 32);
    const int j = int(index % 32);
    const auto w0 = uint32_t(word(base)), w1 = uint32_t(word(base + 1)),
               w2 = uint32_t(word(base + 2));
    if (j < 10) return int((w0 >> (3 * j)) & 7);
    if (j == 10) return int((w0 >> 30) | ((w1 & 1) << 2));
    if (j < 21) return int((w1 >> (3 * (j - 11) + 1)) & 7);
    if (j == 21) return int((w1 >> 31) | ((w2 & 3) << 1));
    return int((w2 >> (3 * (j - 22) + 2)) & 7);
}

// The tensor prefix + suffix with the dtypes allowed and a 1-D or 2-D shape;
// nullptr and *error when absent (and required) or wrong.
const st_tensor *get(const safetensors_set &st, const std::string &name,
                     std::initializer_list<st_dtype> dtypes, size_t n_dims, bool required,
                     std::string *error) {
    const st_tensor *t = st.find(name);
    if (!t) {
        if (required) *error = st.dir() + ": missing tensor '" + name + "'";
        return nullptr;
    }
    if (std::find(dtypes.begin(), dtypes.end(), t->dtype) == dtypes.end()) {
        *error = t->file + ": tensor '" + name + "' has dtype " + st_dtype_name(t->dtype) +
                 ", which a GPTQ " + name.substr(name.rfind('.') + 1) + " cannot have";
        return nullptr;
    }
    if (t->shape.size() != n_dims) {
        *error = t->file + ": tensor '" + name + "' has shape " + st_shape_str(t->shape) +
                 string_printf(", expected %zu dimensions", n_dims);
        return nullptr;
    }
    return t;
}

} // namespace

bool read_gptq_config(const json::value &qc, const std::string &source, gptq_config *out,
                      std::string *error) {
    if (qc.type != json::kind::OBJECT) {
        *error = source + ": the quantization config is not an object";
        return false;
    }
    gptq_config c;
    std::string method = "gptq", format = "gptq";
    int64_t bits = 0, group_size = -1;
    using json::get_member;
    // GPTQModel writes "format" where AutoGPTQ writes "checkpoint_format"
    if (!get_member(qc, "quant_method", &method, source, error) ||
        !get_member(qc, "format", &format, source, error) ||
        !get_member(qc, "checkpoint_format", &format, source, error) ||
        !get_member(qc, "bits", &bits, source, error) ||
        !get_member(qc, "group_size", &group_size, source, error))
        return false;
    auto fail = [&](const std::string &what) {
        *error = source + ": " + what;
        return false;
    };
    if (method != "gptq")
        return fail("quant_method \"" + method + "\" is not supported (only \"gptq\")");
    if (format == "gptq")
        c.zero_minus_one = true;
    else if (format == "gptq_v2")
        c.zero_minus_one = false;
    else
        return fail("checkpoint_format \"" + format +
                    "\" is not supported (only \"gptq\" and \"gptq_v2\")");
    if (bits < 2 || bits > 4)
        return fail(string_printf("bits %lld is not supported: only 4-, 3- and 2-bit GPTQ "
                                  "checkpoints convert without loss (to Q4_Z, Q3_Z, Q2_Z)",
                                  (long long)bits));
    if (group_size != -1 && (group_size <= 0 || group_size > INT32_MAX || group_size % BLOCK != 0))
        return fail(string_printf("group_size %lld is not supported: it must be -1 or a multiple "
                                  "of 32 below 2^31, since a Q4_Z, Q3_Z or Q2_Z block of 32 "
                                  "weights has one scale",
                                  (long long)group_size));
    c.bits = int(bits);
    c.group_size = int(group_size);
    *out = c;
    return true;
}

ggml_type gptq_config::block_type(bool large) const {
    switch (bits) {
    case 2: return large ? GGML_TYPE_Q2_Z128 : GGML_TYPE_Q2_Z;
    case 3: return large ? GGML_TYPE_Q3_Z128 : GGML_TYPE_Q3_Z;
    default: return large ? GGML_TYPE_Q4_Z128 : GGML_TYPE_Q4_Z;
    }
}

bool gptq_linear::open(const safetensors_set &st, const std::string &prefix, const gptq_config &c,
                       gptq_linear *out, std::string *error) {
    gptq_linear l;
    l.prefix_ = prefix;
    l.bits_ = c.bits;
    l.type_ = c.block_type(false); // (128 below, where they fit)
    const st_tensor *qweight = get(st, prefix + ".qweight", {st_dtype::I32}, 2, true, error);
    if (!qweight) return false;
    const st_tensor *qzeros = get(st, prefix + ".qzeros", {st_dtype::I32}, 2, true, error);
    if (!qzeros) return false;
    const st_tensor *scales =
        get(st, prefix + ".scales", {st_dtype::F16, st_dtype::BF16, st_dtype::F32}, 2, true, error);
    if (!scales) return false;
    std::string g_idx_error; // stays empty when g_idx is absent, which is allowed
    const st_tensor *g_idx = get(st, prefix + ".g_idx", {st_dtype::I32}, 1, false, &g_idx_error);
    if (!g_idx_error.empty()) {
        *error = g_idx_error;
        return false;
    }

    auto fail = [&](const st_tensor *t, const std::string &what) {
        *error = t->file + ": tensor '" + t->name + "' " + what;
        return false;
    };
    const int64_t packed_rows = qweight->shape[0], N = qweight->shape[1];
    // A shape with a 0 holds no data whatever its other dimension (a
    // [2^62, 0] qweight made K overflow). Otherwise qweight's
    // packed_rows * N words are in the file, which bounds K * N (8 values a
    // word at most) and every product below.
    if (packed_rows == 0 || N == 0)
        return fail(qweight, "is empty (shape " + st_shape_str(qweight->shape) + ")");
    const int64_t words_per_32 = c.bits; // 32 values take `bits` words
    if (packed_rows % words_per_32 != 0)
        return fail(qweight, "has " + std::to_string(packed_rows) +
                                 " rows, which is not a whole "
                                 "number of 32-input groups at " +
                                 std::to_string(c.bits) + " bits");
    const int64_t K = packed_rows / words_per_32 * 32;
    const int64_t G = c.group_size == -1 ? 1 : (K + c.group_size - 1) / c.group_size;
    if (scales->shape[0] != G || scales->shape[1] != N)
        return fail(scales,
                    "has shape " + st_shape_str(scales->shape) +
                        string_printf(", expected [%lld, %lld] for %lld inputs in groups "
                                      "of %d",
                                      (long long)G, (long long)N, (long long)K, c.group_size));
    if (N * c.bits % 32 != 0 || qzeros->shape[0] != G || qzeros->shape[1] != N * c.bits / 32)
        return fail(qzeros, "has shape " + st_shape_str(qzeros->shape) +
                                string_printf(", expected [%lld, %lld] (%lld outputs at %d bits)",
                                              (long long)G, (long long)(N * c.bits / 32),
                                              (long long)N, c.bits));
    l.qweight_ = qweight;
    l.n_in_ = K;
    l.n_out_ = N;

    // groups of the inputs
    l.g_idx_.resize(size_t(K));
    if (g_idx) {
        if (g_idx->shape[0] != K)
            return fail(g_idx, "has " + std::to_string(g_idx->shape[0]) +
                                   " entries, but the layer has " + std::to_string(K) + " inputs");
        for (int64_t k = 0; k < K; k++) {
            const int32_t g = g_idx->get_i32(k);
            if (g < 0 || g >= G)
                return fail(g_idx, string_printf("entry %lld is group %d; the layer has %lld "
                                                 "groups",
                                                 (long long)k, g, (long long)G));
            l.g_idx_[size_t(k)] = g;
        }
    } else {
        for (int64_t k = 0; k < K; k++)
            l.g_idx_[size_t(k)] = c.group_size == -1 ? 0 : int32_t(k / c.group_size);
    }
    l.order_.resize(size_t(K));
    std::iota(l.order_.begin(), l.order_.end(), 0);
    std::stable_sort(l.order_.begin(), l.order_.end(), [&](int32_t a, int32_t b) {
        return l.g_idx_[size_t(a)] < l.g_idx_[size_t(b)];
    });
    // The first run of `run` stored inputs (in group order) that spans two
    // groups, or -1 if there is none.
    const auto split_run = [&](int64_t run) -> int64_t {
        for (int64_t j = 0; j < K; j += run)
            for (int64_t i = 1; i < run; i++)
                if (l.g_idx_[size_t(l.order_[size_t(j + i)])] !=
                    l.g_idx_[size_t(l.order_[size_t(j)])])
                    return j;
        return -1;
    };
    // Blocks of 128 where every 128 inputs share a group, else of 32.
    if (K % LARGE_BLOCK == 0 && split_run(LARGE_BLOCK) < 0) {
        l.type_ = c.block_type(true);
    } else if (const int64_t j = split_run(BLOCK); j >= 0) {
        return fail(g_idx ? g_idx : qweight,
                    string_printf("puts a group boundary inside the 32 inputs from %lld (in "
                                  "group order): group %d has a number of inputs that is not a "
                                  "multiple of 32, which blocks of 32 weights cannot hold",
                                  (long long)j, l.g_idx_[size_t(l.order_[size_t(j)])]));
    }

    // zero points and scales
    const int z_max = 1 << c.bits; // the blocks' limit (2^bits, from v1's quirk)
    l.zeros_.resize(size_t(G * N));
    l.scales_.resize(size_t(G * N));
    const int64_t zero_words = qzeros->shape[1];
    for (int64_t g = 0; g < G; g++) {
        const auto row = [&](int64_t i) { return qzeros->get_i32(g * zero_words + i); };
        for (int64_t n = 0; n < N; n++) {
            const int z = unpack(row, n, c.bits) + (c.zero_minus_one ? 1 : 0);
            if (z > z_max) return fail(qzeros, string_printf("has zero %d, above %d", z, z_max));
            l.zeros_[size_t(g * N + n)] = uint8_t(z);
            const float s = scales->get_float(g * N + n);
            if (!std::isfinite(s) || ggml_fp16_to_fp32(ggml_fp32_to_fp16(s)) != s)
                return fail(scales, string_printf("has scale %.9g (group %lld, output %lld), "
                                                  "which fp16 cannot hold exactly; the blocks "
                                                  "keep fp16 scales, so the import would "
                                                  "not be lossless",
                                                  double(s), (long long)g, (long long)n));
            l.scales_[size_t(g * N + n)] = s;
        }
    }
    *out = std::move(l);
    return true;
}

bool gptq_linear::reorders_inputs() const {
    for (size_t j = 0; j < order_.size(); j++)
        if (order_[j] != int32_t(j)) return true;
    return false;
}

std::vector<std::string> gptq_linear::tensor_names() const {
    return {prefix_ + ".qweight", prefix_ + ".qzeros", prefix_ + ".scales", prefix_ + ".g_idx"};
}

int gptq_linear::q(int64_t k, int64_t n) const {
    const auto column = [&](int64_t i) { return qweight_->get_i32(i * n_out_ + n); };
    return unpack(column, k, bits_);
}

void gptq_linear::write_blocks(const std::vector<int32_t> &row_order, void *dst) const {
    const size_t row_bytes = ggml_row_size(type_, n_in_);
    const int64_t blck = ggml_blck_size(type_);
    std::vector<int> qv(static_cast<size_t>(blck));
    for (int64_t r = 0; r < n_out_; r++) {
        const int64_t n = row_order.empty() ? r : row_order[size_t(r)];
        auto *out = static_cast<uint8_t *>(dst) + size_t(r) * row_bytes;
        for (int64_t b = 0; b < n_in_ / blck; b++) {
            const int64_t g = g_idx_[size_t(order_[size_t(b * blck)])];
            for (int64_t j = 0; j < blck; j++) qv[size_t(j)] = q(order_[size_t(b * blck + j)], n);
            quantize::write_z_block(type_, ggml_fp32_to_fp16(scale(g, n)), zero(g, n), qv.data(),
                                    out + b * ggml_type_size(type_));
        }
    }
}

} // namespace convert
