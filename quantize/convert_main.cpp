// convert: turns a model from another format into a llama GGUF file.
// Each source format is one flag in SOURCES and one file that reads it
// (llama2c_checkpoint.cpp, hf_checkpoint.cpp); the flags come from the
// tools' shared table (examples/common/args.h).
#include "args.h"
#include "checkpoints/hf_checkpoint.h"
#include "checkpoints/llama2c_checkpoint.h"
#include "gguf_writer.h"
#include "llama_gguf_out.h"
#include "output_guard.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

struct options {
    std::string llama2c;   // --llama2c FILE
    std::string hf;        // --hf DIR
    std::string tokenizer; // --tokenizer FILE (llama2.c only)
    std::string output;
    convert::out_type type = convert::out_type::F32;
    std::string name;
};

// Fills the writer from the source; returns what must stay alive until the
// writer has written (the mapped input), or nullptr and *error.
using load_fn = std::shared_ptr<const void> (*)(const options &, llama::gguf_writer *,
                                                std::string *error);

struct source_format {
    const char *flag;
    std::string options::*path;
    load_fn load;
};

std::shared_ptr<const void> load_llama2c(const options &o, llama::gguf_writer *w,
                                         std::string *error) {
    if (o.tokenizer.empty()) {
        *error = "--llama2c needs --tokenizer FILE (the llama2.c tokenizer .bin of the model)";
        return nullptr;
    }
    std::shared_ptr<convert::llama2c_checkpoint> ckpt =
        convert::llama2c_checkpoint::open(o.llama2c, error);
    if (!ckpt) return nullptr;
    const convert::llama2c_config &c = ckpt->config();
    llama::vocab vocab;
    if (!convert::read_llama2c_tokenizer(o.tokenizer, c.vocab_size, &vocab, error)) return nullptr;
    std::printf("llama2.c checkpoint: dim %d, hidden_dim %d, %d layers, %d heads, %d kv heads, "
                "vocab %d, seq_len %d, %s classifier\n",
                c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, c.vocab_size, c.seq_len,
                c.shared_classifier ? "shared" : "separate");
    convert::add_llama2c_model(*ckpt, vocab, o.name, o.type, w);
    return ckpt;
}

std::shared_ptr<const void> load_hf(const options &o, llama::gguf_writer *w, std::string *error) {
    if (!o.tokenizer.empty()) {
        *error = "--hf reads the tokenizer in DIR; --tokenizer is for --llama2c";
        return nullptr;
    }
    std::shared_ptr<convert::hf_checkpoint> ckpt = convert::hf_checkpoint::open(o.hf, error);
    if (!ckpt) return nullptr;
    const convert::hf_config &c = ckpt->config();
    std::string quant = "float weights";
    if (c.gptq)
        quant = "GPTQ " + std::to_string(c.gptq->bits) + "-bit, group size " +
                std::to_string(c.gptq->group_size) + " (to " +
                ggml_type_name(c.gptq->block_type()) + ")";
    std::printf("Hugging Face checkpoint: hidden %d, intermediate %d, %d layers, %d heads, %d kv "
                "heads, vocab %d, context %d, %s\n",
                c.hidden_size, c.intermediate_size, c.num_hidden_layers, c.num_attention_heads,
                c.num_key_value_heads, c.vocab_size, c.max_position_embeddings, quant.c_str());
    if (!ckpt->add_to(o.name, o.type, w, error)) return nullptr;
    return ckpt;
}

const source_format SOURCES[] = {
    {"--llama2c", &options::llama2c, load_llama2c},
    {"--hf", &options::hf, load_hf},
};

// The model file's name without extension, or the folder's name.
std::string default_name(const std::string &model) {
    std::filesystem::path path(model);
    if (!path.has_filename()) path = path.parent_path(); // "DIR/"
    return std::filesystem::is_directory(path) ? path.filename().string() : path.stem().string();
}

