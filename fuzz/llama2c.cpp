// llama2.c files: the checkpoint reader, and the same bytes as a tokenizer
// (.bin) of 32 tokens.
#include "checkpoints/llama2c_checkpoint.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const fuzz::memory_file file(data, size);
    std::string error;
    if (const auto ckpt = convert::llama2c_checkpoint::open(file.path(), &error)) {
        volatile float sink = ckpt->weights().rms_final[0] + ckpt->weights().wcls[0];
        (void)sink;
    }
    llama::vocab v;
    convert::read_llama2c_tokenizer(file.path(), 32, &v, &error);
    return 0;
}
