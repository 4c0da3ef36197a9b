// bench: performance measured against what the machine can do in the same
// run. `bench kernels` measures the mul_mat kernels; `bench -m MODEL` (or
// --random SHAPE) measures a whole model.
#include "args.h"
#include "kernel_bench.h"
#include "model_bench.h"

#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>

namespace {

// "Q4_0,Q4_Z" -> weight types; false (with a message) for anything else.
bool parse_types(const std::string &list, std::vector<ggml_type> *types, const args::parser &p) {
    types->clear();
    std::stringstream ss(list);
    for (std::string name; std::getline(ss, name, ',');) {
        ggml_type t;
        if (!ggml_type_from_name(name.c_str(), &t) || !ggml_is_weight_type(t)) {
            p.error("'" + name + "' is not a weight type (" + args::weight_type_names() + ")");
            return false;
        }
        types->push_back(t);
    }
    if (types->empty()) {
        p.error("no weight type given");
        return false;
    }
    return true;
}

int kernels_main(int argc, char **argv) {
    bench::kernel_options opt;
    std::string types = "F32,F16,Q8_0,Q4_0,Q4_1,Q4_Z,Q3_Z,Q4_Z128,Q3_Z128";
    std::vector<int32_t> threads{1, 2};
    args::parser p(
        "bench kernels", "[options]",
        "Measures the machine's memory read bandwidth and int8 multiply peak, then for\n"
        "each weight type a matrix-vector product over 4096 x 11008 weights cycling\n"
        "through >= 512 MB of copies (GB/s of weights streamed) and a matrix-matrix\n"
        "product with 512 activation rows (GOP/s, 2*M*N*K), through ggml graphs on a\n"
        "thread pool. Kernels report the median rep; the read bandwidth is the best\n"
        "pass of a read probe taken between each row's own reps, the int8 peak the best.\n"
        "GGML_CPU=scalar|avx2|avx512|neon in the environment forces a kernel level.");
    p.add(args::string_flag({"--type"}, "T,T,..", "weight types", &types));
    p.add(args::int_list_flag({"-t", "--threads"}, "thread counts", 1, 512, &threads));
    p.add(
        args::int_flag({"-r", "--reps"}, "timed repetitions per measurement", 1, 1000, &opt.reps));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;
    if (!parse_types(types, &opt.types, p)) return 1;
    opt.threads.assign(threads.begin(), threads.end());
    return bench::run_kernels(opt);
}

int model_main(int argc, char **argv) {
    bench::model_options opt;
    std::string random_type = "Q4_0";
    args::parser p(
        "bench", "-m MODEL | --random SHAPE [options]",
        "Prompt processing (-p tokens as one batch) and generation (-n tokens one at a\n"
        "time) in tokens/s, mean and standard deviation over the reps, per thread count;\n"
        "generation's effective bandwidth (weight bytes read per token x tokens/s) next\n"
        "to the machine's read bandwidth measured in the same run.\n"
        "`bench kernels -h` describes the kernel benchmark.");
    p.add(args::model_flag(&opt.model));
    p.add(args::string_flag({"--random"}, "SHAPE",
                            "a model with random weights of a preset shape: 15M, 110M, 1.1B or 7B",
                            &opt.random_shape));
    p.add(args::string_flag({"--type"}, "T", "weight type of a --random model", &random_type));
    p.add(args::int_flag({"-p", "--n-prompt"}, "prompt tokens; 0 skips the test", 0, 1 << 16,
                         &opt.n_prompt));
    p.add(args::int_flag({"-n", "--n-gen"}, "generated tokens; 0 skips the test", 0, 1 << 16,
                         &opt.n_gen));
    p.add(args::int_list_flag({"-t", "--threads"}, "thread counts", 1, 512, &opt.threads));
    p.add(args::int_flag({"-r", "--reps"}, "repetitions of each test", 1, 1000, &opt.reps));
    p.add(args::string_flag({"-o", "--output"}, "md|csv|json", "output format", &opt.output));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;
    if (opt.model.empty() && opt.random_shape.empty()) {
        p.error("no model: give -m FILE or --random SHAPE");
        return 1;
    }
    if (!opt.model.empty() && !opt.random_shape.empty()) {
        p.error("give a model (-m FILE) or a random shape (--random SHAPE), not both");
        return 1;
    }
    std::vector<ggml_type> types;
    if (!parse_types(random_type, &types, p)) return 1;
    if (types.size() != 1) {
        p.error("--type takes one weight type for a model, not '" + random_type + "'");
        return 1;
    }
    opt.random_type = types[0];
    if (opt.output != "md" && opt.output != "csv" && opt.output != "json") {
        p.error("output format '" + opt.output + "' is not md, csv or json");
        return 1;
    }
    if (opt.n_prompt == 0 && opt.n_gen == 0) {
        p.error("nothing to measure: -p and -n are both 0");
        return 1;
    }
    return bench::run_model_bench(opt);
}

} // namespace

int main(int argc, char **argv) {
    if (argc >= 2 && std::strcmp(argv[1], "kernels") == 0) {
        argv[1] = argv[0]; // the kernel mode's arguments follow the word
        return kernels_main(argc - 1, argv + 1);
    }
    return model_main(argc, argv);
}
