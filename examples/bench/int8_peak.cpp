// Tight int8 multiply-accumulate loops, one per kernel level. Each keeps 8
// independent accumulator chains (more than latency / throughput of the
// instructions on current cores) whose results are all used, so the
// compiler can neither hoist nor drop them.
#include "int8_peak.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#include <sys/auxv.h>
#endif

namespace bench {

namespace {

constexpr int chains = 8;

#if defined(__x86_64__)

// vpmaddubsw on 256 bits, accumulated in 16 bits (vpaddw): 32 multiply-adds
// per instruction, the int8 multiply rate of AVX2. (The kernels also widen
// with vpmaddwd, which shares its pipe on many cores: this peak is the
// stricter yardstick.)
__attribute__((target("avx2"))) int64_t maddubs_avx2(int64_t iters) {
    const __m256i a = _mm256_set1_epi8(3);
    __m256i acc[chains];
    for (int k = 0; k < chains; k++) acc[k] = _mm256_set1_epi8(char(k + 1));
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < chains; k++)
            acc[k] = _mm256_add_epi16(acc[k], _mm256_maddubs_epi16(a, acc[k]));
    __m256i sum = acc[0];
    for (int k = 1; k < chains; k++) sum = _mm256_xor_si256(sum, acc[k]);
    volatile int sink = _mm256_extract_epi32(sum, 0);
    (void)sink;
    return iters * chains * 32 * 2;
}

// vpdpbusd on 512 bits: 64 multiply-adds per instruction.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int64_t dpbusd_avx512(int64_t iters) {
    const __m512i a = _mm512_set1_epi32(0x03030303), b = _mm512_set1_epi32(0x05050505);
    __m512i acc[chains];
    for (int k = 0; k < chains; k++) acc[k] = _mm512_set1_epi32(k);
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < chains; k++) acc[k] = _mm512_dpbusd_epi32(acc[k], a, b);
    __m512i sum = acc[0];
    for (int k = 1; k < chains; k++) sum = _mm512_xor_si512(sum, acc[k]);
    volatile int sink = _mm512_reduce_add_epi32(sum);
    (void)sink;
    return iters * chains * 64 * 2;
}

// vpmaddubsw on 512 bits with vpaddw, for AVX-512 CPUs without VNNI.
__attribute__((target("avx512f,avx512bw"))) int64_t maddubs_avx512(int64_t iters) {
    const __m512i a = _mm512_set1_epi32(0x03030303);
    __m512i acc[chains];
    for (int k = 0; k < chains; k++) acc[k] = _mm512_set1_epi32((k + 1) * 0x01010101);
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < chains; k++)
            acc[k] = _mm512_add_epi16(acc[k], _mm512_maddubs_epi16(a, acc[k]));
    __m512i sum = acc[0];
    for (int k = 1; k < chains; k++) sum = _mm512_xor_si512(sum, acc[k]);
    volatile int sink = _mm512_reduce_add_epi32(sum);
    (void)sink;
    return iters * chains * 64 * 2;
}

#endif

#if defined(__aarch64__)

// smull + sadalp: 8 multiply-adds per pair of instructions, the baseline
// armv8-a int8 dot product.
int64_t smull_sadalp_neon(int64_t iters) {
    const int8x8_t a = vdup_n_s8(3);
    int32x4_t acc[chains];
    for (int k = 0; k < chains; k++) acc[k] = vdupq_n_s32(k + 1);
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < chains; k++)
            acc[k] = vpadalq_s16(acc[k], vmull_s8(a, vreinterpret_s8_s32(vget_low_s32(acc[k]))));
    int32x4_t sum = acc[0];
    for (int k = 1; k < chains; k++) sum = veorq_s32(sum, acc[k]);
    volatile int sink = vgetq_lane_s32(sum, 0);
    (void)sink;
    return iters * chains * 8 * 2;
}

// sdot: 16 multiply-adds per instruction.
__attribute__((target("+dotprod"))) int64_t sdot_neon(int64_t iters) {
    const int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(5);
    int32x4_t acc[chains];
    for (int k = 0; k < chains; k++) acc[k] = vdupq_n_s32(k);
    for (int64_t i = 0; i < iters; i++)
        for (int k = 0; k < chains; k++) acc[k] = vdotq_s32(acc[k], a, b);
    int32x4_t sum = acc[0];
    for (int k = 1; k < chains; k++) sum = veorq_s32(sum, acc[k]);
    volatile int sink = vgetq_lane_s32(sum, 0);
    (void)sink;
    return iters * chains * 16 * 2;
}

#endif

} // namespace

int8_peak_loop int8_peak_for(ggml_cpu_level level) {
    switch (level) {
#if defined(__x86_64__)
    case GGML_CPU_AVX2: return {"vpmaddubsw ymm", maddubs_avx2};
    case GGML_CPU_AVX512:
        if (__builtin_cpu_supports("avx512vnni")) return {"vpdpbusd zmm", dpbusd_avx512};
        return {"vpmaddubsw zmm", maddubs_avx512};
#endif
#if defined(__aarch64__)
    case GGML_CPU_NEON:
        if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) return {"sdot", sdot_neon};
        return {"smull+sadalp", smull_sadalp_neon};
#endif
    default: return {nullptr, nullptr};
    }
}

} // namespace bench
