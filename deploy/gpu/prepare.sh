#!/usr/bin/env bash
# Publishes deit-tune-bench self-contained for linux-x64 with no libtorch inside (TorchBackend=external: the GPU
# host's own PyTorch install supplies libtorch + CUDA), trimmed so it travels to a host with no .NET.
# Output: artifacts/device-check/ (deit-tune-bench.tar.xz + the scripts device-check.sh runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=artifacts/device-check
rm -rf "$out" && mkdir -p "$out"
dotnet publish client/DeiT.Tuning.Bench -c Release -r linux-x64 --self-contained \
  -p:TorchBackend=external -p:PublishTrimmed=true -p:SuppressTrimAnalysisWarnings=true -p:EnableTrimAnalyzer=false \
  -o "$out/deit-tune-bench"
tar cJf "$out/deit-tune-bench.tar.xz" -C "$out" deit-tune-bench
rm -rf "$out/deit-tune-bench"
ls -la "$out"
