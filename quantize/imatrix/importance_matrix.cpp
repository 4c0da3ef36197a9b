#include "imatrix/importance_matrix.h"

#include "gguf_file.h"
#include "gguf_writer.h"
#include "string_printf.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

namespace quantize {

using llama::string_printf;

namespace {

constexpr const char *SUMS_SUFFIX = ".in_sum2";
constexpr const char *COUNTS_SUFFIX = ".counts";
constexpr const char *KEY_TYPE = "general.type";
constexpr const char *KEY_DATASETS = "imatrix.datasets";
constexpr const char *KEY_CHUNK_COUNT = "imatrix.chunk_count";
constexpr const char *KEY_CHUNK_SIZE = "imatrix.chunk_size";

bool strip_suffix(std::string *s, const std::string &suffix) {
    if (!s->ends_with(suffix)) return false;
    s->resize(s->size() - suffix.size());
    return true;
}

bool valid_sum(double v) { return std::isfinite(v) && v >= 0.0; }

std::optional<importance_matrix> read_gguf(const std::string &path, std::string *error) {
    const std::unique_ptr<llama::gguf_file> f = llama::gguf_file::open(path, error);
    if (!f) return std::nullopt;
    const auto fail = [&](const std::string &what) {
        *error = path + ": " + what;
        return std::nullopt;
    };
    importance_matrix m;
    std::string err;
    if (const llama::gguf_array *a =
            llama::gguf_get_array(*f, KEY_DATASETS, llama::gguf_type::STRING, &err))
        for (const llama::gguf_scalar &v : a->values)
            m.datasets.push_back(std::get<std::string>(v));
    m.chunk_count = uint32_t(llama::gguf_get_uint(*f, KEY_CHUNK_COUNT, &err).value_or(0));
    m.chunk_size = uint32_t(llama::gguf_get_uint(*f, KEY_CHUNK_SIZE, &err).value_or(0));
    if (!err.empty()) {
        *error = err;
        return std::nullopt;
    }
    // pair each <name>.in_sum2 with its <name>.counts
    std::map<std::string, std::pair<const llama::gguf_tensor *, const llama::gguf_tensor *>> pairs;
    for (const llama::gguf_tensor &t : f->tensors()) {
        std::string name = t.name;
        if (strip_suffix(&name, SUMS_SUFFIX))
            pairs[name].first = &t;
        else if (strip_suffix(&name, COUNTS_SUFFIX))
            pairs[name].second = &t;
    }
    if (pairs.empty()) return fail("no tensor <name>.in_sum2: not an importance matrix");
    for (const auto &[name, pair] : pairs) {
        const auto [sums, counts] = pair;
        if (!sums || !counts)
            return fail("'" + name + "' has " + (sums ? SUMS_SUFFIX : COUNTS_SUFFIX) + " but no " +
                        (sums ? COUNTS_SUFFIX : SUMS_SUFFIX));
        if (sums->type != GGML_TYPE_F32 || counts->type != GGML_TYPE_F32)
            return fail("'" + name + "': its sums and counts must be F32");
        const int64_t n_mat = counts->ne[0] * counts->ne[1] * counts->ne[2] * counts->ne[3];
        if (n_mat != 1)
            return fail(string_printf("'%s' holds %lld matrices (experts of a mixture); only "
                                      "single weight matrices are supported",
                                      name.c_str(), (long long)n_mat));
        importance_entry e;
        const auto *s = static_cast<const float *>(sums->data);
        e.sums.assign(s, s + sums->size / sizeof(float));
        e.count = *static_cast<const float *>(counts->data);
        if (e.sums.empty()) return fail("'" + name + "' has no sums");
        for (size_t j = 0; j < e.sums.size(); j++)
            if (!valid_sum(e.sums[j]))
                return fail(string_printf("'%s': sum %zu is %g, not a finite sum of squares",
                                          name.c_str(), j, e.sums[j]));
        if (!valid_sum(e.count))
            return fail(string_printf("'%s': its count %g is not a count", name.c_str(), e.count));
        m.entries.emplace(name, std::move(e));
    }
    return m;
}

// The legacy .dat: int32 n_entries, then per entry int32 name length, the
// name, int32 ncall, int32 nval, nval floats holding (sum / tokens) * ncall;
// then optionally int32 chunk count, int32 length and the dataset's name.
class dat_reader {
  public:
    explicit dat_reader(const std::vector<char> &bytes) : bytes_(bytes) {}
    bool i32(int32_t *v) { return take(v, sizeof *v); }
    bool text(size_t n, std::string *s) {
        if (n > left()) return false;
        s->assign(bytes_.data() + pos_, n);
        pos_ += n;
        return true;
    }
    bool floats(size_t n, std::vector<float> *v) {
        if (n > left() / sizeof(float)) return false;
        v->resize(n);
        return take(v->data(), n * sizeof(float));
    }
    size_t left() const { return bytes_.size() - pos_; }
    size_t pos() const { return pos_; }

