# Compiles targets with hidden symbols (-fvisibility=hidden,
# -fvisibility-inlines-hidden): a shared library then exports only what its
# public header marks GGML_API, GGUF_API or LLAMA_API, and the internals can
# change without breaking programs linked against it. Static builds are
# unaffected.
function(llamaz_hide_symbols)
    set_target_properties(${ARGN} PROPERTIES
        C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()
