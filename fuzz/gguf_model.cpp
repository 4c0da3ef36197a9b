// GGUF files: the reader on any bytes; a file that reads as a llama model is
// loaded through the C API and, when it loads, evaluates two tokens with a
// small context (weights must all be in the file, so the work is bounded by
// the input's size).
#include "fuzz_input.h"
#include "gguf.h"
#include "llama.h"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string error;
    if (!llama::gguf_file::from_bytes("fuzz.gguf", std::vector<uint8_t>(data, data + size), &error))
        return 0;
    const fuzz::memory_file file(data, size);
    llama_model *model = llama_model_load(file.path().c_str());
    if (!model) return 0;
    llama_context_params params = llama_context_default_params();
    params.n_ctx = 8;
    params.n_threads = 1;
    if (llama_context *ctx = llama_context_new(model, params)) {
        const llama_token tokens[2] = {0, llama_n_vocab(model) - 1};
        if (llama_decode(ctx, tokens, 2) == 0) {
            llama_sampler *greedy = llama_sampler_new({0.0f, 0, 1.0f, 0.0f, 1.0f, 0, 0});
            llama_sampler_sample(greedy, llama_get_logits(ctx), llama_n_vocab(model));
            llama_sampler_free(greedy);
        }
        llama_context_free(ctx);
    }
    llama_model_free(model);
    return 0;
}
