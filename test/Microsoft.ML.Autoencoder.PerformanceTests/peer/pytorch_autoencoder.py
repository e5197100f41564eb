#!/usr/bin/python3
"""PyTorch reference peer for the Microsoft.ML.Autoencoder performance benchmark.

Trains the same dense autoencoder as the .NET benchmark on Fashion-MNIST and
prints exactly ONE JSON object on stdout (diagnostics go to stderr).

Model: encoder Linear(784,64) ReLU Linear(64,32); decoder Linear(32,64) ReLU
Linear(64,784) Sigmoid. Adam lr 1e-3, MSE (mean), batch 256, reshuffled every
epoch with torch.randperm on a seeded torch.Generator.

This is a benchmark peer only; it is not a dependency of any product code.
"""
import argparse
import gzip
import json
import os
import platform
import resource
import statistics
import struct
import sys
import time

DATA_DIR = "/usr/share/datasets/fashion-mnist"
DEFAULT_TRAIN_IMAGES = os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz")
DEFAULT_TRAIN_LABELS = os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz")
DEFAULT_TEST_IMAGES = os.path.join(DATA_DIR, "t10k-images-idx3-ubyte.gz")
DEFAULT_TEST_LABELS = os.path.join(DATA_DIR, "t10k-labels-idx1-ubyte.gz")

LAYERS = [(784, 64), (64, 32), (32, 64), (64, 784)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads and OpenBLAS thread count")
    p.add_argument("--blas-threads", type=int, default=0,
                   help="OpenBLAS thread count (OPENBLAS_NUM_THREADS); default = --threads")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--train-images", default=DEFAULT_TRAIN_IMAGES)
    p.add_argument("--train-labels", default=DEFAULT_TRAIN_LABELS)
    p.add_argument("--images", default=None,
                   help="10k test-split images (IDX, optionally gzip); default: %s" % DEFAULT_TEST_IMAGES)
    p.add_argument("--labels", default=None,
                   help="10k test-split labels (IDX, optionally gzip); default: %s" % DEFAULT_TEST_LABELS)
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training rows (0 = all)")
    p.add_argument("--encode-batch", type=int, default=1024, help="batch size for the timed encode of the test set")
    p.add_argument("--encode-reps", type=int, default=5)
    p.add_argument("--no-gemm", action="store_true", help="skip the sgemm GFLOP/s probe")
    p.add_argument("--no-pin-blas-threads", action="store_true",
                   help="do not set OPENBLAS_NUM_THREADS/OMP_NUM_THREADS to --threads before importing torch")
    return p.parse_args()


ARGS = parse_args()

# Debian's torch links OpenBLAS (pthread build) through the libblas.so.3 alternative.
# OpenBLAS keeps its own thread pool (default = nproc) that torch.set_num_threads() does
# NOT control, so pin it via the environment before torch (and thus OpenBLAS) is loaded.
_ENV_BEFORE = {k: os.environ.get(k) for k in
               ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
if not ARGS.no_pin_blas_threads:
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.blas_threads or ARGS.threads)
    os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

# The benchmark's 'mallopt' setting: the same glibc thresholds the library's opt-in TuneNativeAllocator sets
# (Platform/NativeAllocatorTuning.cs: M_TRIM_THRESHOLD 512 MB, M_MMAP_THRESHOLD 32 MB), so both sides run under it.
MALLOPT_APPLIED = False
if os.environ.get("AUTOENCODER_BENCHMARK_MALLOPT") == "1" and sys.platform.startswith("linux"):
    import ctypes
    _libc = ctypes.CDLL("libc.so.6")
    MALLOPT_APPLIED = _libc.mallopt(-1, 512 << 20) == 1 and _libc.mallopt(-3, 32 << 20) == 1

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def rss_peak_kb():
    # VmHWM is this address space's high-water mark. ru_maxrss is not used: a process started by a larger
    # parent (the .NET benchmark) inherits the parent's maximum in ru_maxrss across fork and exec.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux


# ---------------------------------------------------------------- data
def _open(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def read_idx(path):
    with _open(path) as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError("%s: size mismatch %d vs %s" % (path, arr.size, dims))
    return arr.reshape(dims)


CONVERT_SECONDS = {}


def load_split(images_path, labels_path):
    imgs = read_idx(images_path)
    t0 = time.perf_counter()
    x = imgs.reshape(imgs.shape[0], -1).astype(np.float32)
    np.divide(x, np.float32(255.0), out=x)  # in place: no second float32 copy
    CONVERT_SECONDS[images_path] = time.perf_counter() - t0  # bytes -> floats in fresh memory, as the library's read
    x = torch.from_numpy(x)
    y = None
    if labels_path and os.path.exists(labels_path):
        y = read_idx(labels_path)
        if y.shape[0] != x.shape[0]:
            raise ValueError("label count %d != image count %d" % (y.shape[0], x.shape[0]))
    return x.contiguous(), y


# ---------------------------------------------------------------- model
class Autoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32))
        self.decoder = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 784), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def forward_flops(n):
    return 2 * n * sum(i * o for i, o in LAYERS)


