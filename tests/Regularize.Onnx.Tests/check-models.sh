#!/usr/bin/env bash
# Dev-time check, not part of CI (CI needs no Python): run the ONNX tests with every exported model kept in a
# folder, then pass each file through the official ONNX checker with shape inference (Debian's python3-onnx,
# which checks IR version 8 and opsets up to 17; files written at opset 18-20 are skipped, ONNX Runtime runs them
# in the tests). Usage: tests/Regularize.Onnx.Tests/check-models.sh [folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
keep=${1:-$(mktemp -d)}
rm -f "$keep"/*.onnx
REGULARIZE_ONNX_KEEP="$keep" dotnet test tests/Regularize.Onnx.Tests -c Release
/usr/bin/python3 - "$keep" <<'PY'
import glob, os, sys
import onnx
folder = sys.argv[1]
checked, skipped, failed = 0, 0, 0
supported = onnx.defs.onnx_opset_version()
for path in sorted(glob.glob(os.path.join(folder, "*.onnx"))):
    model = onnx.load(path)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if opset > supported:
        skipped += 1
        continue
    try:
        onnx.checker.check_model(model, full_check=True)
        checked += 1
    except Exception as e:  # the checker raises ValidationError or InferenceError
        failed += 1
        print(f"FAILED {os.path.basename(path)}: {e}")
print(f"onnx {onnx.__version__} checker: {checked} models valid, {failed} invalid, {skipped} skipped (opset above {supported}), in {folder}")
sys.exit(1 if failed else 0)
PY
