// How big a model file is, for the report at the end of a quantization.
#pragma once

#include "gguf_file.h"

#include <cstdint>

namespace quantize {

struct model_size {
    uint64_t n_weights = 0;    // elements of the float and quantized tensors
    uint64_t tensor_bytes = 0; // all tensors' data (I32 input perms too), without padding
    uint64_t file_bytes = 0;
    double bits_per_weight() const {
        return n_weights ? 8.0 * double(tensor_bytes) / double(n_weights) : 0.0;
    }
};

model_size size_of(const llama::gguf_file &f);

} // namespace quantize
