// The type a weight matrix gets when its rows do not fit the blocks of the
// type asked for, as llama.cpp's quantizer decides it (tensor_type_fallback
// in llama-quant.cpp): a type of 32-weight blocks with about as many bits
// for the 256-weight super-block types (for our 128-weight blocks, their
// 32-weight form), and F16 when even 32 does not divide the rows. Used by quantize's plans and by
// random models, so that both give a model the types llama-quantize would.
#pragma once

#include "ggml.h"

#include <cstdint>

namespace llama {

// `type` itself when rows of ne0 fit its blocks.
ggml_type fallback_type(ggml_type type, int64_t ne0);

} // namespace llama
