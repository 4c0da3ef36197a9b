// x86 kernels of Q2_Z and Q2_Z128 (the codecs are in q2/x86_codecs.h),
// built for AVX2 and for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "q2/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(q2_z){nullptr, nullptr, gemm<q2_z_codec>};
const format_kernels GGML_X86_TABLE(q2_z128){nullptr, nullptr, gemm<q2_z128_codec>};

} // namespace ggml
