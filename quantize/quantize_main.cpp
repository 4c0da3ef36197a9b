// quantize: converts the weights of a GGUF model to another type. The plan
// (tensor_plan) decides each tensor's type, a weight_quantizer converts, and
// quantized_model_writer writes the file; this is the command line around
// them.
#include "args.h"
#include "file_type.h"
#include "gguf_file.h"
#include "gguf_writer.h"
#include "gptq/gptq_model.h"
#include "gptq/layer_calibration.h"
#include "imatrix/importance_matrix.h"
#include "model_size.h"
#include "output_guard.h"
#include "quantized_model_writer.h"
#include "tensor_plan.h"
#include "weight_quantizer.h"
#include "weight_rotation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct options {
    std::string input, output, preset_name;
    quantize::plan_options plan;
    int32_t n_threads = int32_t(std::max(1u, std::thread::hardware_concurrency()));
    bool gptq = false;
    quantize::gptq_options gptq_opts;
    float damp = float(quantize::gptq_settings{}.damp); // settings.damp, in the flag's type
    std::string gptq_given; // the first GPTQ option given, to refuse it without --gptq
    std::string imatrix_path;
    bool rotate = false;
    std::optional<uint32_t> rotate_seed;  // set: --rotate-seed was given
    std::optional<uint32_t> rotate_block; // set: --rotate-block was given
};

// A flag that only GPTQ takes: remembers that it was given.
args::flag gptq_only(args::flag f, std::string *given) {
    const std::string name = f.names[0];
    f.set = [set = std::move(f.set), given, name](const std::string &v) {
        if (given->empty()) *given = name;
        return set(v);
    };
    return f;
}

// --embd-type and --output-type: a type or "keep".
args::flag type_override_flag(std::vector<std::string> names, std::string help,
                              quantize::type_override *target) {
    return {std::move(names), "TYPE|keep", std::move(help), [target](const std::string &v) {
                if (v == "keep") {
                    target->how = quantize::type_override::mode::KEEP;
                    return std::string();
                }
                ggml_type type;
                if (!ggml_type_from_name(v.c_str(), &type) || !ggml_is_weight_type(type))
                    return "'" + v + "' is not keep or one of " + args::weight_type_names();
                *target = {quantize::type_override::mode::SET, type};
                return std::string();
            }};
}

