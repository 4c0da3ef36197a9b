// AVX-512 kernels of the 4-bit blocks (the codecs are in q4/x86_codecs.h),
// with vpdpbusd in the VNNI build.
#include "formats/x86/avx512.h"
#include "formats/kernels.h"
#include "q4/x86_codecs.h"

namespace ggml {

const format_kernels GGML_AVX512_TABLE(q4_0){nullptr, vec_dot<q4_0_codec<avx512_isa>>,
                                             gemm<q4_0_codec<avx512_isa>>};
const format_kernels GGML_AVX512_TABLE(q4_1){nullptr, vec_dot<q4_1_codec<avx512_isa>>,
                                             gemm<q4_1_codec<avx512_isa>>};
const format_kernels GGML_AVX512_TABLE(q4_z){nullptr, vec_dot<q4_z_codec<avx512_isa>>,
                                             gemm<q4_z_codec<avx512_isa>>};

} // namespace ggml
