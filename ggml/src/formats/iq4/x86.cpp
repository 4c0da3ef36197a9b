// x86 kernels of IQ4_NL (the codec is in iq4/x86_codecs.h), built for AVX2
// and for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "iq4/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(iq4_nl){nullptr, nullptr, gemm<iq4_nl_codec>};

} // namespace ggml
