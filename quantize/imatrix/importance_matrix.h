// An importance matrix: per weight matrix, the sum over calibration tokens
// of the square of each input it multiplies, and the number of tokens. The
// mean, E[x_j^2], is the diagonal of the input covariance (what GPTQ's
// Hessian holds), so sum_j E[x_j^2] (w_j - q_j)^2 estimates how much a
// row's rounding errors move its output; quantizers weight their scale
// searches with it (ggml_quantize_rows_weighted).
//
// Files are llama.cpp's (tools/imatrix, docs/formats.md section 9): GGUF
// with tensors <name>.in_sum2 and <name>.counts, written and read here, and
// the older binary .dat, read here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quantize {

struct importance_entry {
    std::vector<double> sums; // per input column: sum over tokens of x^2
    double count = 0;         // tokens
};

struct importance_matrix {
    std::map<std::string, importance_entry> entries; // by weight name, "blk.0.attn_q.weight"
    std::vector<std::string> datasets;               // the calibration texts
    uint32_t chunk_count = 0;                        // chunks of calibration text
    uint32_t chunk_size = 0;                         // tokens per chunk

    // E[x_j^2] per input of weight `name` (sums / count; all 1 where no
    // token was counted, as llama.cpp does); nullopt when it has no entry.
    std::optional<std::vector<float>> importance(const std::string &name) const;

    // Reads a GGUF imatrix or a legacy .dat file; nullopt and *error
    // (naming the file and what is wrong) when it is neither or is damaged.
    static std::optional<importance_matrix> read(const std::string &path, std::string *error);
    // Writes the GGUF form llama.cpp's llama-imatrix writes and its
    // llama-quantize reads (general.type "imatrix", imatrix.datasets,
    // imatrix.chunk_count, imatrix.chunk_size; entries in name order).
    bool write(const std::string &path, std::string *error) const;
};

} // namespace quantize
