// x86 kernels of the K-quants (the codecs are in k/x86_codecs.h), built for
// AVX2 and for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "k/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(q2_k){nullptr, nullptr, gemm<q2_K_codec>};
const format_kernels GGML_X86_TABLE(q3_k){nullptr, nullptr, gemm<q3_K_codec>};
const format_kernels GGML_X86_TABLE(q4_k){nullptr, nullptr, gemm<q4_K_codec>};
const format_kernels GGML_X86_TABLE(q5_k){nullptr, nullptr, gemm<q5_K_codec>};
const format_kernels GGML_X86_TABLE(q6_k){nullptr, nullptr, gemm<q6_K_codec>};

} // namespace ggml
