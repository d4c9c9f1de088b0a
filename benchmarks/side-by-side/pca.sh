#!/usr/bin/env bash
# Side-by-side PCA: the Fashion-MNIST training images (60,000 × 784 with the full set, pixels in [0, 1]), top k = 50
# components, in Regularize (the benchmarks project's `pca` mode) and PyTorch (torch_pca.py), run alternately in one
# session on the same cores.
#
#   benchmarks/side-by-side/pca.sh                      # 3 rounds: ours randomized + covariance, torch pca_lowrank
#   benchmarks/side-by-side/pca.sh --with-svd --rounds 1  # also torch.linalg.svd and MathNet's float64 QR + SVD (minutes)
#
# Both randomized methods use the same sketch: l = k + 10 columns and 2 power iterations (torch.pca_lowrank's
# default niter); torch's q is our k + oversampling. Options: --rounds N (3), --threads N (2), --power-iterations N (2),
# --rows N (all), --data DIR (/usr/share/datasets/fashion-mnist), --with-svd.
# Prints a Markdown table with the best seconds of each method, its ratio to our randomized solver, and the largest
# relative difference of its top-k singular values from our exact covariance solver's.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=3
threads=2
q=2
rows=()
data=/usr/share/datasets/fashion-mnist
svd=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --power-iterations) q=$2; shift 2 ;;
    --rows) rows=(--rows "$2"); shift 2 ;;
    --data) data=$2; shift 2 ;;
    --with-svd) svd=1; shift ;;
    *) echo "pca.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3
if ! $python -c 'import torch' 2>/dev/null; then
  echo "pca.sh: $python cannot import torch; install python3-torch and libopenblas0-openmp" >&2
  exit 1
fi
dotnet build benchmarks/Regularize.Benchmarks -c Release -v quiet -nologo >&2
results=$(mktemp)
trap 'rm -f "$results"' EXIT

ours_methods=randomized,covariance
torch_methods=lowrank
if [ "$svd" = 1 ]; then ours_methods=$ours_methods,full; torch_methods=$torch_methods,svd; fi
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds" >&2
  DOTNET_PROCESSOR_COUNT=$threads dotnet run -c Release --no-build --project benchmarks/Regularize.Benchmarks -- \
    pca --data "$data" "${rows[@]}" --power-iterations "$q" --repeats 1 --solvers "$ours_methods" >>"$results"
  OMP_NUM_THREADS=$threads $python benchmarks/side-by-side/torch_pca.py --data "$data" "${rows[@]}" \
    --power-iterations "$q" --repeats 1 --threads "$threads" --methods "$torch_methods" >>"$results"
done

$python - "$results" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def key(r): return ("Regularize " if r["framework"] == "regularize" else "PyTorch ") + r["method"]
best, sigma = {}, {}
for r in runs:
    best[key(r)] = min(best.get(key(r), float("inf")), min(r["seconds"]))
    sigma[key(r)] = r["singular_values"]
base = best["Regularize randomized"]
exact = sigma["Regularize covariance"]
print(f"\n{runs[0]['rows']} x {runs[0]['cols']}, k = {runs[0]['k']}, {runs[0]['threads']} threads; best of {max(len([r for r in runs if key(r) == k]) for k in best)} runs\n")
print("| method | best s | ratio to Regularize randomized | max relative σ difference from Regularize covariance |")
print("|---|---:|---:|---:|")
for k in sorted(best, key=best.get):
    diff = max(abs(a - b) / b for a, b in zip(sigma[k], exact))
    print(f"| {k} | {best[k]:.2f} | {best[k] / base:.2f} | {diff:.1e} |")
PY
