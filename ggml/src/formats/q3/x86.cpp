// x86 kernels of Q3_Z (the codec is in q3/x86_codecs.h), built for AVX2 and
// for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "q3/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(q3_z){nullptr, nullptr, gemm<q3_z_codec>};
const format_kernels GGML_X86_TABLE(q3_z128){nullptr, nullptr, gemm<q3_z128_codec>};

} // namespace ggml
