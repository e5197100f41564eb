#!/usr/bin/python3
"""Measures PyTorch's single-precision GEMM under the OpenBLAS core type this process was started with.

The benchmark runs this once per candidate OPENBLAS_CORETYPE (the detected one and those the CPU's flags allow) and
starts the PyTorch peer with the fastest candidate whose products are correct. Prints ONE JSON object on stdout:
{"corename", "gflops" (the 256x784x64 product, best of 5 samples), "square_gflops" (1024^3), "max_relative_error"
(against a float64 product), "correct"}. A benchmark helper only; not a dependency of any product code.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", sys.argv[1] if len(sys.argv) > 1 else "1")
import torch  # noqa: E402

torch.set_num_threads(int(os.environ["OPENBLAS_NUM_THREADS"]))


def corename():
    import ctypes
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "openblas" in line.split()[-1]}
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return None


def gflops(m, k, n):
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(m, k, generator=g), torch.rand(k, n, generator=g)
    c = torch.empty(m, n)
    for _ in range(3):
        torch.mm(a, b, out=c)
    t0 = time.perf_counter()
    torch.mm(a, b, out=c)
    reps = max(1, int(0.05 / max(time.perf_counter() - t0, 1e-6)))
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - t0) / reps)
    exact = torch.mm(a.double(), b.double())
    error = ((c.double() - exact).abs() / exact.abs().clamp_min(1e-30)).max().item()
    return 2.0 * m * k * n / best / 1e9, error


small, small_error = gflops(256, 784, 64)
square, square_error = gflops(1024, 1024, 1024)
error = max(small_error, square_error)
print(json.dumps({
    "corename": corename(),
    "requested": os.environ.get("OPENBLAS_CORETYPE"),
    "gflops": round(small, 2),
    "square_gflops": round(square, 2),
    "max_relative_error": error,
    "correct": error < 1e-4,
}))
