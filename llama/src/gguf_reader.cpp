// GGUF reading: every count, length and offset is checked against the bytes
// that are really there before it is used, so a corrupt or hostile file gives
// an error message, never an out-of-bounds read or a huge allocation.
#include "gguf.h"
#include "gguf_format.h"
#include "gguf_keys.h"
#include "mapped_file.h"
#include "string_printf.h"

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstring>
#include <stdexcept>

static_assert(std::endian::native == std::endian::little, "GGUF is read in place: little endian");

namespace llama {

namespace {

using namespace gguf_format;

// Fewest bytes of one metadata entry (key length, a 1-byte key, the type, a
// 1-byte value) and of one tensor info (name length, a 1-byte name, n_dims,
// one dimension, type, offset): bounds for the counts in the header.
constexpr uint64_t MIN_KV_BYTES = 8 + 1 + 4 + 1;
constexpr uint64_t MIN_TENSOR_INFO_BYTES = 8 + 1 + 4 + 8 + 4 + 8;

struct format_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

} // namespace

// Reads the file front to back into a gguf_file; throws format_error with a
// message that names what was being read.
class gguf_parser {
  public:
    explicit gguf_parser(gguf_file &f) : f_(f), data_(f.bytes_), size_(f.size_) {}

    void parse() {
        read_header();
        read_metadata();
        read_alignment();
        read_tensor_infos();
        place_tensors();
    }

  private:
    gguf_file &f_;
    const uint8_t *data_;
    size_t size_;
    size_t pos_ = 0;
    uint64_t n_tensors_ = 0;
    uint64_t n_kv_ = 0;
    // What is being read, for messages: "key 'general.name'", and the array
    // element index when inside an array.
    std::string context_;
    int64_t element_ = -1;

    [[noreturn]] void fail(const std::string &what) const {
        std::string where = context_;
        if (element_ >= 0) where += string_printf(", element %" PRId64, element_);
        throw format_error(where.empty() ? what : where + ": " + what);
    }

    size_t remaining() const { return size_ - pos_; }

    const uint8_t *take(size_t n) {
        if (n > remaining())
            fail(string_printf("truncated: %zu bytes at offset %zu run past the end of the file "
                               "(%zu bytes)",
                               n, pos_, size_));
        const uint8_t *p = data_ + pos_;
        pos_ += n;
        return p;
    }

    template <typename T> T read() {
        T v;
        std::memcpy(&v, take(sizeof(T)), sizeof(T));
        return v;
    }

    // Checks a string's length against the file and steps over it; returns
    // where its bytes are.
    std::string_view skip_string() {
        const uint64_t len = read<uint64_t>();
        if (len > remaining())
            fail(string_printf("a string of %" PRIu64 " bytes at offset %zu runs past the end of "
                               "the file (%zu bytes)",
                               len, pos_, size_));
        return {reinterpret_cast<const char *>(take(size_t(len))), size_t(len)};
    }

    std::string read_string() { return std::string(skip_string()); }

    void read_header() {
        context_ = "header";
        const uint8_t *magic = take(4);
        if (std::memcmp(magic, "GGUF", 4) != 0)
            fail("not a GGUF file: it starts with '" +
                 printable(std::string_view(reinterpret_cast<const char *>(magic), 4)) +
                 "', not 'GGUF' (bad magic)");
        const uint32_t version = read<uint32_t>();
        if (version == 1 || version == 2)
            fail(string_printf("GGUF version %u is not supported, only version 3: convert the "
                               "model again with a current converter",
                               version));
        if (__builtin_bswap32(version) == VERSION)
            fail("big-endian GGUF files are not supported (version field is byte-swapped)");
        if (version != VERSION)
            fail(string_printf("unknown GGUF version %u; only version 3 is supported", version));
        f_.version_ = version;
        n_tensors_ = read<uint64_t>();
        n_kv_ = read<uint64_t>();
        // Each entry takes some bytes, so the counts are bounded by the file
        // size; checking it here keeps reserve() from huge allocations.
        const uint64_t left = remaining();
        if (n_kv_ > left / MIN_KV_BYTES)
            fail(string_printf("the header claims %" PRIu64 " metadata entries, more than the "
                               "%" PRIu64 " bytes left in the file can hold",
                               n_kv_, left));
        if (n_tensors_ > left / MIN_TENSOR_INFO_BYTES)
            fail(string_printf("the header claims %" PRIu64 " tensors, more than the %" PRIu64
                               " bytes left in the file can hold",
                               n_tensors_, left));
        if (n_kv_ * MIN_KV_BYTES + n_tensors_ * MIN_TENSOR_INFO_BYTES > left)
            fail(string_printf("the header claims %" PRIu64 " metadata entries and %" PRIu64
                               " tensors, more than the %" PRIu64
                               " bytes left in the file can hold",
                               n_kv_, n_tensors_, left));
    }

