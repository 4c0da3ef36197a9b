#!/bin/sh
# Installs the library into a scratch prefix, builds examples/app (a C and a
# C++ program using llama, a C program using ggml alone) out of tree against
# the installed CMake packages, and builds the llama C program again through
# pkg-config; the llama programs must agree, the ggml one compute its product.
# usage: install_app.sh SOURCE_DIR BUILD_DIR SCRATCH_DIR MODEL
set -eu
src=$1 build=$2 scratch=$3 model=$4
rm -rf "$scratch"
mkdir -p "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
cmake -S "$src/examples/app" -B "$scratch/app" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$scratch/app" >/dev/null

c_out=$("$scratch/app/app_c" "$model" "Once upon a time" 24)
cpp_out=$("$scratch/app/app_cpp" "$model" "Once upon a time" 24)

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
ggml_out=$("$scratch/app/ggml_c")
echo "ggml:       $ggml_out"
[ "$ggml_out" = "14 32 32 77" ] || { echo "the ggml app computed '$ggml_out', not '14 32 32 77'" >&2; exit 1; }
