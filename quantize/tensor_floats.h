// The values of a tensor of any type with a float form, as floats.
#pragma once

#include "gguf.h"

#include <vector>

namespace quantize {

// F32 data is used where it lies; other types are decoded into *buffer (rows
// split among n_threads). The result stays valid while *buffer and the file
// do. A value that is not finite has no quantized form (the quantizers would
// write garbage for it): std::runtime_error names the tensor, row and column.
const float *tensor_floats(const llama::gguf_tensor &t, std::vector<float> *buffer, int n_threads);

} // namespace quantize
