// x86 kernels of IQ4_NL and IQ4_XS (the codecs are in iq4/x86_codecs.h), built for AVX2
// and for AVX-512 with and without VNNI.
#include "formats/kernels.h"
#include "iq4/x86_codecs.h"

namespace ggml {

const format_kernels GGML_X86_TABLE(iq4_nl){nullptr, nullptr, gemm<iq4_nl_codec>};
const format_kernels GGML_X86_TABLE(iq4_xs){nullptr, nullptr, gemm<iq4_xs_codec>};

} // namespace ggml
