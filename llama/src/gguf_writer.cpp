// GGUF writing. Everything is checked before the file is created (the same
// checks the reader makes), and the file appears under its name only once it
// is complete, so an interrupted write never leaves a broken model behind.
#include "gguf.h"
#include "gguf_format.h"
#include "gguf_keys.h"
#include "string_printf.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace llama {

namespace {

using namespace gguf_format;

struct invalid_content : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <typename T> void put(std::vector<uint8_t> &out, T v) {
    const auto *p = reinterpret_cast<const uint8_t *>(&v);
    out.insert(out.end(), p, p + sizeof(T));
}

void put_string(std::vector<uint8_t> &out, std::string_view s) {
    put<uint64_t>(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

// What a value variant holds, for messages; the alternatives of gguf_scalar
// and gguf_value::v are in the same order.
const char *held(size_t index) {
    static const char *const names[] = {
        "an unsigned integer", "a signed integer", "a float", "a bool", "a string", "an array"};
    return names[index];
}

// Encodes one value of a scalar type held in a gguf_scalar or gguf_value::v,
// checking that the variant holds what the type says and that it fits.
template <typename Variant>
void put_scalar(std::vector<uint8_t> &out, gguf_type type, const Variant &v) {
    auto mismatch = [&] {
        throw invalid_content(string_printf("the type is %s but the value holds %s",
                                            gguf_type_name(type), held(v.index())));
    };
    const size_t size = fixed_size(type);
    switch (type) {
    case gguf_type::UINT8:
    case gguf_type::UINT16:
    case gguf_type::UINT32:
    case gguf_type::UINT64: {
        const uint64_t *u = std::get_if<uint64_t>(&v);
        if (!u) mismatch();
        if (size < 8 && *u >> (8 * size) != 0)
            throw invalid_content(
                string_printf("%" PRIu64 " does not fit %s", *u, gguf_type_name(type)));
        out.insert(out.end(), reinterpret_cast<const uint8_t *>(u),
                   reinterpret_cast<const uint8_t *>(u) + size); // little endian: low bytes
        return;
    }
    case gguf_type::INT8:
    case gguf_type::INT16:
    case gguf_type::INT32:
    case gguf_type::INT64: {
        const int64_t *i = std::get_if<int64_t>(&v);
        if (!i) mismatch();
        const int64_t max = size < 8 ? (int64_t(1) << (8 * size - 1)) - 1 : INT64_MAX;
        if (*i > max || *i < -max - 1)
            throw invalid_content(
                string_printf("%" PRId64 " does not fit %s", *i, gguf_type_name(type)));
        out.insert(out.end(), reinterpret_cast<const uint8_t *>(i),
                   reinterpret_cast<const uint8_t *>(i) + size);
        return;
    }
    case gguf_type::FLOAT32:
    case gguf_type::FLOAT64: {
        const double *d = std::get_if<double>(&v);
        if (!d) mismatch();
        if (type == gguf_type::FLOAT32)
            put<float>(out, float(*d));
        else
            put<double>(out, *d);
        return;
    }
    case gguf_type::BOOL: {
        const bool *b = std::get_if<bool>(&v);
        if (!b) mismatch();
        put<uint8_t>(out, *b ? 1 : 0);
        return;
    }
    case gguf_type::STRING: {
        const std::string *s = std::get_if<std::string>(&v);
        if (!s) mismatch();
        put_string(out, *s);
        return;
    }
    case gguf_type::ARRAY: break;
    }
    throw invalid_content(string_printf("unknown value type %u", uint32_t(type)));
}

void put_value(std::vector<uint8_t> &out, const gguf_value &value) {
    put<uint32_t>(out, uint32_t(value.type));
    if (value.type != gguf_type::ARRAY) {
        put_scalar(out, value.type, value.v);
        return;
    }
    const gguf_array *array = std::get_if<gguf_array>(&value.v);
    if (!array)
        throw invalid_content(
            string_printf("the type is ARRAY but the value holds %s", held(value.v.index())));
    if (array->elem_type == gguf_type::ARRAY) throw invalid_content("nested arrays are invalid");
    put<uint32_t>(out, uint32_t(array->elem_type));
    put<uint64_t>(out, array->values.size());
    for (size_t i = 0; i < array->values.size(); i++) {
        try {
            put_scalar(out, array->elem_type, array->values[i]);
        } catch (const invalid_content &e) {
            throw invalid_content(string_printf("element %zu: %s", i, e.what()));
        }
    }
}

uint32_t alignment_of(const std::vector<gguf_kv> &kvs) {
    for (const gguf_kv &kv : kvs) {
        if (kv.key != keys::ALIGNMENT) continue;
        const uint64_t *a = std::get_if<uint64_t>(&kv.value.v);
        if (kv.value.type != gguf_type::UINT32 || !a)
            throw invalid_content("key 'general.alignment' must be a UINT32 power of two");
        if (std::string problem = check_alignment(*a); !problem.empty())
            throw invalid_content("key 'general.alignment': " + problem);
        return uint32_t(*a);
    }
    return DEFAULT_ALIGNMENT;
}

// The temporary file of a write. Unless committed, it is removed when this
// goes out of scope, also when a fill callback throws.
class temp_file {
  public:
    // Creates the file anew, never writing through what is already there: a
    // name that exists is replaced only when it is a regular file (the
    // leftover of a killed run), never followed if it is a symbolic link
    // someone planted (it is refused), and a file that appears in between
    // makes the creation fail.
    temp_file(std::string path, std::string *error) : path_(std::move(path)) {
        constexpr int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
        fd_ = ::open(path_.c_str(), flags, 0644);
        if (fd_ < 0 && errno == EEXIST) {
            struct stat st;
            if (lstat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
                *error = path_ + ": exists and is not a regular file (a symbolic link?), so it "
                                 "is not replaced; remove it or choose another output";
                return;
            }
            if (::unlink(path_.c_str()) == 0 || errno == ENOENT)
                fd_ = ::open(path_.c_str(), flags, 0644);
        }
        if (fd_ < 0) *error = path_ + ": cannot create: " + std::strerror(errno);
    }
    ~temp_file() {
        if (fd_ < 0) return;
        ::close(fd_);
        std::remove(path_.c_str());
    }
    temp_file(const temp_file &) = delete;
    temp_file &operator=(const temp_file &) = delete;

    bool created() const { return fd_ >= 0; }
    const std::string &path() const { return path_; }

    // All of n bytes; false with errno set on failure.
    bool write(const void *buf, size_t n) {
        const auto *p = static_cast<const uint8_t *>(buf);
        while (n > 0) {
            const ssize_t w = ::write(fd_, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return false;
            p += w;
            n -= size_t(w);
        }
        return true;
    }

    // Flushes the file to disk and renames it to dest.
    bool commit(const std::string &dest, std::string *error) {
        const bool synced = fsync(fd_) == 0;
        int err = errno;
        const bool closed = ::close(fd_) == 0;
        if (!closed) err = errno;
        fd_ = -1;
        bool ok = synced && closed;
        if (!ok) {
            *error = path_ + ": cannot write: " + std::strerror(err);
        } else if (std::rename(path_.c_str(), dest.c_str()) != 0) {
            *error = "cannot rename " + path_ + " to " + dest + ": " + std::strerror(errno);
            ok = false;
        }
        if (!ok) std::remove(path_.c_str());
        return ok;
    }

  private:
    std::string path_;
    int fd_ = -1;
};

} // namespace

void gguf_writer::set(std::string key, gguf_value value) {
    for (gguf_kv &kv : kvs_) {
        if (kv.key == key) {
            kv.value = std::move(value);
            return;
        }
    }
    kvs_.push_back({std::move(key), std::move(value)});
}

void gguf_writer::set_u32(std::string key, uint32_t v) {
    set(std::move(key), {gguf_type::UINT32, uint64_t(v)});
}
void gguf_writer::set_i32(std::string key, int32_t v) {
    set(std::move(key), {gguf_type::INT32, int64_t(v)});
}
void gguf_writer::set_f32(std::string key, float v) {
    set(std::move(key), {gguf_type::FLOAT32, double(v)});
}
void gguf_writer::set_bool(std::string key, bool v) { set(std::move(key), {gguf_type::BOOL, v}); }
void gguf_writer::set_string(std::string key, std::string v) {
    set(std::move(key), {gguf_type::STRING, std::move(v)});
}

namespace {

// An ARRAY value of elements widened to the types gguf_scalar holds.
template <typename Wide, typename Elem>
gguf_value array_value(gguf_type type, std::vector<Elem> v) {
    std::vector<gguf_scalar> values;
    values.reserve(v.size());
    for (Elem &x : v) values.emplace_back(Wide(std::move(x)));
    return {gguf_type::ARRAY, gguf_array{type, gguf_elements(std::move(values))}};
}

} // namespace

void gguf_writer::set_strings(std::string key, std::vector<std::string> v) {
    set(std::move(key), array_value<std::string>(gguf_type::STRING, std::move(v)));
}
void gguf_writer::set_f32s(std::string key, const std::vector<float> &v) {
    set(std::move(key), array_value<double>(gguf_type::FLOAT32, v));
}
void gguf_writer::set_i32s(std::string key, const std::vector<int32_t> &v) {
    set(std::move(key), array_value<int64_t>(gguf_type::INT32, v));
}

namespace {

// The shape as a file holds it (unused dimensions 1); negative sizes become
// huge, which check_tensor reports.
void file_shape(int n_dims, const int64_t *ne, uint64_t out[GGML_MAX_DIMS]) {
    for (int d = 0; d < GGML_MAX_DIMS; d++)
        out[d] = d < n_dims && n_dims <= GGML_MAX_DIMS ? uint64_t(ne[d]) : 1;
}

} // namespace

void gguf_writer::add_tensor(std::string name, ggml_type type, int n_dims, const int64_t *ne,
                             const void *data) {
    pending_tensor t{std::move(name), type, n_dims, {1, 1, 1, 1}, {}, {}};
    for (int d = 0; d < n_dims && d < GGML_MAX_DIMS; d++) t.ne[d] = ne[d];
    uint64_t shape[GGML_MAX_DIMS], nbytes = 0;
    file_shape(n_dims, ne, shape);
    // An invalid tensor keeps no bytes; write() reports what is wrong.
    if (data && check_tensor(t.name, uint32_t(type), uint32_t(n_dims), shape, &nbytes).empty())
        t.bytes.assign(static_cast<const uint8_t *>(data),
                       static_cast<const uint8_t *>(data) + nbytes);
    tensors_.push_back(std::move(t));
}

void gguf_writer::add_tensor(std::string name, ggml_type type, int n_dims, const int64_t *ne,
                             std::function<void(void *dst)> fill) {
    pending_tensor t{std::move(name), type, n_dims, {1, 1, 1, 1}, {}, std::move(fill)};
    for (int d = 0; d < n_dims && d < GGML_MAX_DIMS; d++) t.ne[d] = ne[d];
    tensors_.push_back(std::move(t));
}

std::string gguf_writer::temp_path(const std::string &path) { return path + ".tmp"; }

bool gguf_writer::write(const std::string &path, std::string *error) const {
    // Everything but the tensor data, checked and encoded before any file
    // is touched.
    std::vector<uint8_t> head;
    std::vector<uint64_t> sizes;
    uint32_t alignment = DEFAULT_ALIGNMENT;
    try {
        alignment = alignment_of(kvs_);
        put<uint32_t>(head, MAGIC);
        put<uint32_t>(head, VERSION);
        put<uint64_t>(head, tensors_.size());
        put<uint64_t>(head, kvs_.size());
        for (const gguf_kv &kv : kvs_) {
            if (kv.key.empty()) throw invalid_content("a metadata key is empty");
            put_string(head, kv.key);
            try {
                put_value(head, kv.value);
            } catch (const invalid_content &e) {
                throw invalid_content("key '" + printable(kv.key) + "': " + e.what());
            }
        }
        std::unordered_set<std::string_view> names;
        uint64_t offset = 0;
        for (const pending_tensor &t : tensors_) {
            uint64_t shape[GGML_MAX_DIMS], nbytes = 0;
            file_shape(t.n_dims, t.ne, shape);
            std::string problem =
                check_tensor(t.name, uint32_t(t.type), uint32_t(t.n_dims), shape, &nbytes);
            if (!problem.empty()) throw invalid_content(problem);
            if (!names.insert(t.name).second)
                throw invalid_content("duplicate tensor name '" + printable(t.name) + "'");
            if (t.bytes.empty() && !t.fill)
                throw invalid_content("tensor '" + printable(t.name) + "' has no data");
            put_string(head, t.name);
            put<uint32_t>(head, uint32_t(t.n_dims));
            for (int d = 0; d < t.n_dims; d++) put<uint64_t>(head, shape[d]);
            put<uint32_t>(head, uint32_t(t.type));
            put<uint64_t>(head, offset);
            offset = align_up(offset + nbytes, alignment);
            sizes.push_back(nbytes);
        }
    } catch (const invalid_content &e) {
        *error = path + ": cannot write: " + e.what();
        return false;
    }
    head.resize(align_up(head.size(), alignment), 0);

    temp_file out(temp_path(path), error);
    if (!out.created()) return false;
    bool ok = out.write(head.data(), head.size());
    std::vector<uint8_t> buffer;
    for (size_t i = 0; ok && i < tensors_.size(); i++) {
        const pending_tensor &t = tensors_[i];
        const size_t padded = size_t(align_up(sizes[i], alignment));
        if (t.fill) {
            buffer.assign(padded, 0);
            t.fill(buffer.data());
            ok = out.write(buffer.data(), padded);
        } else {
            buffer.assign(padded - sizes[i], 0);
            ok = out.write(t.bytes.data(), t.bytes.size()) &&
                 out.write(buffer.data(), buffer.size());
        }
    }
    if (!ok) {
        *error = out.path() + ": cannot write: " + std::strerror(errno);
        return false;
    }
    return out.commit(path, error);
}

} // namespace llama
