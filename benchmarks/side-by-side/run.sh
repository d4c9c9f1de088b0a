#!/usr/bin/env bash
# Side-by-side: the same 784-512-256-10 ReLU MLP, AdamW (lr 1e-3, weight decay 1e-2), batch 128, full Fashion-MNIST,
# in Regularize (the benchmarks project's `epoch` mode) and in PyTorch (torch_epoch.py), run alternately in one
# session on the same cores, with 2 threads and with 1.
#
#   benchmarks/side-by-side/run.sh                 # speed: 3 rounds of (ours, torch) per thread count, 1 epoch each
#   benchmarks/side-by-side/run.sh --epochs 10 --rounds 1   # accuracy after 10 epochs (and steady-state speed)
#   benchmarks/side-by-side/run.sh --model cnn --threads 2 --rounds 2   # the CNN of issue 11 (AdamW + cosine)
#
# Options: --epochs N (1), --rounds N (3), --threads "2 1", --data DIR (/usr/share/datasets/fashion-mnist),
#          --normalize (mean/std normalisation on both sides), --seed N (initialisation and shuffling; 0),
#          --out FILE (keep the raw JSON lines).
# Prints a Markdown table: per thread count, the best and the median seconds per epoch over all runs and epochs,
# the first epoch's best (it includes JIT warm-up on our side), the ratio PyTorch / Regularize (above 1: we are
# faster), and the test accuracy after the last epoch (the mean over rounds).
#
# Needs Debian's /usr/bin/python3 with python3-torch and libopenblas0-openmp (without the OpenMP OpenBLAS, PyTorch
# uses the reference BLAS and is about 20 times slower). Our thread count is set with DOTNET_PROCESSOR_COUNT, which
# the matrix multiply reads through Environment.ProcessorCount; PyTorch's with torch.set_num_threads and
# OMP_NUM_THREADS.
set -euo pipefail
cd "$(dirname "$0")/../.."

epochs=1
rounds=3
threads="2 1"
data=/usr/share/datasets/fashion-mnist
extra=()
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --normalize) extra+=(--normalize); shift ;;
    --model) extra+=(--model "$2"); shift 2 ;;
    --seed) extra+=(--seed "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3
if ! $python -c 'import torch' 2>/dev/null; then
  echo "run.sh: $python cannot import torch; install python3-torch and libopenblas0-openmp" >&2
  exit 1
fi

dotnet build benchmarks/Regularize.Benchmarks -c Release -v quiet -nologo >&2
results=$(mktemp)
trap 'rm -f "$results"' EXIT

for t in $threads; do
  for r in $(seq 1 "$rounds"); do
    echo "threads $t, round $r/$rounds" >&2
    ours=$(DOTNET_PROCESSOR_COUNT=$t dotnet run -c Release --no-build --project benchmarks/Regularize.Benchmarks -- \
      epoch --data "$data" --epochs "$epochs" "${extra[@]}")
    case "$ours" in
      '{"framework": "regularize"'*) echo "$ours" >>"$results" ;;
      *) echo "run.sh: the benchmarks program gave no JSON for 'epoch' (is Program.Main dispatching \"epoch\" to SideBySide.EpochRun.Run?)" >&2
         exit 1 ;;
    esac
    OMP_NUM_THREADS=$t $python benchmarks/side-by-side/torch_epoch.py \
      --data "$data" --epochs "$epochs" --threads "$t" "${extra[@]}" >>"$results"
  done
done
[ -n "$out" ] && cp "$results" "$out"

$python - "$results" "$epochs" <<'EOF'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
epochs = int(sys.argv[2])
def side(threads, name):
    rs = [r for r in runs if r["threads"] == threads and r["framework"].startswith(name)]
    secs = [e["seconds"] for r in rs for e in r["epochs"]]
    first = [r["epochs"][0]["seconds"] for r in rs]
    acc = [r["epochs"][-1].get("test_accuracy") for r in rs]
    acc = [a for a in acc if a is not None]
    return min(secs), statistics.median(secs), min(first), (sum(acc) / len(acc) if acc else float("nan")), len(rs)
print(f"\n{epochs} epoch(s) per run; seconds per epoch over all runs and epochs\n")
print("| threads | Regularize best s | PyTorch best s | ratio (PyTorch / Regularize) | Regularize median s | PyTorch median s | first epoch best, ours / torch | test accuracy after the last epoch, ours / torch | runs |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for t in sorted({r["threads"] for r in runs}, reverse=True):
    ob, om, of, oa, on = side(t, "regularize")
    tb, tm, tf, ta, tn = side(t, "pytorch")
    print(f"| {t} | {ob:.2f} | {tb:.2f} | {tb / ob:.2f} | {om:.2f} | {tm:.2f} | {of:.2f} / {tf:.2f} | {oa:.2%} / {ta:.2%} | {on} + {tn} |")
EOF
