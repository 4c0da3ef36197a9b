#include "checkpoints/safetensors.h"

#include "checkpoints/json.h"
#include "ggml.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace convert {

namespace {

struct dtype_info {
    const char *name;
    st_dtype type;
    size_t size;
};

constexpr dtype_info DTYPES[] = {
    {"BOOL", st_dtype::BOOL, 1},       {"U8", st_dtype::U8, 1},
    {"I8", st_dtype::I8, 1},           {"U16", st_dtype::U16, 2},
    {"I16", st_dtype::I16, 2},         {"F16", st_dtype::F16, 2},
    {"BF16", st_dtype::BF16, 2},       {"U32", st_dtype::U32, 4},
    {"I32", st_dtype::I32, 4},         {"F32", st_dtype::F32, 4},
    {"U64", st_dtype::U64, 8},         {"I64", st_dtype::I64, 8},
    {"F64", st_dtype::F64, 8},         {"F8_E4M3", st_dtype::F8_E4M3, 1},
    {"F8_E5M2", st_dtype::F8_E5M2, 1},
};

const dtype_info &info_of(st_dtype t) {
    for (const dtype_info &d : DTYPES)
        if (d.type == t) return d;
    return DTYPES[0]; // every enumerator is in the table
}

// The product of the dimensions (0 when one is 0, whatever the others), or
// false when it overflows int64.
bool checked_elements(const std::vector<int64_t> &shape, int64_t *n) {
    *n = std::find(shape.begin(), shape.end(), 0) == shape.end() ? 1 : 0;
    for (int64_t d : shape)
        if (*n != 0 && __builtin_mul_overflow(*n, d, n)) return false;
    return true;
}

// A header larger than this is not a real checkpoint's (the reference
// implementation refuses above 100 MB as well).
constexpr uint64_t MAX_HEADER_BYTES = 100u << 20;

// Checks one header entry and fills *t; "" or what is wrong.
std::string read_entry(const std::string &name, const json::value &v, const uint8_t *data,
                       uint64_t data_size, st_tensor *t) {
    if (v.type != json::kind::OBJECT)
        return "is " + std::string(json::kind_name(v.type)) + ", not an object";
    const json::value *dtype = v.find("dtype"), *shape = v.find("shape"),
                      *offsets = v.find("data_offsets");
    if (!dtype || dtype->type != json::kind::STRING) return "has no \"dtype\" string";
    if (!shape || shape->type != json::kind::ARRAY) return "has no \"shape\" array";
    if (!offsets || offsets->type != json::kind::ARRAY || offsets->items.size() != 2)
        return "has no \"data_offsets\" pair";
    if (v.members.size() != 3) return "has members other than dtype, shape and data_offsets";
    const auto known = std::find_if(std::begin(DTYPES), std::end(DTYPES),
                                    [&](const dtype_info &d) { return dtype->string == d.name; });
    if (known == std::end(DTYPES)) return "has unknown dtype \"" + dtype->string + "\"";
    t->name = name;
    t->dtype = known->type;
    for (const json::value &d : shape->items) {
        if (!d.integer || *d.integer < 0)
            return "has a shape entry that is not a non-negative integer";
        t->shape.push_back(*d.integer);
    }
    // the element count as n_elements() computes it (0 with any dimension
    // 0), checked to fit int64 and, in bytes, 64 bits
    int64_t n = 0;
    uint64_t bytes;
    if (!checked_elements(t->shape, &n) ||
        __builtin_mul_overflow(uint64_t(n), uint64_t(known->size), &bytes))
        return "has an impossibly large shape";
    const json::value &b = offsets->items[0], &e = offsets->items[1];
    if (!b.integer || !e.integer || *b.integer < 0 || *e.integer < *b.integer)
        return "has data_offsets that are not integers 0 <= begin <= end";
    const auto begin = uint64_t(*b.integer), end = uint64_t(*e.integer);
    if (end > data_size)
        return "has data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
               "] past the end of the data (" + std::to_string(data_size) + " bytes)";
    if (end - begin != bytes)
        return "has " + std::to_string(end - begin) + " bytes of data, but " + dtype->string +
               " of this shape needs " + std::to_string(bytes);
    t->data = data + begin;
    t->size = size_t(bytes);
    return "";
}

} // namespace

const char *st_dtype_name(st_dtype t) { return info_of(t).name; }

