#!/usr/bin/env bash
# Runs on a GPU host with PyTorch (and no .NET): the same DeiT training step (forward, hard distillation, backward,
# AdamW) timed in TorchSharp (deit-tune-bench, published by deploy/gpu/prepare.sh) and in PyTorch eager, on one card,
# in bf16 mixed precision (ours vs torch.autocast(dtype=torch.bfloat16)), TF32 and fp32, then one table.
#
# Then, budget allowing, what a trial gets: two epochs of the real trainer on fake 224×224 images (the DeiT recipe's
# loader on CPU workers, upload, loss read) in the first precision, beside the step figure.
# Usage: bash deploy/gpu/device-check.sh [--cpu-smoke] [RUNS] [PRECISIONS]
#   RUNS like deit_tiny_distilled_patch16_224:128,...; PRECISIONS like bf16,tf32,fp32 (the default)
#   --cpu-smoke: the whole script on this CPU at toy size (deit_micro_distilled_patch4_28, batch 8, 2 steps, a local
#     Release build of deit-tune-bench, Debian's python3-torch): checks every step and the table, not the speed.
# Before, on a machine with .NET: bash deploy/gpu/prepare.sh (writes artifacts/device-check/deit-tune-bench.tar.xz;
#   the lent GPU machine gets it by carrying artifacts/device-check).
# Environment: DEVICE (default cuda:0); BENCH (a deit-tune-bench to use instead of the published tarball);
#   EXTRA_PY / EXTRA_TS (extra pytorch_train_step.py / deit-tune-bench arguments); STEPS/WARMUP (20/5);
#   BUDGET (seconds for everything, default 660: each run's timeout is what is left, and the profiled run is skipped
#   when under 90 s remain); PYTHON (default python3, the one with torch).
# Results: $OUT (or ./device-check-out)/{env.txt,torchsharp-*.jsonl,pytorch-*.jsonl,*.log} and the table on stdout.
set -uo pipefail
cd "$(dirname "$0")/../.."
smoke=false
if [[ ${1:-} == --cpu-smoke ]]; then smoke=true; shift; fi
if $smoke; then
  runs=${1:-deit_micro_distilled_patch4_28:8}
  precisions=${2:-bf16,tf32,fp32}
  device=cpu
  steps=${STEPS:-2}
  warmup=${WARMUP:-1}
  extra_py="--img-size 28 --patch 4 --classes 10 --threads 1 ${EXTRA_PY:-}"
  extra_ts="--classes 10 --threads 1 --matmul-size 256 ${EXTRA_TS:-}"
  trainer_runs=${TRAINER_RUNS:-deit_tiny_distilled_patch16_224:4}   # the fake images are 224: a 224 model
  trainer_extra="--trainer-steps 2 --loader-workers 1 --threads 1"
  py=${PYTHON:-$(for p in python3 /usr/bin/python3; do "$p" -c 'import torch' 2>/dev/null && echo "$p" && break; done)}
  if [[ -z ${BENCH:-} ]]; then
    dotnet build client/DeiT.Tuning.Bench -c Release -v q -nologo >/dev/null || { echo "building deit-tune-bench failed"; exit 1; }
    BENCH=client/DeiT.Tuning.Bench/bin/Release/net10.0/deit-tune-bench
  fi
else
  runs=${1:-deit_tiny_distilled_patch16_224:128,deit_small_distilled_patch16_224:128,deit_base_distilled_patch16_224:64}
  precisions=${2:-bf16,tf32,fp32}
  device=${DEVICE:-cuda:0}
  steps=${STEPS:-20}
  warmup=${WARMUP:-5}
  extra_py=${EXTRA_PY:-}
  extra_ts=${EXTRA_TS:-}
  trainer_runs=${TRAINER_RUNS:-$runs}
  trainer_extra="--trainer-steps ${TRAINER_STEPS:-30}"
  py=${PYTHON:-python3}
fi
deadline=$(( $(date +%s) + ${BUDGET:-660} ))
left() { echo $(( deadline - $(date +%s) )); }
out=${OUT:-device-check-out}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$out/env.txt"
if [[ $device == cuda* ]]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$out/env.txt"
fi
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee -a "$out/env.txt" \
  || { echo "$py has no torch: set PYTHON"; exit 1; }

if [[ -n ${BENCH:-} ]]; then
  bench=$BENCH
  env_ts=()
