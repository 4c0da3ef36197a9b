#include "model_size.h"

namespace quantize {

model_size size_of(const llama::gguf_file &f) {
    model_size s;
    s.file_bytes = f.file_size();
    for (const llama::gguf_tensor &t : f.tensors()) {
        // a GPTQ import's input perms are indices, not weights: their bytes
        // count, so bits per weight include what act-order costs
        if (t.type != GGML_TYPE_I32) s.n_weights += uint64_t(t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3]);
        s.tensor_bytes += t.size;
    }
    return s;
}

} // namespace quantize