std::string st_shape_str(const std::vector<int64_t> &shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

int64_t st_tensor::n_elements() const {
    int64_t n;
    checked_elements(shape, &n); // true: open() refused shapes it is not for
    return n;
}

float st_tensor::get_float(int64_t i) const {
    switch (dtype) {
    case st_dtype::F32: {
        float f;
        std::memcpy(&f, data + 4 * i, 4);
        return f;
    }
    case st_dtype::F16: {
        ggml_fp16_t h;
        std::memcpy(&h, data + 2 * i, 2);
        return ggml_fp16_to_fp32(h);
    }
    case st_dtype::BF16: {
        uint16_t h;
        std::memcpy(&h, data + 2 * i, 2);
        const uint32_t bits = uint32_t(h) << 16; // bf16 is the top half of an fp32
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    }
    default: return 0.0f / 0.0f; // callers check the dtype first
    }
}

int32_t st_tensor::get_i32(int64_t i) const {
    int32_t v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
}

std::unique_ptr<safetensors_file> safetensors_file::open(const std::string &path,
                                                         std::string *error) {
    auto f = std::unique_ptr<safetensors_file>(new safetensors_file());
    f->path_ = path;
    f->map_ = llama::mapped_file::open(path, error);
    if (!f->map_) return nullptr;
    auto fail = [&](const std::string &what) {
        *error = path + ": " + what;
        return nullptr;
    };
    const uint8_t *bytes = f->map_->data();
    const size_t size = f->map_->size();
    uint64_t header_len = 0;
    if (size < 8)
        return fail("the file is " + std::to_string(size) +
                    " bytes, too short for a safetensors header");
    std::memcpy(&header_len, bytes, 8);
    if (header_len > MAX_HEADER_BYTES || header_len > size - 8)
        return fail("the header length " + std::to_string(header_len) + " does not fit the file (" +
                    std::to_string(size) + " bytes)");
    json::value header;
    std::string json_error;
    if (!json::parse({reinterpret_cast<const char *>(bytes + 8), size_t(header_len)}, &header,
                     &json_error))
        return fail("header JSON: " + json_error);
    if (header.type != json::kind::OBJECT) return fail("the header is not a JSON object");
    const uint8_t *data = bytes + 8 + header_len;
    const uint64_t data_size = size - 8 - header_len;
    for (const auto &[name, v] : header.members) {
        if (name == "__metadata__") {
            if (v.type != json::kind::OBJECT) return fail("__metadata__ is not an object");
            for (const auto &[key, text] : v.members) {
                if (text.type != json::kind::STRING)
                    return fail("__metadata__ \"" + key + "\" is not a string");
                f->metadata_[key] = text.string;
            }
            continue;
        }
        st_tensor t;
        if (std::string problem = read_entry(name, v, data, data_size, &t); !problem.empty())
            return fail("tensor '" + name + "' " + problem);
        t.file = path;
        f->tensors_.push_back(std::move(t));
    }
    // no two tensors may share bytes
    std::vector<const st_tensor *> by_offset;
    for (const st_tensor &t : f->tensors_)
        if (t.size > 0) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const st_tensor *a, const st_tensor *b) { return a->data < b->data; });
    for (size_t i = 1; i < by_offset.size(); i++)
        if (by_offset[i - 1]->data + by_offset[i - 1]->size > by_offset[i]->data)
            return fail("tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name +
                        "' overlap");
    return f;
}

bool safetensors_set::add(std::unique_ptr<safetensors_file> file, std::string *error) {
    for (const st_tensor &t : file->tensors()) {
        if (const auto it = by_name_.find(t.name); it != by_name_.end()) {
            *error = file->path() + ": tensor '" + t.name + "' is also in " + it->second->file;
            return false;
        }
        by_name_[t.name] = &t;
    }
    files_.push_back(std::move(file));
    return true;
}

const st_tensor *safetensors_set::find(const std::string &name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
}

std::unique_ptr<safetensors_set> safetensors_set::open_dir(const std::string &dir,
                                                           std::string *error) {
    namespace fs = std::filesystem;
    auto set = std::unique_ptr<safetensors_set>(new safetensors_set());
    set->dir_ = dir;
    const fs::path root(dir);
    const fs::path index_path = root / "model.safetensors.index.json";
    std::error_code ec;
    if (fs::exists(index_path, ec)) {
        const std::string index_name = index_path.string();
        std::unique_ptr<llama::mapped_file> map = llama::mapped_file::open(index_name, error);
        if (!map) return nullptr;
        json::value index;
        std::string json_error;
        if (!json::parse({reinterpret_cast<const char *>(map->data()), map->size()}, &index,
                         &json_error)) {
            *error = index_name + ": " + json_error;
            return nullptr;
        }
        const json::value *weight_map = index.find("weight_map");
        if (!weight_map || weight_map->type != json::kind::OBJECT) {
            *error = index_name + ": no \"weight_map\" object";
            return nullptr;
        }
        std::vector<std::string> shards;
        for (const auto &[tensor, shard] : weight_map->members) {
            if (shard.type != json::kind::STRING || shard.string.empty() ||
                shard.string.find('/') != std::string::npos) {
                *error =
                    index_name + ": weight_map \"" + tensor + "\" is not a file name in the folder";
                return nullptr;
            }
            if (std::find(shards.begin(), shards.end(), shard.string) == shards.end())
                shards.push_back(shard.string);
        }
        for (const std::string &shard : shards) {
            auto file = safetensors_file::open((root / shard).string(), error);
            if (!file || !set->add(std::move(file), error)) return nullptr;
        }
        for (const auto &[tensor, shard] : weight_map->members) {
            const st_tensor *t = set->find(tensor);
            if (!t || fs::path(t->file).filename() != shard.string) {
                *error = index_name + ": tensor '" + tensor + "' is not in " + shard.string;
                return nullptr;
            }
        }
        return set;
    }
    std::vector<std::string> files;
    if (fs::exists(root / "model.safetensors", ec)) {
        files.push_back((root / "model.safetensors").string());
    } else {
        for (const fs::directory_entry &e : fs::directory_iterator(root, ec))
            if (e.path().extension() == ".safetensors") files.push_back(e.path().string());
        if (ec) {
            *error = dir + ": cannot list the folder: " + ec.message();
            return nullptr;
        }
        std::sort(files.begin(), files.end());
    }
    if (files.empty()) {
        *error = dir + ": no model.safetensors.index.json, model.safetensors or other "
                       ".safetensors file (PyTorch .bin checkpoints are not supported)";
        return nullptr;
    }
    for (const std::string &path : files) {
        auto file = safetensors_file::open(path, error);
        if (!file || !set->add(std::move(file), error)) return nullptr;
    }
    return set;
}

} // namespace convert
