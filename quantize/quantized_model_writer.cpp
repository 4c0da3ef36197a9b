#include "quantized_model_writer.h"

#include "progress_bar.h"
#include "schema.h"
#include "tensor_floats.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace quantize {

namespace {

// ggml's GGML_QNT_VERSION: the block layouts of the current ggml; files
// with an older version hold blocks llama.cpp no longer reads.
constexpr uint32_t QUANTIZATION_VERSION = 2;

} // namespace

bool write_quantized(const llama::gguf_file &in, const quantize_plan &plan,
                     const weight_quantizer &quantizer, int n_threads, const std::string &out,
                     std::string *error) {
    llama::gguf_writer w;
    // as llama.cpp: the input's keys, then these two last (moved there if
    // present), so that the same input gives the same bytes
    for (const llama::gguf_kv &kv : in.metadata())
        if (kv.key != llama::schema::keys::FILE_TYPE &&
            kv.key != llama::schema::keys::QUANTIZATION_VERSION)
            w.set(kv.key, kv.value);
    for (const added_key &k : quantizer.added_keys()) w.set_u32(k.key, k.value);
    w.set_u32(llama::schema::keys::QUANTIZATION_VERSION, QUANTIZATION_VERSION);
    w.set_u32(llama::schema::keys::FILE_TYPE, plan.file_type);

    // the planned tensors and the quantizer's own, merged in llama.cpp's order
    const std::vector<added_tensor> added = quantizer.added_tensors();
    struct entry {
        const std::string *name;
        const planned_tensor *planned; // one of the two is set
        const added_tensor *added;
    };
    std::vector<entry> entries;
    for (const planned_tensor &p : plan.tensors) entries.push_back({&p.source->name, &p, nullptr});
    for (const added_tensor &a : added) entries.push_back({&a.name, nullptr, &a});
    std::stable_sort(entries.begin(), entries.end(), [](const entry &a, const entry &b) {
        return written_before(*a.name, *b.name);
    });

    progress_bar progress(plan.tensors.size());
    std::vector<float> floats; // the decoded source of one tensor at a time
    for (const entry &e : entries) {
        if (e.added) {
            w.add_tensor(e.added->name, e.added->type, int(e.added->ne.size()), e.added->ne.data(),
                         e.added->data);
            continue;
        }
        const planned_tensor &p = *e.planned;
        const llama::gguf_tensor &t = *p.source;
        w.add_tensor(t.name, p.type, t.n_dims, t.ne, [&, p](void *dst) {
            const llama::gguf_tensor &src = *p.source;
            if (p.type == src.type && !quantizer.transforms(src.name)) {
                std::memcpy(dst, src.data, src.size);
            } else {
                const float_rows rows{src.name, tensor_floats(src, &floats, n_threads),
                                      src.ne[1] * src.ne[2] * src.ne[3], src.ne[0]};
                quantizer.quantize(rows, p.type, dst, n_threads);
            }
            progress.tensor_done(src.name, src.type, p.type, src.size);
        });
    }
    const bool ok = w.write(out, error);
    progress.finish();
    return ok;
}

} // namespace quantize