def train_matmul_flops(n):
    """Exact matmul FLOPs of one training pass: forward + dW for every layer + dX for
    every layer except the first (the input does not require grad)."""
    per_row = sum(i * o for i, o in LAYERS)
    return 2 * n * (3 * per_row - LAYERS[0][0] * LAYERS[0][1])


# ---------------------------------------------------------------- BLAS info
def blas_info():
    info = {}
    cfg = torch.__config__.show()
    for key in ("BLAS_INFO", "LAPACK_INFO"):
        i = cfg.find(key + "=")
        if i >= 0:
            info[key.lower()] = cfg[i + len(key) + 1:].split(",")[0]
    i = cfg.find("CPU capability usage:")
    info["cpu_capability"] = cfg[i:].split("\n")[0].split(":")[1].strip() if i >= 0 else None
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                base = os.path.basename(p)
                if any(s in base for s in ("blas", "lapack", "gomp", "mkl", "omp")):
                    libs.add(p)
    except OSError:
        pass
    info["loaded_libs"] = sorted(libs)
    alt = "/usr/lib/x86_64-linux-gnu/libblas.so.3"
    if os.path.exists(alt):
        info["libblas_so3_resolves_to"] = os.path.realpath(alt)
    ob = [p for p in libs if "openblas" in os.path.basename(p)]
    if ob:
        try:
            import ctypes
            lib = ctypes.CDLL(ob[0])
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info["openblas_corename"] = lib.openblas_get_corename().decode()
            info["openblas_config"] = lib.openblas_get_config().decode()
            info["openblas_num_threads"] = lib.openblas_get_num_threads()
        except Exception as e:  # pragma: no cover
            info["openblas_error"] = repr(e)
    info["reference_blas_loaded"] = any("/blas/libblas" in p for p in libs)
    return info


def gemm_probe():
    """Cheap sgemm GFLOP/s probe: model-shaped products and a 1024^3 square one."""
    shapes = [(256, 784, 64), (256, 64, 784), (1024, 1024, 1024)]
    out = {}
    g = torch.Generator().manual_seed(0)
    for m, k, n in shapes:
        a = torch.rand(m, k, generator=g)
        b = torch.rand(k, n, generator=g)
        c = torch.empty(m, n)
        flops = 2.0 * m * k * n
        for _ in range(3):
            torch.mm(a, b, out=c)
        # size the repetition count to roughly 0.05 s per sample
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        reps = max(1, int(0.05 / max(time.perf_counter() - t0, 1e-6)))
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(reps):
                torch.mm(a, b, out=c)
            samples.append((time.perf_counter() - t0) / reps)
        best = min(samples)
        out["%dx%d@%dx%d" % (m, k, k, n)] = {
            "gflops_best": round(flops / best / 1e9, 2),
            "gflops_median": round(flops / statistics.median(samples) / 1e9, 2),
        }
    return out


