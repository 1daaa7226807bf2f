#!/usr/bin/env bash
# The GPU benchmark, for a machine with an NVIDIA GPU, its driver, and the CUDA and cuDNN libraries that ONNX
# Runtime's GPU package needs (see README, CPU and GPU builds). It publishes the benchmark self-contained for
# linux-x64 with the GPU package, then scores a wide MLP on the CPU and on CUDA, sampling GPU utilisation and
# memory during the CUDA run.
# Usage: bench/gpu.sh [rows]   (default 200000; output folder: $GPU_BENCH_OUT or artifacts/bench-gpu)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
out=${GPU_BENCH_OUT:-artifacts/bench-gpu}

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "bench/gpu.sh: nvidia-smi was not found; this benchmark needs a machine with an NVIDIA GPU and its driver." >&2
  exit 2
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

# Self-contained: the machine needs the GPU driver and CUDA libraries, not a .NET SDK or runtime.
dotnet publish bench/MlNetBatch.Benchmarks -c Release -r linux-x64 --self-contained -p:OnnxRuntimeFlavor=Gpu -o "$out"
bench="$out/MlNetBatch.Benchmarks"

"$bench" --gpu cpu "$rows"

samples="$out/gpu-utilisation.csv"
nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -lms 200 > "$samples" &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT
"$bench" --gpu cuda "$rows"
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true

awk -F', *' 'NF >= 2 { busy += $1; n++; if ($2 > peak) peak = $2 }
  END { if (n) printf "GPU busy during the CUDA run: %.0f %% on average over %d samples (every 200 ms); peak memory used %d MiB\n", busy / n, n, peak }' "$samples"
