// Which kernels run: the best instruction-set level the CPU has, read once at
// start-up, or the one GGML_CPU names (so one machine can test every path).
#include "formats/traits.h"
#include "internal.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace {

bool built_with(ggml_cpu_level level) {
    switch (level) {
    case GGML_CPU_SCALAR: return true;
#if defined(GGML_KERNELS_X86)
    case GGML_CPU_AVX2:
    case GGML_CPU_AVX512: return true;
#endif
#if defined(GGML_KERNELS_NEON)
    case GGML_CPU_NEON: return true;
#endif
    default: return false;
    }
}

#if defined(__x86_64__) || defined(__i386__)
// F16C from CPUID leaf 1 (ECX bit 29): clang 14's __builtin_cpu_supports does
// not know "f16c". Its VEX encoding needs the OS's AVX state, which the
// avx2/avx512 checks it is paired with cover.
bool cpu_has_f16c() {
    unsigned eax, ebx, ecx, edx;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
}
#endif

bool cpu_supports(ggml_cpu_level level) {
    switch (level) {
    case GGML_CPU_SCALAR: return true;
#if defined(__x86_64__) || defined(__i386__)
    case GGML_CPU_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
    case GGML_CPU_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma") &&
               cpu_has_f16c();
#endif
#if defined(__aarch64__)
    case GGML_CPU_NEON: return true;
#endif
    default: return false;
    }
}

bool extension_supported(ggml_cpu_level level) {
    switch (level) {
#if defined(__x86_64__) || defined(__i386__)
    case GGML_CPU_AVX512: return __builtin_cpu_supports("avx512vnni");
#endif
#if defined(__aarch64__) && defined(__linux__)
    case GGML_CPU_NEON: return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#endif
    default: return false;
    }
}

ggml_cpu_level best_level() {
    for (ggml_cpu_level l : {GGML_CPU_AVX512, GGML_CPU_AVX2, GGML_CPU_NEON})
        if (ggml_cpu_has_level(l)) return l;
    return GGML_CPU_SCALAR;
}

ggml_cpu_level current = GGML_CPU_SCALAR;

// The level at start-up: the best one, unless GGML_CPU names another.
ggml_cpu_level startup_level() {
    ggml_cpu_level level = best_level();
    if (const char *forced = std::getenv("GGML_CPU"); forced && *forced) {
        bool known = false;
        for (ggml_cpu_level l : {GGML_CPU_SCALAR, GGML_CPU_AVX2, GGML_CPU_AVX512, GGML_CPU_NEON}) {
            if (strcasecmp(forced, ggml_cpu_level_name(l)) == 0) {
                known = true;
                if (ggml_cpu_has_level(l))
                    level = l;
                else
                    std::fprintf(stderr, "ggml: GGML_CPU=%s is not available here, using %s\n",
                                 forced, ggml_cpu_level_name(level));
            }
        }
        if (!known)
            std::fprintf(stderr,
                         "ggml: GGML_CPU=%s is not one of scalar, avx2, avx512, neon; using %s\n",
                         forced, ggml_cpu_level_name(level));
    }
    return level;
}

} // namespace

namespace {

// The start-up choice, made once (thread-safe); ggml_cpu_set_level can
// change it later, also before anything else ran.
void select_startup_kernels() {
    current = startup_level();
    ggml::select_kernels(current);
}

} // namespace

void ggml::ensure_kernels_selected() {
    static const bool selected = (select_startup_kernels(), true);
    (void)selected;
}

bool ggml::cpu_has_extension(ggml_cpu_level level) {
    static const bool has[4] = {
        extension_supported(GGML_CPU_SCALAR), extension_supported(GGML_CPU_AVX2),
        extension_supported(GGML_CPU_AVX512), extension_supported(GGML_CPU_NEON)};
    return has[level];
}

const char *ggml_cpu_level_name(ggml_cpu_level level) {
    switch (level) {
    case GGML_CPU_SCALAR: return "scalar";
    case GGML_CPU_AVX2: return "avx2";
    case GGML_CPU_AVX512: return "avx512";
    case GGML_CPU_NEON: return "neon";
    }
    return "unknown";
}

bool ggml_cpu_has_level(ggml_cpu_level level) { return built_with(level) && cpu_supports(level); }

ggml_cpu_level ggml_cpu_get_level(void) {
    ggml::ensure_kernels_selected();
    return current;
}

bool ggml_cpu_set_level(ggml_cpu_level level) {
    if (!ggml_cpu_has_level(level)) return false;
    ggml::ensure_kernels_selected(); // so that the start-up choice cannot come after this one
    current = level;
    ggml::select_kernels(level);
    return true;
}