std::string description() {
    std::string types;
    for (const quantize::file_type &f : quantize::file_types()) {
        char line[160];
        std::snprintf(
            line, sizeof line, "  %-7s %-6s %5.2f  %4u  %s\n", f.name, ggml_type_name(f.type),
            8.0 * double(ggml_type_size(f.type)) / double(ggml_blck_size(f.type)), f.id, f.about);
        types += line;
    }
    return "Converts the weights of the GGUF model IN (F32, F16 or BF16; other types with\n"
           "--allow-requantize) as the preset TYPE says and writes OUT.\n"
           "\n"
           "TYPE (any case; Q3_K, Q4_K, Q5_K stand for the _M mixes, as in llama-quantize),\n"
           "the type of most weights, its bits per weight, general.file_type, and the\n"
           "weights that get other types:\n" +
           types +
           "The presets are llama.cpp's (llama-quantize without an importance matrix):\n"
           "same types per tensor, same bytes. Q4_Z and Q3_Z load only here (their ids\n"
           "are not llama.cpp's 1024 and 1025: it reads 1024 as a \"guessed\" flag).\n"
           "\n"
           "Tensor types:\n"
           "  I32 tensors          as they are (indices, e.g. GPTQ's input_perm)\n"
           "  1-D tensors          F32 (norms, biases)\n"
           "  output.weight        Q6_K for a quantized TYPE (Q8_0 for Q8_0, and where its\n"
           "                       rows do not fit TYPE's blocks); --output-type\n"
           "  token_embd.weight    TYPE, or output.weight's type when the model has no\n"
           "                       output.weight (the embedding is then the output too);\n"
           "                       --embd-type\n"
           "  attn_v, attn_output, ffn_down, by layer: as the preset's mix says (above)\n"
           "  all other matrices   TYPE\n"
           "With --pure every matrix is TYPE's type (as llama-quantize --pure). A matrix\n"
           "whose rows do not fit its type's blocks gets llama.cpp's fallback: Q2_K and\n"
           "Q3_K -> Q4_0, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, IQ4_XS -> IQ4_NL\n"
           "(blocks of 32; SmolLM2's 576-wide rows), ours Q4_Z128 -> Q4_Z (Q3_Z128,\n"
           "Q2_Z128 likewise), and F16 where 32 does not fit either (stories260K's\n"
           "ffn_down is 172 wide); the tool names each. A tensor already of\n"
           "its type is copied unchanged; the others are quantized with ggml's reference\n"
           "quantizers, giving the same bytes for any -t. Weights must be finite.\n"
           "Q4_Z, Q3_Z, Q2_Z and their 128 forms choose each block's scale and zero point\n"
           "by a search that minimises its squared error. With --imatrix FILE (an importance\n"
           "matrix, from the imatrix tool or llama.cpp's llama-imatrix) the searches of\n"
           "those, Q4_0, Q5_0, Q4_K, Q5_K and Q6_K weight each column's error by the mean\n"
           "square of the input it multiplies (our searches, so those files differ from\n"
           "llama-quantize --imatrix's); the other types round as llama.cpp's reference\n"
           "does, with or without it.\n"
           "\n"
           "OUT has all of IN's metadata, with general.file_type and\n"
           "general.quantization_version = 2, and IN's alignment; tensors in llama.cpp's\n"
           "order (those outside the layers, then blk.0, blk.1, ..., by name within\n"
           "each). It is written to OUT.tmp and renamed when complete, so a failure or\n"
           "Ctrl-C leaves no partial OUT. OUT may not be IN. At the end the tool prints\n"
           "the sizes before and after and the bits per weight of all tensor data.\n"
           "\n"
           "GPTQ (--gptq, any TYPE but the float ones, IQ4_NL and IQ4_XS): the linear\n"
           "layers are quantized with error compensation from calibration text\n"
           "(--calib) instead of each block on its own. Segments of the text run\n"
           "through the model layer by layer, each layer's linears quantized in the\n"
           "order the forward pass reads them with everything before them quantized\n"
           "already. Each linear keeps the type the preset gives it; a block's scales\n"
           "come from its type's quantizer (Q4_Z, Q3_Z: a --group's (scale, zero),\n"
           "stored in each of its blocks), then each weight takes the nearest level.\n"
           "Without --act-order the file is an ordinary one of its types, for\n"
           "llama.cpp too; with it the inputs are stored in their quantization order\n"
           "with blk.N.<name>.input_perm (files that load only here). The embedding\n"
           "and output are rounded as above (linears of IQ4 or float types too).\n"
           "\n"
           "Rotation (--rotate; incoherence processing, as QuIP#): every linear layer of\n"
           "the transformer layers is stored as W R, R = diag(s) H^T / sqrt(b) with H a\n"
           "Hadamard matrix of order b (Walsh-Hadamard, times a Paley matrix where b is\n"
           "not a power of two; b the largest divisor of the layer's input size, up to\n"
           "--rotate-block, that has one) on each block of b inputs and s random signs\n"
           "from --rotate-seed (the file holds the seed, --rotate-block and 256, the\n"
           "largest Paley order, as llamaz.rotation.seed, .block and .factor, under 150\n"
           "bytes). The forward pass rotates each input by R^T (once for q, k and v; once\n"
           "for gate and up), so the product is unchanged while the rounding sees rows\n"
           "whose outliers are spread over their block. With --gptq the Hessian is rotated\n"
           "too. Rotated files need this project's loader: llama.cpp ignores the keys and\n"
           "computes nonsense.\n"
           "\n"
           "examples:\n"
           "  quantize models/stories260K.gguf stories260K-q4_k_m.gguf q4_k_m -t 2\n"
           "  quantize models/stories260K.gguf stories260K-q4_z.gguf q4_z --imatrix \\\n"
           "      stories260K.imatrix.gguf\n"
           "  quantize models/stories260K.gguf stories260K-gptq.gguf q4_z --gptq \\\n"
           "      --calib tests/data/wikitext-2/wiki.valid.head.tokens --act-order";
}

int fail(const std::string &message) {
    std::fprintf(stderr, "quantize: %s\n", message.c_str());
    return 1;
}

// "12 F32, 30 Q4_0, ..." in the order the types first occur.
std::string count_types(const quantize::quantize_plan &plan) {
    std::vector<std::pair<ggml_type, int>> counts;
    for (const quantize::planned_tensor &t : plan.tensors) {
        auto it = std::find_if(counts.begin(), counts.end(),
                               [&](const auto &c) { return c.first == t.type; });
        if (it == counts.end())
            counts.emplace_back(t.type, 1);
        else
            it->second++;
    }
    std::string s;
    for (const auto &[type, n] : counts)
        s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + ggml_type_name(type);
    return s;
}

