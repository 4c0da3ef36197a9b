#!/bin/sh
# Installs the library into a scratch prefix, builds examples/app (a C and a
# C++ program using llama, C programs using ggml and gguf alone) out of tree
# against the installed CMake packages, and builds the llama C program again
# through pkg-config; the llama programs must agree, the ggml one compute its
# product, the gguf one read the model and write a copy of a tensor. Then
# the same with shared libraries, built apart in the scratch folder, which
# must export their C APIs only (exported_symbols.sh).
# usage: install_app.sh SOURCE_DIR BUILD_DIR SCRATCH_DIR MODEL
set -eu
src=$1 build=$2 scratch=$3 model=$4
rm -rf "$scratch"
mkdir -p "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null

# builds examples/app against the install in $1 into $2 and runs its programs
run_apps() {
    cmake -S "$src/examples/app" -B "$2" -DCMAKE_PREFIX_PATH="$1" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$2" >/dev/null
    c_out=$("$2/app_c" "$model" "Once upon a time" 24)
    cpp_out=$("$2/app_cpp" "$model" "Once upon a time" 24)
    ggml_out=$("$2/ggml_c")
    gguf_out=$("$2/gguf_c" "$model" "$2/copy.gguf")
}
run_apps "$scratch/prefix" "$scratch/app"

PKG_CONFIG_PATH="$scratch/prefix/lib/pkgconfig" pkg-config --exists llama
cc -std=c11 -Wall -Werror "$src/examples/app/app.c" -o "$scratch/app_pc" \
    $(PKG_CONFIG_PATH="$scratch/prefix/lib/pkgconfig" pkg-config --cflags --libs llama)
pc_out=$("$scratch/app_pc" "$model" "Once upon a time" 24)

echo "C:          $c_out"
echo "C++:        $cpp_out"
echo "pkg-config: $pc_out"
case "$c_out" in
"Once upon a time"?*) ;;
*) echo "the C app did not continue the prompt" >&2; exit 1 ;;
esac
[ "$c_out" = "$cpp_out" ] || { echo "C and C++ apps disagree" >&2; exit 1; }
[ "$c_out" = "$pc_out" ] || { echo "the pkg-config build disagrees" >&2; exit 1; }
echo "ggml:       $ggml_out"
[ "$ggml_out" = "14 32 32 77" ] || { echo "the ggml app computed '$ggml_out', not '14 32 32 77'" >&2; exit 1; }
echo "gguf:       $gguf_out"
[ "$gguf_out" = "llama 5 47 ok" ] || { echo "the gguf app printed '$gguf_out', not 'llama 5 47 ok'" >&2; exit 1; }

# Shared libraries: only the libraries are built, and the apps must give
# the same output.
static_out=$c_out
cmake -S "$src" -B "$scratch/shared" -DBUILD_SHARED_LIBS=ON -DLLAMAZ_BUILD_TESTS=OFF \
    -DLLAMAZ_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$scratch/shared" -j2 --target ggml gguf llama >/dev/null
cmake --install "$scratch/shared" --prefix "$scratch/shared-prefix" >/dev/null
sh "$(dirname "$0")/exported_symbols.sh" "$scratch/shared-prefix/lib"
run_apps "$scratch/shared-prefix" "$scratch/shared-app"
echo "shared:     $c_out"
[ "$c_out" = "$static_out" ] && [ "$cpp_out" = "$static_out" ] ||
    { echo "the apps on the shared libraries disagree with the static ones" >&2; exit 1; }
[ "$ggml_out" = "14 32 32 77" ] && [ "$gguf_out" = "llama 5 47 ok" ] ||
    { echo "ggml or gguf app on the shared libraries: '$ggml_out', '$gguf_out'" >&2; exit 1; }
