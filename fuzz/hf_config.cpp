// Hugging Face config.json (with its quantization_config) and GPTQ's
// quantize_config.json: the JSON parser and both config readers.
#include "checkpoints/hf_config.h"
#include "checkpoints/json.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

// A folder of this process for the config file the reader looks for.
const std::filesystem::path &folder() {
    static const std::filesystem::path dir = [] {
        auto d =
            std::filesystem::temp_directory_path() / ("llamaz-fuzz-hf-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        std::atexit([] { std::filesystem::remove_all(folder()); });
        return d;
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    std::string error;
    convert::json::value v;
    if (convert::json::parse(text, &v, &error)) {
        convert::gptq_config gptq;
        convert::read_gptq_config(v, "quantize_config.json", &gptq, &error);
    }
    std::ofstream(folder() / "config.json", std::ios::binary | std::ios::trunc) << text;
    std::filesystem::remove(folder() / "quantize_config.json");
    convert::hf_config config;
    convert::read_hf_config(folder().string(), &config, &error);
    return 0;
}
