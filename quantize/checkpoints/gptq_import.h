// GPTQ linear layers (docs/formats.md section 4) imported without loss into the
// project's integer-zero-point blocks: 4-bit into Q4_Z128 or Q4_Z, 3-bit
// into Q3_Z128 or Q3_Z, 2-bit into Q2_Z128 or Q2_Z.
//
// A GPTQ layer computes W[n][k] = scales[g][n] * (q[k][n] - z[g][n]) with
// g = g_idx[k]. A Q4_Z, Q3_Z or Q2_Z block holds 32 consecutive weights of a
// row with one fp16 scale d and one integer zero z, their 128 forms 128, so
// each 32 consecutive stored inputs must share one group, and a layer whose
// every 128 do (groups of 128 or a multiple) takes the 128-weight blocks:
// as many bits a weight as the checkpoint's. The inputs are therefore stored in the order
// of their groups (a stable sort by g_idx, the identity unless the checkpoint
// was quantized with act-order), and that order goes into the GGUF so that
// the activations can be gathered to match (see llama/src/model.h).
#pragma once

#include "checkpoints/json.h"
#include "checkpoints/safetensors.h"
#include "ggml.h"

#include <cstdint>
#include <string>
#include <vector>

namespace convert {

struct gptq_config {
    int bits = 4;               // 2, 3 or 4
    int group_size = -1;        // a multiple of 32, or -1: one group per row
    bool zero_minus_one = true; // format "gptq" (v1) stores z - 1; "gptq_v2" stores z

    // The block type of a layer at these bits: of 128 weights or of 32.
    ggml_type block_type(bool large) const;
    // The block type of most layers (the file type): 128-weight blocks for
    // groups of a multiple of 128 or whole rows (of a multiple of 128).
    ggml_type block_type() const { return block_type(group_size % 128 == 0 || group_size == -1); }
};

// Reads a quantize_config.json object or config.json's quantization_config.
// Refuses, naming the setting and the file: a quant_method other than
// "gptq", a checkpoint_format/format other than "gptq" and "gptq_v2", bits
// other than 2, 3 and 4, and a group size that is not -1 or a multiple of 32.
// static_groups and desc_act need nothing special: g_idx says which group
// every input belongs to, whichever way the groups were chosen.
bool read_gptq_config(const json::value &qc, const std::string &source, gptq_config *out,
                      std::string *error);

// One quantized linear layer of the checkpoint (prefix.qweight, .qzeros,
// .scales, .g_idx), checked and ready to write. The small tensors (zeros,
// scales, g_idx) are decoded here; the weights are unpacked while writing.
class gptq_linear {
  public:
    // Checks dtypes and shapes against the config, that g_idx names groups
    // that exist, that every 32 inputs in group order share a group (and
    // chooses the block type: 128 if every 128 do), that
    // every scale is exact in fp16 and every zero fits the block type. The
    // layer has K = n_in inputs and N = n_out outputs.
    static bool open(const safetensors_set &st, const std::string &prefix, const gptq_config &c,
                     gptq_linear *out, std::string *error);

    int64_t n_in() const { return n_in_; }
    int64_t n_out() const { return n_out_; }
    ggml_type type() const { return type_; }
    // Stored input j is original input input_order()[j].
    const std::vector<int32_t> &input_order() const { return order_; }
    bool reorders_inputs() const;
    // Names of the checkpoint tensors this layer consists of.
    std::vector<std::string> tensor_names() const;

    // The blocks of the layer, row r being output row_order[r] (an output
    // permutation, e.g. RoPE's; empty = identity), inputs in input_order().
    // dst holds n_out rows of ggml_row_size(type(), n_in) bytes.
    void write_blocks(const std::vector<int32_t> &row_order, void *dst) const;

    // q[k][n] (0 .. 2^bits - 1) unpacked from qweight, and the zero and scale
    // of group g for output n.
    int q(int64_t k, int64_t n) const;
    int zero(int64_t g, int64_t n) const { return zeros_[size_t(g * n_out_ + n)]; }
    float scale(int64_t g, int64_t n) const { return scales_[size_t(g * n_out_ + n)]; }

  private:
    std::string prefix_;
    const st_tensor *qweight_ = nullptr;
    int bits_ = 4;
    ggml_type type_ = GGML_TYPE_Q4_Z;
    int64_t n_in_ = 0, n_out_ = 0;
    std::vector<int32_t> g_idx_; // [K]
    std::vector<int32_t> order_; // [K]
    std::vector<uint8_t> zeros_; // [G][N], the true zero points
    std::vector<float> scales_;  // [G][N], each exact in fp16
};

} // namespace convert
