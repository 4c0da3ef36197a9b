#include "llama_gguf_out.h"

#include "file_type.h"

#include <cstring>
#include <strings.h>
#include <vector>

namespace convert {

bool parse_out_type(std::string_view name, out_type *type) {
    const std::string s(name);
    if (strcasecmp(s.c_str(), "f32") == 0) {
        *type = out_type::F32;
        return true;
    }
    if (strcasecmp(s.c_str(), "f16") == 0) {
        *type = out_type::F16;
        return true;
    }
    return false;
}

void set_llama_metadata(const llama::hparams &hp, std::string_view name, out_type type,
                        llama::gguf_writer *w) {
    const ggml_type weights = type == out_type::F16 ? GGML_TYPE_F16 : GGML_TYPE_F32;
    llama::schema::write_hparams(hp, name, *quantize::file_type_of(weights), w);
}

void add_weight(std::string name, int n_dims, const int64_t *ne, const float *src, out_type type,
                llama::gguf_writer *w) {
    const int64_t row = ne[0];
    add_weight(
        std::move(name), n_dims, ne,
        [src, row](int64_t r, float *out) {
            std::memcpy(out, src + r * row, size_t(row) * sizeof(float));
        },
        type, w);
}

void add_weight(std::string name, int n_dims, const int64_t *ne, row_reader read_row, out_type type,
                llama::gguf_writer *w) {
    int64_t rows = 1;
    for (int d = 1; d < n_dims; d++) rows *= ne[d];
    const int64_t n = ne[0];
    if (n_dims == 1 || type == out_type::F32) {
        w->add_tensor(std::move(name), GGML_TYPE_F32, n_dims, ne, [=](void *dst) {
            for (int64_t r = 0; r < rows; r++) read_row(r, static_cast<float *>(dst) + r * n);
        });
    } else {
        w->add_tensor(std::move(name), GGML_TYPE_F16, n_dims, ne, [=](void *dst) {
            std::vector<float> buf(static_cast<size_t>(n));
            for (int64_t r = 0; r < rows; r++) {
                read_row(r, buf.data());
                ggml_fp32_to_fp16_row(buf.data(), static_cast<ggml_fp16_t *>(dst) + r * n, n);
            }
        });
    }
}

} // namespace convert
