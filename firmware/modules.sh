#!/usr/bin/env bash
# Writes into folder $1 the C modules an Embedded Swift build of the core imports: the bundled
# model's and the kernels' headers (as SwiftPM's targets export them) and firmware/libm.h.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$1"
cp "$here/../Sources/CHushModel/include/hush_model_data.h" "$here/../Sources/CKernelSupport/include/hush_kernel_support.h" \
   "$here/libm.h" "$1/"
cat > "$1/module.modulemap" <<'MAP'
module CHushModel {
  header "hush_model_data.h"
  export *
}
module CKernelSupport {
  header "hush_kernel_support.h"
  export *
}
module CFirmwareMath {
  header "libm.h"
  export *
}
MAP
