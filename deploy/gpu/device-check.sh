#!/usr/bin/env bash
# Runs on a GPU host with PyTorch (and no .NET): the same DeiT training step (forward, hard distillation, backward,
# AdamW) timed in TorchSharp (deit-tune-bench, published by deploy/gpu/prepare.sh) and in PyTorch eager, on one card,
# in bf16 mixed precision (ours vs torch.autocast(dtype=torch.bfloat16)), TF32 and fp32.
# Usage: bash deploy/gpu/device-check.sh [RUNS] [PRECISIONS]
#   RUNS like deit_tiny_distilled_patch16_224:128,...; PRECISIONS like bf16,tf32,fp32 (the default)
# Environment: DEVICE (default cuda:0); BENCH (a deit-tune-bench to use instead of the published tarball, e.g. a local
#   build for a CPU dry run); EXTRA_PY (extra pytorch_train_step.py arguments), EXTRA_TS (extra deit-tune-bench ones);
#   STEPS/WARMUP (30/10); PYTHON (default python3, the one with torch). CPU dry run at tiny size:
#   DEVICE=cpu BENCH=client/DeiT.Tuning.Bench/bin/Release/net10.0/deit-tune-bench STEPS=2 WARMUP=1 \
#   EXTRA_PY="--img-size 28 --patch 4 --classes 10 --threads 1" EXTRA_TS="--classes 10 --threads 1 --matmul-size 256" \
#   bash deploy/gpu/device-check.sh deit_micro_distilled_patch4_28:8 bf16,fp32
# Results: $OUT (or ./device-check-out)/{env.txt,torchsharp-*.jsonl,pytorch-*.jsonl} and a table on stdout.
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-deit_tiny_distilled_patch16_224:128,deit_small_distilled_patch16_224:128,deit_base_distilled_patch16_224:64}
precisions=${2:-bf16,tf32,fp32}
device=${DEVICE:-cuda:0}
py=${PYTHON:-python3}
steps=${STEPS:-30}
warmup=${WARMUP:-10}
out=${OUT:-device-check-out}
mkdir -p "$out"
work=$(mktemp -d)
if [[ $device == cuda* ]]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/env.txt"
fi
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee -a "$out/env.txt"

if [[ -n ${BENCH:-} ]]; then
  bench=$BENCH
  env_ts=()
else
  torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  tar xJf artifacts/device-check/deit-tune-bench.tar.xz -C "$work"
  bench="$work/deit-tune-bench/deit-tune-bench"
  # Does TorchSharp's native layer (built against libtorch 2.10) resolve every symbol against this libtorch?
  LD_LIBRARY_PATH="$torch_lib" ldd -r "$work/deit-tune-bench/libLibTorchSharp.so" 2>&1 | grep -E "undefined|not found" \
    | tee "$out/ldd-undefined.txt" | head -20
  echo "undefined symbols: $(wc -l < "$out/ldd-undefined.txt")"
  env_ts=(DEIT_TUNE_LIBTORCH="$torch_lib" LD_LIBRARY_PATH="$torch_lib")
fi

# Per precision, ours then PyTorch's, one sync per step in both (no phase timings: a sync between phases stops the
# host from queueing ahead). The phase breakdown and TorchSharp's per-parameter AdamW run once, in the first precision.
IFS=, read -ra plist <<<"$precisions"
for precision in "${plist[@]}"; do
  echo "== TorchSharp $precision"
  env "${env_ts[@]}" timeout 400 "$bench" --device "$device" --runs "$runs" --steps "$steps" --warmup "$warmup" \
    --classes 1000 --optimizer flat --phase-timings false --precision "$precision" ${EXTRA_TS:-} \
    >"$out/torchsharp-$precision.jsonl" 2>"$work/ts-$precision.log"
  echo "exit $?"; tail -1 "$work/ts-$precision.log"
  echo "== PyTorch $precision"
  timeout 400 "$py" deploy/gpu/pytorch_train_step.py --device "${device}" --models "$runs" --steps "$steps" \
    --warmup "$warmup" --precision "$precision" ${EXTRA_PY:-} >"$out/pytorch-$precision.jsonl" 2>"$out/pytorch-$precision.log"
  echo "exit $?"; tail -3 "$out/pytorch-$precision.log"
done
echo "== TorchSharp ${plist[0]} with phase timings"
env "${env_ts[@]}" timeout 300 "$bench" --device "$device" --runs "$runs" --steps "$steps" --warmup "$warmup" \
  --classes 1000 --optimizer flat --phase-timings true --precision "${plist[0]}" ${EXTRA_TS:-} \
  >"$out/torchsharp-phases.jsonl" 2>"$work/ts-phases.log"
echo "exit $?"; tail -1 "$work/ts-phases.log"

python3 - "$out" "$precisions" <<'PY'
import json, sys, pathlib
out, precisions = pathlib.Path(sys.argv[1]), sys.argv[2].split(",")
def load(name):
    path = out / name
    return [json.loads(l) for l in path.read_text().splitlines() if l.startswith("{")] if path.exists() else []
print(f"{'model':34} {'batch':>5} {'precision':>9} {'TorchSharp img/s':>16} {'PyTorch img/s':>13} {'ratio':>6}")
for precision in precisions:
    pt = {r["model"]: r for r in load(f"pytorch-{precision}.jsonl")}
    for r in load(f"torchsharp-{precision}.jsonl"):
        x = r["result"]
        p = pt.get(x["Model"], {}).get("images_per_s")
        ratio = f"{x['ImagesPerS'] / p:.2f}" if p else "-"
        print(f"{x['Model']:34} {x['Batch']:>5} {x['Precision']:>9} {x['ImagesPerS']:16.1f} {p or 0:13.1f} {ratio:>6}")
for r in load("torchsharp-phases.jsonl"):
    x = r["result"]
    keys = ("ForwardSecondsMedian", "BackwardSecondsMedian", "OptimizerSecondsMedian")
    print(f"{x['Model']:34} {x['Precision']}: forward+loss / backward / AdamW ms = " + " / ".join(f"{x[k] * 1e3:.1f}" for k in keys))
PY