    gguf_scalar read_scalar(gguf_type type) {
        switch (type) {
        case gguf_type::UINT8: return uint64_t(read<uint8_t>());
        case gguf_type::UINT16: return uint64_t(read<uint16_t>());
        case gguf_type::UINT32: return uint64_t(read<uint32_t>());
        case gguf_type::UINT64: return read<uint64_t>();
        case gguf_type::INT8: return int64_t(read<int8_t>());
        case gguf_type::INT16: return int64_t(read<int16_t>());
        case gguf_type::INT32: return int64_t(read<int32_t>());
        case gguf_type::INT64: return read<int64_t>();
        case gguf_type::FLOAT32: return double(read<float>());
        case gguf_type::FLOAT64: return read<double>();
        case gguf_type::BOOL: {
            const uint8_t b = read<uint8_t>();
            if (b > 1) fail(string_printf("a BOOL value is %u; it must be 0 or 1", b));
            return b == 1;
        }
        case gguf_type::STRING: return read_string();
        case gguf_type::ARRAY: break;
        }
        fail("internal error: not a scalar type");
    }

    // The elements are checked here and left in place (gguf_elements): a
    // string costs an offset, a number nothing.
    gguf_array read_array() {
        const uint32_t elem = read<uint32_t>();
        if (elem == uint32_t(gguf_type::ARRAY)) fail("nested arrays are not allowed");
        if (!is_valid_type(elem)) fail(string_printf("unknown array element type %u", elem));
        const auto type = gguf_type(elem);
        const uint64_t count = read<uint64_t>();
        const size_t min_size = min_encoded_size(type);
        if (count > remaining() / min_size)
            fail(string_printf("an array of %" PRIu64 " %s elements at offset %zu runs past the "
                               "end of the file (%zu bytes)",
                               count, gguf_type_name(type), pos_, size_));
        const size_t start = pos_;
        std::vector<size_t> string_offsets;
        if (type == gguf_type::STRING) {
            string_offsets.reserve(size_t(count)); // at most an eighth of the file's bytes
            for (uint64_t i = 0; i < count; i++) {
                element_ = int64_t(i);
                string_offsets.push_back(pos_ - start);
                skip_string();
            }
        } else {
            const uint8_t *values = take(size_t(count) * min_size);
            for (uint64_t i = 0; type == gguf_type::BOOL && i < count; i++) {
                element_ = int64_t(i);
                if (values[i] > 1)
                    fail(string_printf("a BOOL value is %u; it must be 0 or 1", values[i]));
            }
        }
        element_ = -1;
        return {type, gguf_elements::in_place(type, data_ + start, size_t(count),
                                              std::move(string_offsets))};
    }

    gguf_value read_value(gguf_type type) {
        if (type == gguf_type::ARRAY) return {type, read_array()};
        gguf_value value{type, {}};
        std::visit([&](auto &&v) { value.v = std::move(v); }, read_scalar(type));
        return value;
    }

    void read_metadata() {
        f_.kvs_.reserve(size_t(n_kv_)); // no reallocation: kv_index_ points into the keys
        for (uint64_t i = 0; i < n_kv_; i++) {
            context_ = string_printf("metadata entry %" PRIu64, i);
            std::string key = read_string();
            if (key.empty()) fail("the key is empty");
            context_ = "key '" + printable(key) + "'";
            if (auto it = f_.kv_index_.find(key); it != f_.kv_index_.end())
                fail(string_printf("duplicate key (metadata entries %zu and %" PRIu64 ")",
                                   it->second, i));
            const uint32_t type = read<uint32_t>();
            if (!is_valid_type(type)) fail(string_printf("unknown value type %u", type));
            gguf_value value = read_value(gguf_type(type));
            f_.kvs_.push_back({std::move(key), std::move(value)});
            f_.kv_index_.emplace(f_.kvs_.back().key, f_.kvs_.size() - 1);
        }
        context_.clear();
    }

    void read_alignment() {
        const gguf_value *v = f_.find(keys::ALIGNMENT);
        if (!v) return;
        context_ = std::string("key '") + keys::ALIGNMENT + "'";
        if (v->type != gguf_type::UINT32)
            fail(string_printf("the type is %s; it must be UINT32", gguf_type_name(v->type)));
        const uint64_t alignment = std::get<uint64_t>(v->v);
        if (std::string problem = check_alignment(alignment); !problem.empty()) fail(problem);
        f_.alignment_ = uint32_t(alignment);
        context_.clear();
    }

