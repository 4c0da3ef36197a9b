#include "llama_gguf_out.h"

#include "gguf_keys.h"

#include <cstring>
#include <strings.h>

namespace convert {

namespace {

// llama.cpp's general.file_type numbering.
constexpr uint32_t FILE_TYPE_ALL_F32 = 0;
constexpr uint32_t FILE_TYPE_MOSTLY_F16 = 1;

} // namespace

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

void set_llama_metadata(const llama_hparams &hp, out_type type, llama::gguf_writer *w) {
    namespace keys = llama::keys;
    w->set_string(keys::ARCHITECTURE, "llama");
    w->set_string(keys::NAME, hp.name);
    w->set_u32(keys::FILE_TYPE, type == out_type::F16 ? FILE_TYPE_MOSTLY_F16 : FILE_TYPE_ALL_F32);
    w->set_u32(keys::CONTEXT_LENGTH, hp.context_length);
    w->set_u32(keys::EMBEDDING_LENGTH, hp.embedding_length);
    w->set_u32(keys::BLOCK_COUNT, hp.block_count);
    w->set_u32(keys::FEED_FORWARD_LENGTH, hp.feed_forward_length);
    w->set_u32(keys::HEAD_COUNT, hp.head_count);
    w->set_u32(keys::HEAD_COUNT_KV, hp.head_count_kv);
    w->set_u32(keys::ROPE_DIMENSION_COUNT, hp.rope_dimension_count);
    w->set_f32(keys::ROPE_FREQ_BASE, hp.rope_freq_base);
    w->set_f32(keys::RMS_EPSILON, hp.rms_epsilon);
}

void add_weight(std::string name, int n_dims, const int64_t *ne, const float *src, out_type type,
                llama::gguf_writer *w) {
    int64_t n = 1;
    for (int d = 0; d < n_dims; d++)
        n *= ne[d];
    if (n_dims == 1 || type == out_type::F32) {
        w->add_tensor(std::move(name), GGML_TYPE_F32, n_dims, ne,
                      [src, n](void *dst) { std::memcpy(dst, src, size_t(n) * sizeof(float)); });
    } else {
        w->add_tensor(std::move(name), GGML_TYPE_F16, n_dims, ne, [src, n](void *dst) {
            ggml_fp32_to_fp16_row(src, static_cast<ggml_fp16_t *>(dst), n);
        });
    }
}

} // namespace convert
