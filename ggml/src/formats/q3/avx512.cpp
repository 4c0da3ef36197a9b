// AVX-512 kernels of Q3_Z (the codec is in q3/x86_codecs.h, the bit-plane
// unpacking in x86/avx512.h), with vpdpbusd in the VNNI build.
#include "formats/x86/avx512.h"
#include "formats/kernels.h"
#include "q3/x86_codecs.h"

namespace ggml {

const format_kernels GGML_AVX512_TABLE(q3_z){nullptr, vec_dot<q3_z_codec<avx512_isa>>,
                                             gemm<q3_z_codec<avx512_isa>>};

} // namespace ggml
