// safetensors files (Hugging Face): an 8-byte little-endian header length,
// a JSON header {"name": {"dtype", "shape", "data_offsets": [begin, end]},
// "__metadata__": {string: string}}, then the data. Mapped read-only; the
// header is checked completely before any tensor is used. A checkpoint is one
// file, or shards listed by model.safetensors.index.json.
#pragma once

#include "mapped_file.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace convert {

enum class st_dtype {
    BOOL,
    U8,
    I8,
    U16,
    I16,
    F16,
    BF16,
    U32,
    I32,
    F32,
    U64,
    I64,
    F64,
    F8_E4M3,
    F8_E5M2
};

const char *st_dtype_name(st_dtype t);
// "[4096, 11008]", a shape as messages show it.
std::string st_shape_str(const std::vector<int64_t> &shape);

struct st_tensor {
    std::string name;
    st_dtype dtype;
    std::vector<int64_t> shape; // outermost first, as torch writes it
    const uint8_t *data;        // inside the mapping; not aligned in general
    size_t size;                // bytes
    std::string file;           // the file it is in, for messages

    int64_t n_elements() const;
    // Element i (row-major) of an F16, BF16 or F32 tensor as float; exact.
    float get_float(int64_t i) const;
    // Element i of an I32 tensor.
    int32_t get_i32(int64_t i) const;
};

// One .safetensors file. open() checks: the header length fits the file,
// the header is a JSON object, each entry names a known dtype, a shape of
// non-negative integers and data_offsets [begin, end] inside the data
// section with end - begin = size of dtype * elements (overflow-checked),
// and no two tensors overlap. Errors name the file (and the tensor).
class safetensors_file {
  public:
    static std::unique_ptr<safetensors_file> open(const std::string &path, std::string *error);

    const std::string &path() const { return path_; }
    const std::vector<st_tensor> &tensors() const { return tensors_; }
    const std::map<std::string, std::string> &metadata() const { return metadata_; }

  private:
    std::string path_;
    std::unique_ptr<llama::mapped_file> map_;
    std::vector<st_tensor> tensors_;
    std::map<std::string, std::string> metadata_;
};

// All tensors of a checkpoint folder: the shards named by
// model.safetensors.index.json (each listed tensor must be in the shard the
// index names), else model.safetensors, else every *.safetensors file (old
// GPTQ tools name theirs after the model). A name in two files is an error.
class safetensors_set {
  public:
    static std::unique_ptr<safetensors_set> open_dir(const std::string &dir, std::string *error);

    const st_tensor *find(const std::string &name) const;
    const std::string &dir() const { return dir_; }
    // name -> tensor, sorted by name.
    const std::map<std::string, const st_tensor *> &tensors() const { return by_name_; }

  private:
    bool add(std::unique_ptr<safetensors_file> file, std::string *error);
    std::string dir_;
    std::vector<std::unique_ptr<safetensors_file>> files_;
    std::map<std::string, const st_tensor *> by_name_;
};

} // namespace convert