    void read_tensor_infos() {
        f_.tensors_.reserve(size_t(n_tensors_)); // tensor_index_ points into the names
        for (uint64_t i = 0; i < n_tensors_; i++) {
            context_ = string_printf("tensor %" PRIu64, i);
            gguf_tensor t{};
            t.name = read_string();
            if (t.name.empty()) fail("the name is empty");
            context_ = "tensor '" + printable(t.name) + "'";
            const uint32_t n_dims = read<uint32_t>();
            if (n_dims < 1 || n_dims > GGML_MAX_DIMS)
                fail(string_printf("n_dims is %u; it must be 1 to %d", n_dims, GGML_MAX_DIMS));
            uint64_t ne[GGML_MAX_DIMS] = {1, 1, 1, 1};
            for (uint32_t d = 0; d < n_dims; d++) ne[d] = read<uint64_t>();
            const uint32_t type = read<uint32_t>();
            t.offset = read<uint64_t>();

            context_.clear(); // check_tensor names the tensor itself
            uint64_t nbytes = 0;
            if (std::string problem = check_tensor(t.name, type, n_dims, ne, &nbytes);
                !problem.empty())
                fail(problem);
            context_ = "tensor '" + printable(t.name) + "'";
            if (auto it = f_.tensor_index_.find(t.name); it != f_.tensor_index_.end())
                fail(string_printf("duplicate tensor name (tensors %zu and %" PRIu64 ")",
                                   it->second, i));
            if (t.offset % f_.alignment_ != 0)
                fail(string_printf("the data offset %" PRIu64
                                   " is not a multiple of the alignment %u",
                                   t.offset, f_.alignment_));
            t.type = ggml_type(type);
            t.n_dims = int(n_dims);
            for (int d = 0; d < GGML_MAX_DIMS; d++) t.ne[d] = int64_t(ne[d]);
            t.size = size_t(nbytes);
            f_.tensors_.push_back(std::move(t));
            f_.tensor_index_.emplace(f_.tensors_.back().name, f_.tensors_.size() - 1);
        }
        context_.clear();
    }

    // Every tensor's bytes lie inside the file and no two overlap. (A file
    // without tensors may end before its data section would start.)
    void place_tensors() {
        f_.data_offset_ = align_up(pos_, f_.alignment_);
        const uint64_t base = f_.data_offset_;
        for (gguf_tensor &t : f_.tensors_) {
            context_ = "tensor '" + printable(t.name) + "'";
            if (t.offset > size_ || t.size > size_)
                fail(string_printf("data at offset %" PRIu64 " of the data section (%zu bytes) "
                                   "extends past the end of the file (%zu bytes)",
                                   t.offset, t.size, size_));
            const uint64_t begin = base + t.offset, end = begin + t.size;
            if (end > size_)
                fail(string_printf("data [%" PRIu64 ", %" PRIu64 ") extends past the end of the "
                                   "file (%zu bytes)",
                                   begin, end, size_));
            t.data = data_ + begin;
        }
        context_.clear();
        std::vector<const gguf_tensor *> by_offset;
        for (const gguf_tensor &t : f_.tensors_) by_offset.push_back(&t);
        std::sort(by_offset.begin(), by_offset.end(),
                  [](const gguf_tensor *a, const gguf_tensor *b) { return a->offset < b->offset; });
        for (size_t i = 1; i < by_offset.size(); i++) {
            const gguf_tensor &a = *by_offset[i - 1], &b = *by_offset[i];
            if (a.offset + a.size > b.offset)
                fail(string_printf("tensors '%s' data [%" PRIu64 ", %" PRIu64 ") and '%s' data "
                                   "[%" PRIu64 ", %" PRIu64 ") overlap",
                                   printable(a.name).c_str(), base + a.offset,
                                   base + a.offset + a.size, printable(b.name).c_str(),
                                   base + b.offset, base + b.offset + b.size));
        }
    }
};

gguf_file::gguf_file() = default;
gguf_file::~gguf_file() = default;

namespace {

std::unique_ptr<gguf_file> parse_or_fail(std::unique_ptr<gguf_file> f, std::string *error) {
    try {
        gguf_parser(*f).parse();
    } catch (const format_error &e) {
        *error = f->path() + ": " + e.what();
        return nullptr;
    }
    return f;
}

} // namespace

std::unique_ptr<gguf_file> gguf_file::open(const std::string &path, std::string *error) {
    std::unique_ptr<mapped_file> map = mapped_file::open(path, error);
    if (!map) return nullptr;
    std::unique_ptr<gguf_file> f(new gguf_file());
    f->path_ = path;
    f->bytes_ = map->data();
    f->size_ = map->size();
    f->map_ = std::move(map);
    return parse_or_fail(std::move(f), error);
}

std::unique_ptr<gguf_file> gguf_file::from_bytes(std::string name, std::vector<uint8_t> bytes,
                                                 std::string *error) {
    std::unique_ptr<gguf_file> f(new gguf_file());
    f->path_ = std::move(name);
    f->owned_ = std::move(bytes);
    f->bytes_ = f->owned_.data();
    f->size_ = f->owned_.size();
    return parse_or_fail(std::move(f), error);
}

const gguf_value *gguf_file::find(std::string_view key) const {
    auto it = kv_index_.find(key);
    return it == kv_index_.end() ? nullptr : &kvs_[it->second].value;
}

const gguf_tensor *gguf_file::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

} // namespace llama