else
  tarball=artifacts/device-check/deit-tune-bench.tar.xz
  [[ -f $tarball ]] || { echo "$tarball is missing: run deploy/gpu/prepare.sh where .NET is, and bring artifacts/device-check"; exit 1; }
  torch_lib=$("$py" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  tar xJf "$tarball" -C "$work"
  bench="$work/deit-tune-bench/deit-tune-bench"
  # Does TorchSharp's native layer (built against libtorch 2.10) resolve every symbol against this libtorch?
  LD_LIBRARY_PATH="$torch_lib" ldd -r "$work/deit-tune-bench/libLibTorchSharp.so" 2>&1 | grep -E "undefined|not found" \
    | tee "$out/ldd-undefined.txt" | head -20
  echo "undefined symbols: $(wc -l < "$out/ldd-undefined.txt")"
  env_ts=(DEIT_TUNE_LIBTORCH="$torch_lib" LD_LIBRARY_PATH="$torch_lib")
fi

# Runs a command under what is left of the budget (at most $1 seconds); says so when there is no time left.
timed() {
  local cap=$1; shift
  local t; t=$(left)
  (( t < 20 )) && { echo "skipped: budget spent"; return 124; }
  timeout $(( t < cap ? t : cap )) "$@"
}

# Per precision, ours then PyTorch's, one sync per step in both (no phase timings: a sync between phases stops the
# host from queueing ahead); PyTorch's first-precision run also profiles its kernels. Then, in the first precision and
# budget allowing: the mirror (ours' op sequence in PyTorch, torchsharp_mirror.py) and two variants of it, with their
# kernels; ours again with phase timings and the profile (tensors per step, one native call's host cost, each block
# op alone) beside PyTorch's phases and block ops; the other precisions; the trainer.
IFS=, read -ra plist <<<"$precisions"
compare() {
  local precision=$1 kernels=$2
  echo "== TorchSharp $precision ($(left) s left)"
  timed 300 env "${env_ts[@]}" "$bench" --device "$device" --runs "$runs" --steps "$steps" --warmup "$warmup" \
    --classes 1000 --optimizer flat --phase-timings false --precision "$precision" $extra_ts \
    >"$out/torchsharp-$precision.jsonl" 2>"$out/torchsharp-$precision.log"
  echo "exit $?"; tail -1 "$out/torchsharp-$precision.log"
  echo "== PyTorch $precision ($(left) s left)"
  timed 300 "$py" deploy/gpu/pytorch_train_step.py --device "$device" --models "$runs" --steps "$steps" \
    --warmup "$warmup" --precision "$precision" --kernels "$kernels" $extra_py \
    >"$out/pytorch-$precision.jsonl" 2>"$out/pytorch-$precision.log"
  echo "exit $?"; tail -3 "$out/pytorch-$precision.log"
}
mirror() {
  local name=$1; shift
  if (( $(left) < 60 )); then echo "== mirror $name skipped: $(left) s left"; return; fi
  echo "== PyTorch mirror of ours ${plist[0]}: $name ($(left) s left)"
  timed 120 "$py" deploy/gpu/pytorch_train_step.py --impl mirror --device "$device" --models "$runs" --steps "$steps" \
    --warmup "$warmup" --precision "${plist[0]}" --kernels 15 "$@" $extra_py \
    >"$out/mirror-$name.jsonl" 2>"$out/mirror-$name.log"
  echo "exit $?"; tail -3 "$out/mirror-$name.log"
}
compare "${plist[0]}" 15
mirror ours
mirror weight-casts --mirror-weights casts
mirror torch-adamw-timm-drop-path --mirror-optimizer foreach --mirror-drop-path timm
if (( $(left) >= 90 )); then
  echo "== TorchSharp ${plist[0]} with phase timings and the profile ($(left) s left)"
  timed 240 env "${env_ts[@]}" "$bench" --device "$device" --runs "$runs" --steps "$steps" --warmup "$warmup" \
    --classes 1000 --optimizer flat --phase-timings true --profile true --precision "${plist[0]}" $extra_ts \
    >"$out/torchsharp-phases.jsonl" 2>"$out/torchsharp-phases.log"
  echo "exit $?"; tail -1 "$out/torchsharp-phases.log"
  echo "== PyTorch ${plist[0]} with phase timings and the same block ops ($(left) s left)"
  timed 180 "$py" deploy/gpu/pytorch_train_step.py --device "$device" --models "$runs" --steps "$steps" \
    --warmup "$warmup" --precision "${plist[0]}" --profile $extra_py >"$out/pytorch-phases.jsonl" 2>"$out/pytorch-phases.log"
  echo "exit $?"; tail -1 "$out/pytorch-phases.log"
else
  echo "== profiled run skipped: $(left) s left"
fi
for precision in "${plist[@]:1}"; do compare "$precision" 0; done
if (( $(left) >= 150 )); then
  echo "== TorchSharp trainer ${plist[0]}: two epochs on fake 224x224 images ($(left) s left)"
  timed 180 env "${env_ts[@]}" "$bench" --device "$device" --runs "$trainer_runs" --trainer true --precision "${plist[0]}" \
    $trainer_extra >"$out/torchsharp-trainer.jsonl" 2>"$out/torchsharp-trainer.log"
  echo "exit $?"; tail -1 "$out/torchsharp-trainer.log"
else
  echo "== trainer run skipped: $(left) s left"
fi

"$py" - "$out" "$precisions" <<'PY'
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
steps = {(r["result"]["Model"], r["result"]["Batch"]): r["result"]["ImagesPerS"] for r in load(f"torchsharp-{precisions[0]}.jsonl")}
for r in load("torchsharp-trainer.jsonl"):
    x = r["result"]
    step = steps.get((x["Model"], x["Batch"]))
    steady = x.get("SteadyImagesPerS")
    share = f", {steady / step:.2f} of the step's {step:.1f}" if step and steady else ""
    print(f"{x['Model']:34} {x['Batch']:>5} {x['Precision']:>9} trainer (fake 224, {x['LoaderWorkers']} loader workers): "
          f"epoch {x['ImagesPerS']:.1f} img/s, steady state {steady or 0:.1f}{share}")
first = precisions[0]
ours = {r["result"]["Model"]: r["result"]["ImagesPerS"] for r in load(f"torchsharp-{first}.jsonl")}
reference = {r["model"]: r for r in load(f"pytorch-{first}.jsonl")}
variants = ["ours", "weight-casts", "torch-adamw-timm-drop-path"]
mirrors = {v: {r["model"]: r for r in load(f"mirror-{v}.jsonl")} for v in variants}
if any(mirrors.values()):
    print(f"\n{first} img/s: ours, PyTorch autocast, and PyTorch running ours' ops (mirror; variants: each weight cast where it "
          f"is used; torch's AdamW + timm's drop path); GPU busy ms/step from torch.profiler")
    print(f"{'model':34} {'ours':>8} {'autocast':>9} {'mirror':>8} {'weight-casts':>12} {'torch-adamw':>12}   {'busy: autocast':>15} {'mirror':>7}")
    for model, r in reference.items():
        cells = [mirrors[v].get(model, {}).get("images_per_s") for v in variants]
        busy = [(x or {}).get("kernels") for x in (r, mirrors["ours"].get(model))]
        print(f"{model:34} {ours.get(model, 0):8.1f} {r['images_per_s']:9.1f} " + " ".join(f"{c or 0:{w}.1f}" for c, w in zip(cells, (8, 12, 12)))
              + "   " + " ".join(f"{(k or {}).get('busy_ms_per_step') or 0:{w}.2f}" for k, w in zip(busy, (15, 7))))
        for label, k in (("autocast", busy[0]), ("mirror", busy[1])):
            for row in (k or {}).get("top", [])[:12]:
                print(f"{'':4}{label:9} {row['ms_per_step']:7.3f} ms x{row['calls_per_step']:<5g} {row['name'][:90]}")
pt_phases = {r["model"]: r.get("profile") or {} for r in load("pytorch-phases.jsonl")}
def ms(value):
    return f"{value:7.3f}" if value is not None else "      -"
for r in load("torchsharp-phases.jsonl"):
    x = r["result"]
    pp = pt_phases.get(x["Model"], {})
    keys = ("ForwardSecondsMedian", "BackwardSecondsMedian", "OptimizerSecondsMedian")
    print(f"{x['Model']:34} {x['Precision']}: forward+loss / backward / AdamW ms = " + " / ".join(f"{x[k] * 1e3:.1f}" for k in keys)
          + (f"; PyTorch {pp['forward_ms_median']:.1f} / {pp['backward_ms_median']:.1f} / {pp['optimizer_ms_median']:.1f}" if pp else ""))
    p = x.get("Profile")
    if p:
        print(f"{'':34} tensors/step {p['TensorsPerStep']:.0f}, native call {p['NativeCallMicroseconds']:.1f} us, "
              f"host estimate {p['HostOverheadMsEstimate']:.2f} ms, scope dispose {p['DisposeScopeMsMedian']:.2f} ms")
        print(f"{'':34}   {'block op, timed alone (ms)':36} {'':4} {'ours fwd':>8} {'bwd':>7}   {'PyTorch fwd':>11} {'bwd':>7}")
        theirs = pp.get("block_ops", [])
        for i, o in enumerate(p["BlockOps"]):
            t = theirs[i] if i < len(theirs) else {}
            print(f"{'':34}   {o['Op']:36} x{o['PerStep']:<3} {ms(o['ForwardMs'])}  {ms(o['BackwardMs'])}   "
                  f"{ms(t.get('forward_ms')):>11} {ms(t.get('backward_ms'))}")
        for o in p.get("Alternatives", []):
            print(f"{'':34}   instead: {o['Op']:49} {ms(o['ForwardMs'])}  {ms(o['BackwardMs'])}")
PY
