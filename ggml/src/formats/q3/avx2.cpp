// AVX2 kernels of Q3_Z (the codec is in q3/x86_codecs.h, the bit-plane
// unpacking in x86/avx2.h).
#include "formats/x86/avx2.h"
#include "formats/kernels.h"
#include "q3/x86_codecs.h"

namespace ggml {

const format_kernels q3_z_avx2{nullptr, vec_dot<q3_z_codec<avx2_isa>>, gemm<q3_z_codec<avx2_isa>>};

} // namespace ggml
