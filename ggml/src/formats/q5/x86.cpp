// x86 kernels of the 5-bit blocks (the codecs are in q5/x86_codecs.h), built
// for AVX2 and for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "q5/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(q5_0){nullptr, nullptr, gemm<q5_0_codec>};
const format_kernels GGML_X86_TABLE(q5_1){nullptr, nullptr, gemm<q5_1_codec>};

} // namespace ggml