# ---------------------------------------------------------------- main
def main():
    a = ARGS
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rss_after_import = rss_peak_kb()

    test_images = a.images or DEFAULT_TEST_IMAGES
    test_labels = a.labels or (DEFAULT_TEST_LABELS if a.images is None else None)
    t0 = time.perf_counter()
    x_test, _ = load_split(test_images, test_labels)
    if os.path.exists(a.train_images):
        x_train, _ = load_split(a.train_images, a.train_labels)
        train_source = a.train_images
    else:
        log("train split %s not found; training on the test split %s" % (a.train_images, test_images))
        x_train, train_source = x_test, test_images
    if a.train_limit > 0:
        x_train = x_train[:a.train_limit].contiguous()
    load_s = time.perf_counter() - t0
    n = x_train.shape[0]
    rss_after_load = rss_peak_kb()
    log("loaded train %s test %s in %.2fs" % (tuple(x_train.shape), tuple(x_test.shape), load_s))

    model = Autoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.MSELoss()
    gen = torch.Generator().manual_seed(a.seed)
    bs = a.batch_size

    epoch_s, epoch_cpu, epoch_loss = [], [], []
    phase_s = {"forward": 0.0, "backward": 0.0, "optimizer_step": 0.0}
    load_before = os.getloadavg()
    model.train()
    for ep in range(a.epochs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        perm = torch.randperm(n, generator=gen)
        total, batches = 0.0, 0
        for i in range(0, n, bs):
            p0 = time.perf_counter()
            xb = x_train[perm[i:i + bs]]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), xb)
            p1 = time.perf_counter()
            loss.backward()
            p2 = time.perf_counter()
            opt.step()
            p3 = time.perf_counter()
            total += loss.item()
            batches += 1
            phase_s["forward"] += p1 - p0
            phase_s["backward"] += p2 - p1
            phase_s["optimizer_step"] += p3 - p2
        dt = time.perf_counter() - t0
        epoch_s.append(dt)
        epoch_cpu.append(time.process_time() - c0)
        epoch_loss.append(total / batches)
        log("epoch %d: %.3fs loss %.5f" % (ep + 1, dt, total / batches))

    steady = epoch_s[1:] if len(epoch_s) > 1 else epoch_s
    median_s = statistics.median(steady) if steady else None

    model.eval()
    with torch.no_grad():
        test_mse = nn.functional.mse_loss(model(x_test), x_test).item()

        def encode_all():
            return torch.cat([model.encoder(x_test[i:i + a.encode_batch])
                              for i in range(0, x_test.shape[0], a.encode_batch)])

        codes = encode_all()  # warm-up
        enc = []
        for _ in range(a.encode_reps):
            t0 = time.perf_counter()
            codes = encode_all()
            enc.append(time.perf_counter() - t0)
    rss_after_train = rss_peak_kb()

    fl_fwd = forward_flops(n)
    fl_epoch = 3 * fl_fwd
    gemm = None if a.no_gemm else gemm_probe()

    result = {
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "threads": a.threads,
        "blas_threads_requested": (a.blas_threads or a.threads) if not a.no_pin_blas_threads else None,
        "torch_num_threads": torch.get_num_threads(),
        "torch_num_interop_threads": torch.get_num_interop_threads(),
        "env_before_pinning": _ENV_BEFORE,
        "blas_threads_pinned": not a.no_pin_blas_threads,
        "blas": blas_info(),
        "cpu_count": os.cpu_count(),
        "loadavg_before_training": [round(v, 2) for v in load_before],
        "loadavg_after": [round(v, 2) for v in os.getloadavg()],
        "cpu_pressure": _read("/proc/pressure/cpu"),
        "seed": a.seed,
        "epochs": a.epochs,
        "batch_size": bs,
        "lr": a.lr,
        "model": "784-64-32-64-784 (ReLU, latent linear, sigmoid out)",
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_source": train_source,
        "train_rows": n,
        "test_rows": x_test.shape[0],
        "load_seconds": round(load_s, 4),
        "train_convert_seconds": round(CONVERT_SECONDS.get(train_source, 0.0), 4),
        "mallopt_applied": MALLOPT_APPLIED,
        "epoch_seconds": [round(s, 4) for s in epoch_s],
        "epoch_cpu_seconds": [round(s, 4) for s in epoch_cpu],
        "phase_seconds_per_epoch": {k: round(v / a.epochs, 4) for k, v in phase_s.items()},
        "min_epoch_seconds": round(min(epoch_s), 4) if epoch_s else None,
        "epoch_train_loss": [round(l, 6) for l in epoch_loss],
        "median_epoch_seconds_2_to_n": round(median_s, 4) if median_s is not None else None,
        "test_mse": test_mse,
        "encode_batch": a.encode_batch,
        "encode_seconds_samples": [round(s, 5) for s in enc],
        "encode_seconds_median": round(statistics.median(enc), 5) if enc else None,
        "latent_shape": list(codes.shape),
        "peak_rss_kb_after_import": rss_after_import,
        "peak_rss_kb_after_load": rss_after_load,
        "peak_rss_kb": rss_after_train,
        "flops_forward_per_epoch": fl_fwd,
        "flops_per_epoch_fwd_bwd": fl_epoch,
        "flops_per_epoch_exact_matmul": train_matmul_flops(n),
        "achieved_gflops_median_epoch_3x": round(fl_epoch / median_s / 1e9, 2) if median_s else None,
        "achieved_gflops_median_epoch_exact": round(train_matmul_flops(n) / median_s / 1e9, 2) if median_s else None,
        "gemm": gemm,
    }
    if gemm:
        result["epoch_seconds_lower_bound"] = {
            shape: round(fl_epoch / (v["gflops_best"] * 1e9), 4) for shape, v in gemm.items()
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
