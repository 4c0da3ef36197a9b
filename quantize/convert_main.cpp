// convert: turns a model from another format into a llama GGUF file.
// Each source format is one flag in SOURCES and one file that reads it
// (llama2c_checkpoint.cpp); the options shared by all are in OPTIONS, and
// the help text is made from both tables.
#include "gguf.h"
#include "llama2c_checkpoint.h"
#include "llama_gguf_out.h"
#include "output_guard.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace {

struct options {
    std::string source; // flag of the chosen source format
    std::string model;  // its argument
    std::string tokenizer;
    std::string output;
    convert::out_type type = convert::out_type::F32;
    std::string name;
    bool help = false;
};

// Fills the writer from the source; returns what must stay alive until the
// writer has written (the mapped input), or nullptr and *error.
using load_fn = std::shared_ptr<const void> (*)(const options &, llama::gguf_writer *,
                                                std::string *error);

struct source_format {
    const char *flag;
    const char *arg;
    const char *help;
    load_fn load;
};

std::shared_ptr<const void> load_llama2c(const options &o, llama::gguf_writer *w,
                                         std::string *error) {
    if (o.tokenizer.empty()) {
        *error = "--llama2c needs --tokenizer FILE (the llama2.c tokenizer .bin of the model)";
        return nullptr;
    }
    std::shared_ptr<convert::llama2c_checkpoint> ckpt =
        convert::llama2c_checkpoint::open(o.model, error);
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

const source_format SOURCES[] = {
    {"--llama2c", "FILE",
     "llama2.c checkpoint (.bin in the legacy format run.c reads, export.py --version 0); "
     "needs --tokenizer",
     load_llama2c},
};

struct option_spec {
    const char *flags; // "-o, --output"
    const char *arg;   // nullptr for a switch
    const char *help;
    // Applies the value; returns "" or what is wrong with it.
    std::string (*apply)(options &, const std::string &value);
};

const option_spec OPTIONS[] = {
    {"--tokenizer", "FILE",
     "tokenizer of a --llama2c model: a llama2.c tokenizer .bin (tokenizer.bin for the Llama 2 "
     "vocabulary, tok512.bin for stories260K, ...)",
     [](options &o, const std::string &v) {
         o.tokenizer = v;
         return std::string();
     }},
    {"-o, --output", "FILE",
     "the GGUF file to write; it is written to FILE.tmp and renamed when complete, so an "
     "interrupted run leaves no partial FILE",
     [](options &o, const std::string &v) {
         o.output = v;
         return std::string();
     }},
    {"--outtype", "f32|f16",
     "type of the weights: f32 (default) keeps the values exactly; f16 stores 2-D weights as "
     "F16; norms stay F32",
     [](options &o, const std::string &v) {
         return convert::parse_out_type(v, &o.type)
                    ? std::string()
                    : "--outtype must be f32 or f16, not '" + v + "'";
     }},
    {"--name", "NAME",
     "general.name of the model (default: the model file's name without extension)",
     [](options &o, const std::string &v) {
         o.name = v;
         return std::string();
     }},
    {"-h, --help", nullptr, "show this help",
     [](options &o, const std::string &) {
         o.help = true;
         return std::string();
     }},
};

bool has_flag(const char *flags, std::string_view arg) {
    std::string_view list = flags;
    while (!list.empty()) {
        const size_t comma = list.find(", ");
        if (list.substr(0, comma) == arg) return true;
        list = comma == std::string_view::npos ? "" : list.substr(comma + 2);
    }
    return false;
}

// "  FLAGS ARG   help", the help wrapped to 80 columns.
void print_entry(const char *flags, const char *arg, const char *help) {
    constexpr int INDENT = 25, WIDTH = 80;
    const std::string left = std::string(flags) + (arg ? std::string(" ") + arg : "");
    std::printf("  %-*s", INDENT - 3, left.c_str());
    int column = INDENT - 1;
    std::string_view rest = help;
    while (!rest.empty()) {
        const size_t space = rest.find(' ');
        const std::string_view word = rest.substr(0, space);
        if (column + 1 + int(word.size()) > WIDTH && column > INDENT - 1) {
            std::printf("\n%*s", INDENT - 1, "");
            column = INDENT - 1;
        }
        std::printf(" %.*s", int(word.size()), word.data());
        column += 1 + int(word.size());
        rest = space == std::string_view::npos ? "" : rest.substr(space + 1);
    }
    std::printf("\n");
}

void print_help() {
    std::printf(
        "usage: convert --llama2c MODEL.bin --tokenizer TOK.bin -o OUT.gguf [--outtype f32|f16]\n"
        "               [--name NAME]\n"
        "\n"
        "Converts a model to a GGUF v3 file (llama architecture, SentencePiece\n"
        "tokenizer) that this project's tools and llama.cpp read: standard metadata\n"
        "keys and tensor names, general.file_type 0 (f32) or 1 (f16), the tokenizer\n"
        "as tokenizer.ggml.* keys. The output may not be one of the input files.\n"
        "\n"
        "source (exactly one):\n");
    for (const source_format &s : SOURCES)
        print_entry(s.flag, s.arg, s.help);
    std::printf("\noptions:\n");
    for (const option_spec &o : OPTIONS)
        print_entry(o.flags, o.arg, o.help);
    std::printf("\nexample:\n"
                "  convert --llama2c stories260K.bin --tokenizer tok512.bin -o stories260K.gguf\n");
}

// Fills *o from the command line; returns "" or what is wrong.
std::string parse_args(int argc, char **argv, options *o) {
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        auto value = [&](std::string *v) {
            if (i + 1 >= argc) return arg + " needs a value";
            *v = argv[++i];
            return std::string();
        };
        bool known = false;
        for (const source_format &s : SOURCES) {
            if (arg != s.flag) continue;
            if (!o->source.empty()) return "give one source, not both " + o->source + " and " + arg;
            o->source = arg;
            if (std::string e = value(&o->model); !e.empty()) return e;
            known = true;
        }
        for (const option_spec &spec : OPTIONS) {
            if (known || !has_flag(spec.flags, arg)) continue;
            std::string v;
            if (spec.arg)
                if (std::string e = value(&v); !e.empty()) return e;
            if (std::string e = spec.apply(*o, v); !e.empty()) return e;
            known = true;
        }
        if (!known) return "unknown argument '" + arg + "'";
    }
    if (o->help) return "";
    if (o->source.empty()) return "no source model: give --llama2c FILE";
    if (o->output.empty()) return "no output file: give -o FILE";
    return "";
}

