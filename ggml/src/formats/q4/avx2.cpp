// AVX2 kernels of the 4-bit blocks (the codecs are in q4/x86_codecs.h).
#include "formats/x86/avx2.h"
#include "formats/kernels.h"
#include "q4/x86_codecs.h"

namespace ggml {

const format_kernels q4_0_avx2{nullptr, vec_dot<q4_0_codec<avx2_isa>>, gemm<q4_0_codec<avx2_isa>>};
const format_kernels q4_1_avx2{nullptr, vec_dot<q4_1_codec<avx2_isa>>, gemm<q4_1_codec<avx2_isa>>};
const format_kernels q4_z_avx2{nullptr, vec_dot<q4_z_codec<avx2_isa>>, gemm<q4_z_codec<avx2_isa>>};

} // namespace ggml
