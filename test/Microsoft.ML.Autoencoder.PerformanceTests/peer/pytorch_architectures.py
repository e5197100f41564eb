#!/usr/bin/python3
"""PyTorch peer for the benchmark's architectures section: the dense seed model, the convolutional autoencoder and
the variational autoencoder of the library's `compare` command, layer for layer as the library builds them, trained
the same way (Adam 1e-3, batch 256, reshuffled each epoch). Prints ONE JSON object on stdout.

  dense: Linear(784,64) ReLU Linear(64,32) | Linear(32,64) ReLU Linear(64,784) sigmoid; MSE.
  conv:  Conv2d(1,16,3,s2,p1) ReLU Conv2d(16,32,3,s2,p1) ReLU Flatten Linear(1568,32) |
         Linear(32,1568) ReLU Unflatten(32,7,7) ConvT(32,16,3,s2,p1,op1) ReLU ConvT(16,1,3,s2,p1,op1) sigmoid; MSE.
  vae:   Linear(784,128) ReLU Linear(128,2x32) -> mean, log-variance; z = mean + exp(logvar/2) * noise |
         Linear(32,128) ReLU Linear(128,784); binary cross-entropy on the logits (mean) + KL (batch mean) / 784.
Held-out MSE: sigmoid(decoder(code)) against the pixels, the code being the (mean) latent. A benchmark peer only.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--arch", choices=["dense", "conv", "vae"], required=True)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--blas-threads", type=int, default=0)
p.add_argument("--train-images", required=True)
p.add_argument("--images", required=True)
p.add_argument("--seed", type=int, default=42)
ARGS = p.parse_args()
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.blas_threads or ARGS.threads)
os.environ["OMP_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def read_images(path):
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rb") if gz else open(path, "rb")) as f:
        data = f.read()
    count, rows, cols = struct.unpack(">III", data[4:16])
    x = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols).astype(np.float32)
    np.divide(x, np.float32(255.0), out=x)
    return torch.from_numpy(x).contiguous()


class Dense(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 32))
        self.decoder = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 784))

    def code(self, x):
        return self.encoder(x)

    def loss(self, x):
        return F.mse_loss(torch.sigmoid(self.decoder(self.encoder(x))), x)


class Conv(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
                                     nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
                                     nn.Flatten(), nn.Linear(32 * 7 * 7, 32))
        self.decoder = nn.Sequential(nn.Linear(32, 32 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (32, 7, 7)),
                                     nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
                                     nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1))

    def code(self, x):
        return self.encoder(x.reshape(-1, 1, 28, 28))

    def decode(self, z):
        return self.decoder(z).reshape(-1, 784)

    def loss(self, x):
        return F.mse_loss(torch.sigmoid(self.decode(self.code(x))), x)


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64))
        self.decoder = nn.Sequential(nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 784))

    def code(self, x):
        return self.encoder(x)[:, :32]

    def loss(self, x):
        mean, log_variance = self.encoder(x).chunk(2, dim=1)
        z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        kl = (-0.5 * (1 + log_variance - mean.square() - log_variance.exp()).sum(1)).mean()
        return F.binary_cross_entropy_with_logits(self.decoder(z), x) + kl / 784


def main():
    torch.set_num_threads(ARGS.threads)
    torch.manual_seed(ARGS.seed)
    x_train, x_test = read_images(ARGS.train_images), read_images(ARGS.images)
    model = {"dense": Dense, "conv": Conv, "vae": Vae}[ARGS.arch]()
    decode = model.decode if ARGS.arch == "conv" else model.decoder
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(ARGS.seed)
    n, epoch_s = x_train.shape[0], []
    for _ in range(ARGS.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, 256):
            xb = x_train[perm[i:i + 256]]
            opt.zero_grad(set_to_none=True)
            loss = model.loss(xb)
            loss.backward()
            opt.step()
            loss.item()
        epoch_s.append(time.perf_counter() - t0)
        print("%s epoch %d: %.3f s" % (ARGS.arch, len(epoch_s), epoch_s[-1]), file=sys.stderr, flush=True)
    model.eval()
    with torch.no_grad():
        test_mse = sum(F.mse_loss(torch.sigmoid(decode(model.code(x_test[i:i + 1024]))), x_test[i:i + 1024], reduction="sum").item()
                       for i in range(0, x_test.shape[0], 1024)) / x_test.numel()
        encode = []
        for _ in range(6):
            t0 = time.perf_counter()
            torch.cat([model.code(x_test[i:i + 1024]) for i in range(0, x_test.shape[0], 1024)])
            encode.append(time.perf_counter() - t0)
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    print(json.dumps({
        "arch": ARGS.arch, "torch_version": torch.__version__, "threads": torch.get_num_threads(),
        "blas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]), "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "epoch_seconds": epoch_s, "test_mse": test_mse, "encode_seconds": statistics.median(encode[1:]),
        "train_rows": n, "test_rows": x_test.shape[0], "peak_rss_kb": peak,
    }))


if __name__ == "__main__":
    main()
