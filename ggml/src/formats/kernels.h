// The kernel tables of each instruction-set level, defined in the formats'
// avx2.cpp, avx512.cpp and neon.cpp files (built only on the matching
// architecture) and listed in registry.cpp.
#pragma once

#include "formats/traits.h"

namespace ggml {

#if defined(GGML_KERNELS_X86)
extern const format_kernels f32_avx2, f16_avx2, bf16_avx2, q8_0_avx2, q8_1_avx2, q4_0_avx2,
    q4_1_avx2, q4_z_avx2, q3_z_avx2, q4_z128_avx2, q3_z128_avx2, q2_z_avx2, q2_z128_avx2, q5_0_avx2,
    q5_1_avx2, iq4_nl_avx2, q2_k_avx2, q3_k_avx2, q4_k_avx2, q5_k_avx2, q6_k_avx2, iq4_xs_avx2,
    q8_k_avx2;
extern const format_kernels f32_avx512, f16_avx512, bf16_avx512, q8_0_avx512, q8_1_avx512,
    q4_0_avx512, q4_1_avx512, q4_z_avx512, q3_z_avx512, q4_z128_avx512, q3_z128_avx512, q2_z_avx512,
    q2_z128_avx512, q5_0_avx512, q5_1_avx512, iq4_nl_avx512, q2_k_avx512, q3_k_avx512, q4_k_avx512,
    q5_k_avx512, q6_k_avx512, iq4_xs_avx512, q8_k_avx512;
extern const format_kernels q8_0_avx512_vnni, q4_0_avx512_vnni, q4_1_avx512_vnni, q4_z_avx512_vnni,
    q3_z_avx512_vnni, q4_z128_avx512_vnni, q3_z128_avx512_vnni, q2_z_avx512_vnni,
    q2_z128_avx512_vnni, q5_0_avx512_vnni, q5_1_avx512_vnni, iq4_nl_avx512_vnni, q2_k_avx512_vnni,
    q3_k_avx512_vnni, q4_k_avx512_vnni, q5_k_avx512_vnni, q6_k_avx512_vnni, iq4_xs_avx512_vnni;
#endif
#if defined(GGML_KERNELS_NEON)
extern const format_kernels f32_neon, f16_neon, bf16_neon, q8_0_neon, q8_1_neon, q4_0_neon,
    q4_1_neon, q4_z_neon, q3_z_neon, q4_z128_neon, q3_z128_neon, q2_z_neon, q2_z128_neon, q5_0_neon,
    q5_1_neon, iq4_nl_neon, q2_k_neon, q3_k_neon, q4_k_neon, q5_k_neon, q6_k_neon, iq4_xs_neon;
extern const format_kernels q8_0_neon_dotprod, q4_0_neon_dotprod, q4_1_neon_dotprod,
    q4_z_neon_dotprod, q3_z_neon_dotprod, q4_z128_neon_dotprod, q3_z128_neon_dotprod,
    q2_z_neon_dotprod, q2_z128_neon_dotprod, q5_0_neon_dotprod, q5_1_neon_dotprod,
    iq4_nl_neon_dotprod, q2_k_neon_dotprod, q3_k_neon_dotprod, q4_k_neon_dotprod, q5_k_neon_dotprod,
    q6_k_neon_dotprod, iq4_xs_neon_dotprod;
#endif

} // namespace ggml
