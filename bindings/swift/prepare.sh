#!/usr/bin/env bash
# Builds libredshield_ffi for this Mac, generates the Swift bindings and places them where
# Package.swift expects them. Then: swift test -Xlinker -L"$(pwd)/../../target/release"
# (or $CARGO_TARGET_DIR/release when that is set)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."

"$root/bindings/generate" --release
generated="$root/target/bindings/swift"

mkdir -p "$here/Sources/RedshieldCore" "$here/Sources/RedshieldCoreFFI"
cp "$generated/RedshieldCore.swift" "$here/Sources/RedshieldCore/"
cp "$generated/RedshieldCoreFFI.h" "$here/Sources/RedshieldCoreFFI/"
# A system library's module map must be called module.modulemap; it also links the library.
sed 's/^}$/    link "redshield_ffi"\n}/' "$generated/RedshieldCoreFFI.modulemap" \
  > "$here/Sources/RedshieldCoreFFI/module.modulemap"
echo "ready: cd $here && swift test -Xlinker -L${CARGO_TARGET_DIR:-$root/target}/release"
