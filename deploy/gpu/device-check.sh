#!/usr/bin/env bash
# Runs on a GPU host with PyTorch (and no .NET): the same DeiT training step (forward, hard distillation, backward,
# AdamW) timed in TorchSharp (deit-tune-bench, published by deploy/gpu/prepare.sh) and in PyTorch eager, on one card.
# Usage: bash deploy/gpu/device-check.sh [RUNS]   (RUNS like deit_tiny_distilled_patch16_224:128,...)
# Results: $OUT (or ./device-check-out)/{env.txt,torchsharp-*.jsonl,pytorch.jsonl} and a table on stdout.
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-deit_tiny_distilled_patch16_224:128,deit_small_distilled_patch16_224:128,deit_base_distilled_patch16_224:64}
out=${OUT:-device-check-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/env.txt"
torch_lib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee -a "$out/env.txt"

work=$(mktemp -d)
tar xJf artifacts/device-check/deit-tune-bench.tar.xz -C "$work"
bench="$work/deit-tune-bench/deit-tune-bench"
# Does TorchSharp's native layer (built against libtorch 2.10) resolve every symbol against this libtorch?
LD_LIBRARY_PATH="$torch_lib" ldd -r "$work/deit-tune-bench/libLibTorchSharp.so" 2>&1 | grep -E "undefined|not found" \
  | tee "$out/ldd-undefined.txt" | head -20
echo "undefined symbols: $(wc -l < "$out/ldd-undefined.txt")"

# flat: the trainer's optimizer, timed like PyTorch (one sync per step); phases: the same with a sync between forward,
# backward and optimizer for the breakdown; per-parameter: TorchSharp's own AdamW, for comparison.
for variant in flat:flat:false phases:flat:true per-parameter:per-parameter:true; do
  IFS=: read -r name optimizer phases <<<"$variant"
  echo "== TorchSharp ($name)"
  DEIT_TUNE_LIBTORCH="$torch_lib" LD_LIBRARY_PATH="$torch_lib" timeout 300 "$bench" --device cuda:0 --runs "$runs" \
    --steps 30 --warmup 10 --classes 1000 --optimizer "$optimizer" --phase-timings "$phases" \
    >"$out/torchsharp-$name.jsonl" 2>"$work/ts-$name.log"
  echo "exit $?"; tail -1 "$work/ts-$name.log"
done
echo "== PyTorch"
timeout 300 python3 deploy/gpu/pytorch_train_step.py --models "$runs" >"$out/pytorch.jsonl" 2>"$out/pytorch.log"
echo "exit $?"; tail -3 "$out/pytorch.log"

python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
def load(name):
    path = out / name
    return [json.loads(l) for l in path.read_text().splitlines() if l.startswith("{")] if path.exists() else []
pt = {r["model"]: r for r in load("pytorch.jsonl")}
print(f"{'model':34} {'batch':>5} {'variant':>13} {'TorchSharp img/s':>16} {'fwd/bwd/opt ms':>16} {'PyTorch img/s':>13} {'ratio':>6}")
for variant in ("flat", "phases", "per-parameter"):
    for r in load(f"torchsharp-{variant}.jsonl"):
        x = r["result"]
        p = pt.get(x["Model"], {}).get("images_per_s")
        keys = ("ForwardSecondsMedian", "BackwardSecondsMedian", "OptimizerSecondsMedian")
        phases = "/".join(f"{x[k] * 1e3:.1f}" for k in keys) if x[keys[0]] is not None else "-"
        ratio = f"{x['ImagesPerS'] / p:.2f}" if p else "-"
        print(f"{x['Model']:34} {x['Batch']:>5} {variant:>13} {x['ImagesPerS']:16.1f} {phases:>16} {p or 0:13.1f} {ratio:>6}")
PY
