// x86 kernels of the 4-bit blocks (the codecs are in q4/x86_codecs.h), built
// for AVX2 and for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "q4/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(q4_0){nullptr, nullptr, gemm<q4_0_codec>};
const format_kernels GGML_X86_TABLE(q4_1){nullptr, nullptr, gemm<q4_1_codec>};
const format_kernels GGML_X86_TABLE(q4_z){nullptr, nullptr, gemm<q4_z_codec>};
const format_kernels GGML_X86_TABLE(q4_z128){nullptr, nullptr, gemm<q4_z128_codec>};

} // namespace ggml