void print_summary(const options &o, const quantize::quantize_plan &plan, size_t n_added,
                   const quantize::model_size &before, const quantize::model_size &after,
                   double seconds) {
    constexpr double MIB = 1024.0 * 1024.0;
    const std::string added =
        n_added ? ", " + std::to_string(n_added) + " I32 (input perms)" : std::string();
    std::printf("wrote %s: %s%s%s, general.file_type %u; %zu tensors: %s%s\n", o.output.c_str(),
                o.plan.preset->name, o.plan.pure ? " (pure)" : "", o.gptq ? " by GPTQ" : "",
                plan.file_type, plan.tensors.size() + n_added, count_types(plan).c_str(),
                added.c_str());
    std::printf("tensor data: %.3f MiB -> %.3f MiB, %.2f -> %.2f bits per weight (%llu weights)\n",
                double(before.tensor_bytes) / MIB, double(after.tensor_bytes) / MIB,
                before.bits_per_weight(), after.bits_per_weight(),
                (unsigned long long)after.n_weights);
    std::printf("file size:   %.3f MiB -> %.3f MiB (%llu -> %llu bytes)\n",
                double(before.file_bytes) / MIB, double(after.file_bytes) / MIB,
                (unsigned long long)before.file_bytes, (unsigned long long)after.file_bytes);
    std::string fell_back;
    for (const std::string &name : plan.fell_back) fell_back += " " + name;
    std::printf("rows that did not fit their type:%s\n",
                fell_back.empty() ? " none" : fell_back.c_str());
    std::printf("took %.2f s with %d thread%s\n", seconds, o.n_threads,
                o.n_threads == 1 ? "" : "s");
}

// Checks the GPTQ options and completes o->gptq_opts; "" or what is wrong.
std::string check_gptq(options *o) {
    if (!o->gptq) return o->gptq_given.empty() ? "" : o->gptq_given + " is an option of --gptq";
    if (!o->imatrix_path.empty())
        return "--gptq and --imatrix do not go together: GPTQ weighs rounding errors with the "
               "whole input covariance from its own calibration, of which an importance matrix "
               "is the diagonal";
    const ggml_type type = o->plan.preset->type;
    if (!quantize::gptq_can_quantize(type))
        return std::string("--gptq cannot quantize to ") + o->plan.preset->name +
               " (its levels are a table, or it is a float type)";
    if (o->gptq_opts.calib_path.empty())
        return "--gptq needs --calib TEXT, the calibration text (such as WikiText-2's "
               "wiki.valid.tokens; not the text you will measure with)";
    quantize::gptq_settings &s = o->gptq_opts.settings;
    const bool zero_point = quantize::gptq_takes_groups(type);
    if (!zero_point && s.group_size != quantize::gptq_settings{}.group_size)
        return std::string("--group is for Q4_Z and Q3_Z: ") + o->plan.preset->name +
               "'s groups are its blocks";
    if (!zero_point && s.symmetric)
        return std::string("--sym is for Q4_Z and Q3_Z, not ") + o->plan.preset->name;
    if (s.group_size != -1 && (s.group_size <= 0 || s.group_size % 32 != 0))
        return "--group " + std::to_string(s.group_size) +
               " is not -1 or a multiple of 32 (Q4_Z/Q3_Z blocks hold 32 weights)";
    s.type = type;
    s.damp = double(o->damp);
    return "";
}

// Checks that the importance matrix fits the planned tensors it weights
// (one value per column); "" or what is wrong. Adds a note saying what it
// weights.
std::string check_importance(const quantize::importance_matrix &m, const std::string &path,
                             quantize::quantize_plan *plan) {
    size_t weighted = 0, missing = 0;
    std::string first_missing;
    for (const quantize::planned_tensor &t : plan->tensors) {
        if (t.type == t.source->type || !ggml_quantize_uses_importance(t.type)) continue;
        const auto it = m.entries.find(t.source->name);
        if (it == m.entries.end()) {
            if (t.source->n_dims == 2 && missing++ == 0) first_missing = t.source->name;
            continue;
        }
        if (int64_t(it->second.sums.size()) != t.source->ne[0])
            return path + ": the entry of '" + t.source->name + "' has " +
                   std::to_string(it->second.sums.size()) + " columns, the tensor " +
                   std::to_string(t.source->ne[0]) + " (an importance matrix of another model?)";
        weighted++;
    }
    std::string note = "importance matrix " + path + ": weights the scale search of " +
                       std::to_string(weighted) + " tensors";
    if (missing)
        note += "; " + std::to_string(missing) + " have no entry and are rounded unweighted (" +
                first_missing + (missing > 1 ? ", ..." : "") + ")";
    if (weighted == 0 && missing == 0)
        note = "importance matrix " + path + ": no tensor here uses it (only Q4_Z, Q3_Z, Q2_Z, " +
               "their 128 forms, Q4_0, Q5_0, Q4_K, Q5_K and Q6_K weight their searches by it)";
    plan->notes.push_back(note);
    return "";
}

