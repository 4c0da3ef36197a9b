#!/bin/sh
# Checks that each shared library of an install exports its C API and
# nothing else of ours: every defined dynamic symbol of libNAME.so is a
# function of NAME's header (NAME_*), or an instantiation of a standard
# library template (mangled _ZNSt..., _ZNKSt..., _ZSt..., the local statics
# of such functions _ZZNSt..., and typeinfo and vtables _ZT[ISV]St...), which
# libstdc++'s headers mark with default visibility whatever the flags. A symbol of our own namespaces (llama::,
# ggml::, quantize::, ...) showing up means a class or function escaped the
# hidden visibility, so a program could come to depend on it.
# usage: exported_symbols.sh LIBDIR
set -eu
libdir=$1
status=0
for name in ggml gguf llama; do
    lib="$libdir/lib$name.so"
    [ -f "$lib" ] || { echo "$lib: missing" >&2; status=1; continue; }
    symbols=$(nm -D --defined-only "$lib" | awk '{print $NF}')
    api=$(echo "$symbols" | grep -c "^${name}_" || true)
    stray=$(echo "$symbols" | grep -v -e "^${name}_" -e '^_ZZ\{0,1\}N\{0,1\}K\{0,1\}St' -e '^_ZT[ISV]St' ||
        true)
    echo "lib$name.so: $api functions of $name.h exported"
    if [ "$api" -eq 0 ]; then
        echo "lib$name.so exports none of $name.h's functions" >&2
        status=1
    fi
    if [ -n "$stray" ]; then
        echo "lib$name.so exports symbols outside its API:" >&2
        echo "$stray" | sed 's/^/  /' >&2
        status=1
    fi
done
exit $status