const source_format &source_of(const options &o) {
    for (const source_format &s : SOURCES)
        if (o.source == s.flag) return s;
    return SOURCES[0]; // parse_args accepts only flags from SOURCES
}

int fail(const std::string &message) {
    std::fprintf(stderr, "convert: %s\n", message.c_str());
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    options o;
    if (std::string e = parse_args(argc, argv, &o); !e.empty())
        return fail(e + " (see convert -h)");
    if (o.help) {
        print_help();
        return 0;
    }
    for (const std::string &input : {o.model, o.tokenizer}) {
        if (!input.empty() && convert::is_same_file(input, o.output))
            return fail("the output " + o.output + " is the input " + input +
                        "; choose another output file");
    }
    if (o.name.empty()) o.name = std::filesystem::path(o.model).stem().string();

    llama::gguf_writer writer;
    std::string error;
    std::shared_ptr<const void> inputs = source_of(o).load(o, &writer, &error);
    if (!inputs) return fail(error);

    const convert::remove_on_interrupt cleanup(llama::gguf_writer::temp_path(o.output));
    if (!writer.write(o.output, &error)) return fail(error);
    struct stat st;
    const long long bytes = stat(o.output.c_str(), &st) == 0 ? (long long)st.st_size : -1;
    std::printf("wrote %s (%s, %lld bytes)\n", o.output.c_str(),
                o.type == convert::out_type::F16 ? "f16" : "f32", bytes);
    return 0;
}