int run(const options &o) {
    const std::string clash =
        convert::output_clash(o.output, {o.input, o.gptq_opts.calib_path, o.imatrix_path});
    if (!clash.empty()) return fail(clash);

    std::string error;
    const std::unique_ptr<llama::gguf_file> in = llama::gguf_file::open(o.input, &error);
    if (!in) return fail(error);
    std::optional<quantize::quantize_plan> plan = quantize::plan_quantization(*in, o.plan, &error);
    if (!plan) return fail(error);
    std::optional<quantize::importance_matrix> importance;
    if (!o.imatrix_path.empty()) {
        importance = quantize::importance_matrix::read(o.imatrix_path, &error);
        if (!importance) return fail(error);
        error = check_importance(*importance, o.imatrix_path, &*plan);
        if (!error.empty()) return fail(error);
    }
    for (const std::string &note : plan->notes)
        std::fprintf(stderr, "quantize: %s\n", note.c_str());

    const auto t0 = std::chrono::steady_clock::now();
    if (o.rotate) {
        error = quantize::transformed_inputs(*in, "rotate the float model");
        if (!error.empty()) return fail(error);
    }
    const quantize::model_rotations rotations =
        o.rotate
            ? quantize::model_rotations(*in, o.rotate_seed.value_or(0),
                                        o.rotate_block.value_or(quantize::ROTATION_DEFAULT_BLOCK))
            : quantize::model_rotations();
    const quantize::round_to_nearest rounding(importance ? &*importance : nullptr);
    std::unique_ptr<quantize::gptq_quantizer> gptq;
    if (o.gptq) {
        gptq =
            quantize::gptq_quantizer::run(*in, *plan, o.gptq_opts, rotations, o.n_threads, &error);
        if (!gptq) return fail(error);
    }
    const quantize::rotating_quantizer quantizer(
        gptq ? static_cast<const quantize::weight_quantizer &>(*gptq) : rounding, rotations);
    {
        const convert::remove_on_interrupt cleanup(llama::gguf_writer::temp_path(o.output));
        if (!quantize::write_quantized(*in, *plan, quantizer, o.n_threads, o.output, &error))
            return fail(error);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Read back: the sizes are what the file holds, and it is checked whole.
    const std::unique_ptr<llama::gguf_file> out = llama::gguf_file::open(o.output, &error);
    if (!out) {
        std::remove(o.output.c_str()); // no OUT that is known to be bad
        return fail("the written file does not read back, so it was removed: " + error);
    }
    print_summary(o, *plan, quantizer.added_tensors().size(), quantize::size_of(*in),
                  quantize::size_of(*out), seconds);
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    options o;
    args::parser p("quantize", "IN.gguf OUT.gguf TYPE [options]", description());
    p.positional({"IN.gguf", "OUT.gguf", "TYPE"}, {&o.input, &o.output, &o.preset_name}, 3);
    p.add(args::threads_flag(&o.n_threads));
    p.add(type_override_flag({"--embd-type"},
                             "type of token_embd.weight, or keep its type in IN (default above)",
                             &o.plan.embd));
    p.add(type_override_flag({"--output-type"},
                             "the same for output.weight (a model without one outputs through "
                             "token_embd.weight)",
                             &o.plan.output));
    p.add(args::switch_flag({"--pure"},
                            "every weight matrix of TYPE's type: no per-tensor mix (as "
                            "llama-quantize --pure)",
                            &o.plan.pure));
    p.add(args::switch_flag({"--allow-requantize"},
                            "quantize tensors that are quantized already (their errors add up)",
                            &o.plan.allow_requantize));
    p.add(args::string_flag({"--imatrix"}, "FILE",
                            "importance matrix (from imatrix, or llama.cpp's llama-imatrix: "
                            "GGUF or .dat) weighting the scale searches of Q4_Z, Q3_Z, Q4_0, "
                            "Q5_0, Q4_K, Q5_K and Q6_K",
                            &o.imatrix_path));
    p.add(args::switch_flag({"--rotate"},
                            "store the layers' linears rotated by a randomized block Hadamard "
                            "transform of their inputs (files that load only here)",
                            &o.rotate));
    uint32_t rotate_seed = 0;
    args::flag seed_flag =
        args::uint_flag({"--rotate-seed"}, "seed of --rotate's signs", 0, UINT32_MAX, &rotate_seed);
    seed_flag.set = [set = std::move(seed_flag.set), &o, &rotate_seed](const std::string &v) {
        const std::string error = set(v);
        if (error.empty()) o.rotate_seed = rotate_seed; // given: only with --rotate
        return error;
    };
    p.add(std::move(seed_flag));
    auto rotate_block = uint32_t(quantize::ROTATION_DEFAULT_BLOCK);
    args::flag block_flag = args::uint_flag(
        {"--rotate-block"},
        "largest block of --rotate; 65536 rotates whole rows where they have a Hadamard matrix", 1,
        uint32_t(quantize::ROTATION_MAX_BLOCK), &rotate_block);
    block_flag.set = [set = std::move(block_flag.set), &o, &rotate_block](const std::string &v) {
        const std::string error = set(v);
        if (error.empty()) o.rotate_block = rotate_block; // given: only with --rotate
        return error;
    };
    p.add(std::move(block_flag));
    p.add(args::switch_flag({"--gptq"}, "quantize the linear layers with GPTQ (needs --calib)",
                            &o.gptq));
    quantize::gptq_options &g = o.gptq_opts;
    p.add(gptq_only(args::string_flag({"--calib"}, "TEXT",
                                      "calibration text for GPTQ (e.g. wiki.valid.tokens)",
                                      &g.calib_path),
                    &o.gptq_given));
    p.add(
        gptq_only(args::int_flag({"--calib-chunks"}, "random segments of the text to calibrate on",
                                 1, 1 << 16, &g.chunks),
                  &o.gptq_given));
    p.add(gptq_only(args::int_flag({"--calib-ctx"}, "tokens per segment", 2, 1 << 16, &g.ctx),
                    &o.gptq_given));
    p.add(gptq_only(
        args::int_flag({"--group"},
                       "Q4_Z/Q3_Z: inputs per GPTQ group, a multiple of 32 or -1 for whole rows",
                       -1, 1 << 30, &g.settings.group_size),
        &o.gptq_given));
    p.add(gptq_only(args::switch_flag({"--act-order"},
                                      "quantize the inputs in order of decreasing activation "
                                      "(stores blk.N.<name>.input_perm)",
                                      &g.settings.act_order),
                    &o.gptq_given));
    p.add(gptq_only(args::switch_flag({"--sym"},
                                      "Q4_Z/Q3_Z: zero point fixed at the middle level (8 of "
                                      "0..15, 4 of 0..7), as GPTQ's sym; default: searched",
                                      &g.settings.symmetric),
                    &o.gptq_given));
    p.add(gptq_only(args::float_flag({"--damp"}, "added to the Hessian's diagonal, times its mean",
                                     1e-6f, 10.0f, &o.damp),
                    &o.gptq_given));
    p.add(gptq_only(args::uint_flag({"--seed"},
                                    "seed of the segments' positions (as Python's random.seed, "
                                    "so the reference GPTQ code picks the same segments)",
                                    0, UINT32_MAX, &g.seed),
                    &o.gptq_given));
    int exit_code = 0;
    if (!p.parse(argc, argv, &exit_code)) return exit_code;
    o.plan.preset = quantize::file_type_named(o.preset_name);
    if (!o.plan.preset) {
        p.error("unknown TYPE '" + o.preset_name + "'; choose one of " +
                quantize::file_type_names() + " (or Q3_K, Q4_K, Q5_K)");
        return 1;
    }
    if (o.rotate_block && !o.rotate) {
        p.error("--rotate-block is an option of --rotate");
        return 1;
    }
    if (o.rotate_seed && !o.rotate) {
        p.error("--rotate-seed is an option of --rotate");
        return 1;
    }
    if (o.rotate && !o.imatrix_path.empty()) {
        p.error("--rotate and --imatrix do not go together: the importance of rotated inputs "
                "needs their whole covariance, not its diagonal (use --gptq, which rotates it)");
        return 1;
    }
    if (const std::string gptq_error = check_gptq(&o); !gptq_error.empty()) {
        p.error(gptq_error);
        return 1;
    }
    try {
        return run(o);
    } catch (const std::exception &e) { // out of memory, above all
        return fail(e.what());
    }
}
