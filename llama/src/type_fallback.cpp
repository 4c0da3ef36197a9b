#include "type_fallback.h"

namespace llama {

namespace {

// llama.cpp's smaller-block stand-in of each super-block type, and ours of
// the 128-weight blocks (their 32-weight form).
ggml_type smaller_block_type(ggml_type type) {
    switch (type) {
    case GGML_TYPE_Q2_K:
    case GGML_TYPE_Q3_K: return GGML_TYPE_Q4_0;
    case GGML_TYPE_Q4_K: return GGML_TYPE_Q5_0;
    case GGML_TYPE_Q5_K: return GGML_TYPE_Q5_1;
    case GGML_TYPE_Q6_K: return GGML_TYPE_Q8_0;
    case GGML_TYPE_IQ4_XS: return GGML_TYPE_IQ4_NL;
    case GGML_TYPE_Q4_Z128: return GGML_TYPE_Q4_Z;
    case GGML_TYPE_Q3_Z128: return GGML_TYPE_Q3_Z;
    case GGML_TYPE_Q2_Z128: return GGML_TYPE_Q2_Z;
    default: return type;
    }
}

} // namespace

ggml_type fallback_type(ggml_type type, int64_t ne0) {
    if (ne0 % ggml_blck_size(type) == 0) return type;
    const ggml_type smaller = smaller_block_type(type);
    return ne0 % ggml_blck_size(smaller) == 0 ? smaller : GGML_TYPE_F16;
}

} // namespace llama
