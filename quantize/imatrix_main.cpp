// imatrix: computes an importance matrix of a model from calibration text
// (collect_importance) and writes it in llama.cpp's GGUF form, which
// `quantize --imatrix` and llama.cpp's llama-quantize read.
#include "args.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "imatrix/collect_importance.h"
#include "output_guard.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <thread>

namespace {

struct options {
    std::string model, output;
    quantize::imatrix_options im;
    int32_t n_threads = int32_t(std::max(1u, std::thread::hardware_concurrency()));
};

int fail(const std::string &message) {
    std::fprintf(stderr, "imatrix: %s\n", message.c_str());
    return 1;
}

int run(const options &o) {
    const std::string clash = convert::output_clash(o.output, {o.model, o.im.text_path});
    if (!clash.empty()) return fail(clash);
    std::string error;
    const std::unique_ptr<llama::gguf_file> in = llama::gguf_file::open(o.model, &error);
    if (!in) return fail(error);
    const std::optional<quantize::importance_matrix> m =
        quantize::collect_importance(*in, o.im, o.n_threads, &error);
    if (!m) return fail(error);
    {
        const convert::remove_on_interrupt cleanup(llama::gguf_writer::temp_path(o.output));
        if (!m->write(o.output, &error)) return fail(error);
    }
    std::printf("wrote %s: %zu weight matrices, %u chunks of %u tokens of %s\n", o.output.c_str(),
                m->entries.size(), m->chunk_count, m->chunk_size, o.im.text_path.c_str());
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    options o;
    args::parser p(
        "imatrix", "-m MODEL.gguf -f TEXT -o OUT.gguf [options]",
        "Computes the importance matrix of MODEL: for every linear layer of its transformer\n"
        "blocks, the sum over the calibration tokens of the square of each input (and the\n"
        "token count), whose mean weights the rounding errors of that input's column when\n"
        "`quantize --imatrix OUT.gguf` chooses scales. The text is cut into consecutive\n"
        "chunks of -c tokens from its start, each beginning with BOS when the model adds\n"
        "one, as llama.cpp's llama-imatrix cuts it, and run through the model as it is\n"
        "stored. OUT is llama.cpp's GGUF imatrix (tensors <name>.in_sum2 and\n"
        "<name>.counts), which llama-quantize --imatrix also reads; it is written to\n"
        "OUT.tmp and renamed when complete. Use text that is not the text you measure\n"
        "with (such as WikiText-2's wiki.valid.tokens, not wiki.test.raw).\n"
        "\n"
        "example:\n"
        "  imatrix -m models/stories260K.gguf -f tests/data/wikitext-2/wiki.valid.head.tokens \\\n"
        "      -o stories260K.imatrix.gguf --chunks 32 -c 128");
    p.add(args::model_flag(&o.model));
    p.add(args::string_flag({"-f", "--file"}, "TEXT", "the calibration text", &o.im.text_path));
    p.add(args::string_flag({"-o", "--output"}, "OUT.gguf", "the importance matrix to write",
                            &o.output));
    p.add(args::int_flag({"-c", "--ctx-size"}, "tokens per chunk", 2, 1 << 20, &o.im.ctx));
    p.add(args::int_flag({"--chunks"}, "chunks to run from the start of the text; -1 = all", -1,
                         1 << 30, &o.im.chunks));
    p.add(args::threads_flag(&o.n_threads));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;
    for (const auto &[value, flag] :
         {std::pair{&o.model, "-m MODEL.gguf"}, std::pair{&o.im.text_path, "-f TEXT"},
          std::pair{&o.output, "-o OUT.gguf"}}) {
        if (value->empty()) {
            p.error(std::string(flag) + " is required");
            return 1;
        }
    }
    if (o.im.chunks == 0) {
        p.error("--chunks 0 would compute nothing");
        return 1;
    }
    try {
        return run(o);
    } catch (const std::exception &e) { // out of memory, above all
        return fail(e.what());
    }
}