  private:
    bool take(void *dst, size_t n) {
        if (n > left()) return false;
        std::memcpy(dst, bytes_.data() + pos_, n);
        pos_ += n;
        return true;
    }
    const std::vector<char> &bytes_;
    size_t pos_ = 0;
};

std::optional<importance_matrix> read_dat(const std::string &path, const std::vector<char> &bytes,
                                          std::string *error) {
    dat_reader in(bytes);
    const auto fail = [&](const std::string &what) {
        *error = string_printf("%s: not a GGUF file, and as a legacy .dat imatrix: %s (at byte "
                               "%zu)",
                               path.c_str(), what.c_str(), in.pos());
        return std::nullopt;
    };
    int32_t n_entries = 0;
    if (!in.i32(&n_entries) || n_entries < 1) return fail("no entry count");
    importance_matrix m;
    for (int32_t i = 0; i < n_entries; i++) {
        int32_t len = 0, ncall = 0, nval = 0;
        std::string name;
        if (!in.i32(&len) || len < 1 || !in.text(size_t(len), &name))
            return fail(string_printf("entry %d has no name", i));
        std::vector<float> values;
        if (!in.i32(&ncall) || !in.i32(&nval) || nval < 1 || !in.floats(size_t(nval), &values))
            return fail("entry '" + name + "' is cut short");
        importance_entry e;
        e.sums.assign(values.begin(), values.end());
        for (size_t j = 0; j < e.sums.size(); j++)
            if (!valid_sum(e.sums[j]))
                return fail(string_printf("entry '%s': value %zu is %g, not a mean square",
                                          name.c_str(), j, e.sums[j]));
        // the values are means times ncall (llama.cpp divides by it, or takes
        // them as they are when it is not positive)
        e.count = ncall > 0 ? double(ncall) : 1.0;
        if (!m.entries.emplace(name, std::move(e)).second)
            return fail("entry '" + name + "' appears twice");
    }
    int32_t chunks = 0, len = 0;
    if (in.left() > 0) {
        std::string dataset;
        if (!in.i32(&chunks) || !in.i32(&len) || len < 0 || !in.text(size_t(len), &dataset))
            return fail("the trailing chunk count and dataset name are cut short");
        m.chunk_count = uint32_t(std::max(chunks, 0));
        if (!dataset.empty()) m.datasets.push_back(dataset);
    }
    if (in.left() > 0) return fail("bytes after the dataset name");
    return m;
}

} // namespace

std::optional<std::vector<float>> importance_matrix::importance(const std::string &name) const {
    const auto it = entries.find(name);
    if (it == entries.end()) return std::nullopt;
    const importance_entry &e = it->second;
    std::vector<float> mean(e.sums.size(), 1.0f);
    if (e.count > 0)
        for (size_t j = 0; j < mean.size(); j++) mean[j] = float(e.sums[j] / e.count);
    return mean;
}

std::optional<importance_matrix> importance_matrix::read(const std::string &path,
                                                         std::string *error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = path + ": cannot read the importance matrix: " + std::strerror(errno);
        return std::nullopt;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    if (bytes.size() >= 4 && std::memcmp(bytes.data(), "GGUF", 4) == 0)
        return read_gguf(path, error);
    return read_dat(path, bytes, error);
}

bool importance_matrix::write(const std::string &path, std::string *error) const {
    llama::gguf_writer w;
    w.set_string(KEY_TYPE, "imatrix");
    w.set_strings(KEY_DATASETS, datasets);
    w.set_u32(KEY_CHUNK_COUNT, chunk_count);
    w.set_u32(KEY_CHUNK_SIZE, chunk_size);
    for (const auto &[name, e] : entries) { // a std::map: in name order, as llama.cpp sorts them
        // one matrix: 1-D, as GGUF stores llama.cpp's [columns, 1] and [1, 1]
        std::vector<float> sums(e.sums.begin(), e.sums.end());
        const int64_t sums_ne[1] = {int64_t(sums.size())}, counts_ne[1] = {1};
        const float count = float(e.count);
        w.add_tensor(name + SUMS_SUFFIX, GGML_TYPE_F32, 1, sums_ne, sums.data());
        w.add_tensor(name + COUNTS_SUFFIX, GGML_TYPE_F32, 1, counts_ne, &count);
    }
    return w.write(path, error);
}

} // namespace quantize