int fail(const std::string &message) {
    std::fprintf(stderr, "convert: %s\n", message.c_str());
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    options o;
    args::parser p(
        "convert", "(--llama2c MODEL.bin --tokenizer TOK.bin | --hf DIR) -o OUT.gguf [options]",
        "Converts a model to a GGUF v3 file (llama architecture, SentencePiece or byte-level BPE "
        "tokenizer) that "
        "this project's tools and llama.cpp read: standard metadata keys and tensor names, the "
        "tokenizer as tokenizer.ggml.* keys. Give exactly one source. GPTQ checkpoints become "
        "Q4_Z (4-bit), Q3_Z (3-bit) or Q2_Z (2-bit) weights without loss, in blocks of 128 "
        "(Q4_Z128, Q3_Z128, Q2_Z128) "
        "where every 128 inputs share a group, which only this project reads. The "
        "output may not be one of the input files.\n\n"
        "examples:\n"
        "  convert --llama2c stories260K.bin --tokenizer tok512.bin -o stories260K.gguf\n"
        "  convert --hf Llama-2-7b-GPTQ -o llama-2-7b-q4_z.gguf");
    p.add(args::string_flag({"--llama2c"}, "FILE",
                            "source: a llama2.c checkpoint (.bin in the legacy format run.c "
                            "reads, export.py --version 0); needs --tokenizer",
                            &o.llama2c));
    p.add(args::string_flag({"--hf"}, "DIR",
                            "source: a Hugging Face llama checkpoint folder: config.json, "
                            "model.safetensors (or shards with model.safetensors.index.json) and "
                            "tokenizer.model (SentencePiece) or else tokenizer.json (byte-level "
                            "BPE as Llama 3, SmolLM and GPT-2 have it, with "
                            "tokenizer_config.json); GPTQ checkpoints (quantization_config in "
                            "config.json, or quantize_config.json) included",
                            &o.hf));
    p.add(args::string_flag({"--tokenizer"}, "FILE",
                            "tokenizer of a --llama2c model: a llama2.c tokenizer .bin "
                            "(tokenizer.bin for the Llama 2 vocabulary, tok512.bin for "
                            "stories260K, ...)",
                            &o.tokenizer));
    p.add(args::string_flag({"-o", "--output"}, "FILE",
                            "the GGUF file to write; it is written to FILE.tmp and renamed when "
                            "complete, so an interrupted run leaves no partial FILE",
                            &o.output));
    p.add({{"--outtype"},
           "f32|f16",
           "type of the float weights: f32 (default) keeps the values exactly; f16 stores 2-D "
           "weights as F16 (general.file_type 1); norms and biases stay F32, GPTQ layers are "
           "Q4_Z/Q3_Z (or their 128 forms) either way",
           [&o](const std::string &v) {
               return convert::parse_out_type(v, &o.type)
                          ? std::string()
                          : "--outtype must be f32 or f16, not '" + v + "'";
           }});
    p.add(args::string_flag({"--name"}, "NAME",
                            "general.name of the model (default: the model file's name without "
                            "extension, or the folder's name)",
                            &o.name));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;

    const source_format *source = nullptr;
    for (const source_format &s : SOURCES) {
        if ((o.*s.path).empty()) continue;
        if (source) {
            p.error(std::string("give one source, not both ") + source->flag + " and " + s.flag);
            return 1;
        }
        source = &s;
    }
    if (!source) {
        p.error("no source model: give --llama2c FILE or --hf DIR");
        return 1;
    }
    if (o.output.empty()) {
        p.error("no output file: give -o FILE");
        return 1;
    }
    const std::string &model = o.*source->path;
    const std::string clash = convert::output_clash(o.output, {model, o.tokenizer});
    if (!clash.empty()) return fail(clash);
    if (o.name.empty()) o.name = default_name(model);

    llama::gguf_writer writer;
    std::string error;
    std::shared_ptr<const void> inputs = source->load(o, &writer, &error);
    if (!inputs) return fail(error);

    const convert::remove_on_interrupt cleanup(llama::gguf_writer::temp_path(o.output));
    if (!writer.write(o.output, &error)) return fail(error);
    struct stat st;
    const long long bytes = stat(o.output.c_str(), &st) == 0 ? (long long)st.st_size : -1;
    std::printf("wrote %s (%s, %lld bytes)\n", o.output.c_str(),
                o.type == convert::out_type::F16 ? "f16" : "f32", bytes);
    return 0;
}
