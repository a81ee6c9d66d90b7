#!/usr/bin/env python3
"""Speed peer for `./softcifar bench train`: the same CIFAR ResNet-20 training step in PyTorch eager, for each of the
project's four methods, written from the method definitions in docs/model-and-training.md (not from the Java code).

Per step, as the project's TrainStep does it: uint8 images -> [0, 1] -> per-channel normalization, forward, loss,
backward, SGD with plain momentum (lr 0.05, momentum 0.9, weight decay 5e-4), and the method's after-step work.
  basic    ResNet-20 (272,474 parameters) + linear head, soft cross-entropy
  dropout  the same with dropout (p 0.1) after every ReLU of the backbone
  sngp     every convolution spectrally normalized (bound 3; one power iteration per step; a k x k conv as the
           convolution operator on its input shape, a 1x1 conv as its matrix), random-feature GP head (1,024 features,
           cos(W h + b), the precision matrix accumulated from the detached features), soft cross-entropy
  duq      RBF head (embedding 1,024, length scale 0.1), binary cross-entropy plus 0.1 x the two-sided gradient
           penalty by double backprop, centroid EMA (0.999) from an inference-mode pass after the optimizer step
Random data already in memory (the data path is not what is measured). Warm-up steps are excluded.
--precision bf16 runs the forward pass (and the penalty's gradient) under torch.autocast(bfloat16): bf16 compute,
fp32 master weights and loss, what PyTorch offers as mixed precision on CPU. Prints one JSON line.
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = (0.49, 0.48, 0.45)
STD = (0.25, 0.24, 0.26)


def l2_normalize(x, eps=1e-12):
    return x / (x.norm() + eps)


class SpectralConv(nn.Module):
    """A convolution whose weight is divided by max(1, sigma / bound), sigma from one power iteration per step."""

    def __init__(self, cin, cout, k, stride, size, bound):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.stride, self.pad, self.k, self.bound = stride, k // 2, k, bound
        self.size = size
        out = (size + 2 * self.pad - k) // stride + 1
        if k == 1:
            self.register_buffer("u", l2_normalize(torch.randn(cout)))
            self.register_buffer("v", l2_normalize(torch.randn(cin)))
        else:
            self.register_buffer("u", l2_normalize(torch.randn(1, cout, out, out)))
            self.register_buffer("v", l2_normalize(torch.randn(1, cin, size, size)))
        with torch.no_grad():
            for _ in range(50):
                self.power_iteration()

    def apply_op(self, w, v):
        if self.k == 1:
            return w.reshape(w.shape[0], -1) @ v
        return F.conv2d(v, w, stride=self.stride, padding=self.pad)

    def apply_transposed(self, w, u):
        if self.k == 1:
            return w.reshape(w.shape[0], -1).t() @ u
        extra = self.size - ((u.shape[2] - 1) * self.stride - 2 * self.pad + self.k)
        return F.conv_transpose2d(u, w, stride=self.stride, padding=self.pad, output_padding=extra)

    @torch.no_grad()
    def power_iteration(self):
        w = self.conv.weight.detach()
        self.v.copy_(l2_normalize(self.apply_transposed(w, self.u)))
        self.u.copy_(l2_normalize(self.apply_op(w, self.v)))

    def forward(self, x):
        if self.training:
            self.power_iteration()
        w = self.conv.weight
        sigma = (self.u * self.apply_op(w, self.v)).sum()
        w = w / torch.clamp(sigma / self.bound, min=1.0)
        return F.conv2d(x, w, stride=self.stride, padding=self.pad)


def conv(cin, cout, k, stride, size, bound):
    if bound is None:
        return nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
    return SpectralConv(cin, cout, k, stride, size, bound)


class Block(nn.Module):
    def __init__(self, cin, cout, stride, size, dropout, bound):
        super().__init__()
        self.dropout = dropout
        self.conv1 = conv(cin, cout, 3, stride, size, bound)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv(cout, cout, 3, 1, (size - 1) // stride + 1, bound)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(conv(cin, cout, 1, stride, size, bound), nn.BatchNorm2d(cout))

    def act(self, x):
        x = F.relu(x)
        return F.dropout(x, self.dropout, self.training) if self.dropout > 0 else x

    def forward(self, x):
        h = self.act(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return self.act(h + (x if self.shortcut is None else self.shortcut(x)))


class ResNet(nn.Module):
    """The backbone: 64-d features after global average pooling."""

    def __init__(self, n=3, dropout=0.0, bound=None):
        super().__init__()
        self.dropout = dropout
        self.stem = conv(3, 16, 3, 1, 32, bound)
        self.bn = nn.BatchNorm2d(16)
        layers, cin, size = [], 16, 32
        for s, w in enumerate([16, 32, 64]):
            for b in range(n):
                stride = 2 if (s > 0 and b == 0) else 1
                layers.append(Block(cin, w, stride, size, dropout, bound))
                cin, size = w, (size - 1) // stride + 1
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        h = F.relu(self.bn(self.stem(x)))
        if self.dropout > 0:
            h = F.dropout(h, self.dropout, self.training)
        return self.layers(h).mean(dim=(2, 3))


class Basic(nn.Module):
    def __init__(self, dropout=0.0):
        super().__init__()
        self.backbone = ResNet(dropout=dropout)
        self.fc = nn.Linear(64, 10)

    def loss(self, x, y):
        return -(F.log_softmax(self.fc(self.backbone(x)).float(), 1) * y).sum(1).mean()

    def after_step(self, x, y):
        pass


class Sngp(nn.Module):
    def __init__(self, features=1024):
        super().__init__()
        self.backbone = ResNet(bound=3.0)
        q, _ = torch.linalg.qr(torch.randn(64, 64))
        w = torch.cat([q] * (features // 64), 0) * 0.05 * math.sqrt(features)
        self.register_buffer("rff_weight", w)
        self.register_buffer("rff_bias", torch.rand(features) * 2 * math.pi)
        self.register_buffer("precision", torch.zeros(features, features))
        self.beta = nn.Linear(features, 10, bias=False)

    def loss(self, x, y):
        phi = torch.cos(F.linear(self.backbone(x), self.rff_weight, self.rff_bias))
        with torch.no_grad():
            d = phi.detach().float()
            self.precision.add_(d.t() @ d)
        return -(F.log_softmax(self.beta(phi).float(), 1) * y).sum(1).mean()

    def after_step(self, x, y):
        pass


class Duq(nn.Module):
    def __init__(self, embedding=1024, length_scale=0.1, momentum=0.999, penalty=0.1):
        super().__init__()
        self.backbone = ResNet()
        self.weight = nn.Parameter(torch.randn(embedding, 10, 64) * math.sqrt(2.0 / (embedding * 64)))
        self.register_buffer("count", torch.full((10,), 12.8))
        self.register_buffer("centroid_sum", torch.randn(embedding, 10))
        self.sigma, self.momentum, self.penalty = length_scale, momentum, penalty

    def embed(self, f):
        return torch.einsum("ij,mnj->imn", f, self.weight)

    def kernel(self, z):
        centroids = self.centroid_sum / self.count
        return torch.exp(-((z - centroids.unsqueeze(0)) ** 2).mean(1) / (2 * self.sigma ** 2))

    def loss(self, x, y):
        x.requires_grad_(True)
        k = self.kernel(self.embed(self.backbone(x))).float()
        bce = F.binary_cross_entropy(k.clamp(1e-12, 1 - 1e-7), y)
        g = torch.autograd.grad(k.sum(), x, create_graph=True)[0]
        gp = ((g.reshape(g.shape[0], -1).norm(dim=1) - 1) ** 2).mean()
        return bce + self.penalty * gp

    @torch.no_grad()
    def after_step(self, x, y):
        self.eval()
        z = self.embed(self.backbone(x.detach())).float()
        self.train()
        self.count.mul_(self.momentum).add_(y.sum(0) * (1 - self.momentum))
        self.centroid_sum.mul_(self.momentum).add_((z * y.unsqueeze(1)).sum(0) * (1 - self.momentum))


def blas_library():
    """The BLAS library this process has loaded (torch's matrix products go through it), by file name: Debian's torch
    calls the system's libblas.so.3, and the reference BLAS makes the SNGP and DUQ matrix products ~10x slower."""
    torch.ones(2, 2) @ torch.ones(2, 2)
    with open("/proc/self/maps") as maps:
        names = {os.path.basename(line.split()[-1]) for line in maps if "blas" in line.split()[-1].lower()}
    return ",".join(sorted(names)) or "none found"


def model_for(method):
    return {"basic": lambda: Basic(), "dropout": lambda: Basic(dropout=0.1), "sngp": Sngp, "duq": Duq}[method]()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", choices=["basic", "dropout", "sngp", "duq"], default="basic")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--channels-last", action="store_true", help="memory format channels_last")
    ap.add_argument("--profile", help="write torch.profiler's operator trace of the timed steps (Chrome JSON) here")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = model_for(args.method)
    memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=memory_format)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    images = torch.randint(0, 256, (args.batch, 3, 32, 32), dtype=torch.uint8)
    y = F.one_hot(torch.randint(0, 10, (args.batch,)), 10).float()
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    bf16 = args.precision == "bf16"
    model.train()
    # wall time per phase, the same phases as soft-cifar's TrainStep (CPU ops are synchronous; no accuracy count here)
    phases = {"input": 0.0, "forward": 0.0, "backward": 0.0, "accuracy": 0.0, "optimizer": 0.0, "afterStep": 0.0}
    profiler = None
    for i in range(args.warmup + args.steps):
        if i == args.warmup:
            if args.profile:
                profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU])
                profiler.__enter__()
            start = time.perf_counter()
            phases = dict.fromkeys(phases, 0.0)
        t0 = time.perf_counter()
        x = ((images.float() / 255 - mean) / std).contiguous(memory_format=memory_format)
        t1 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model.loss(x, y)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        opt.step()
        opt.zero_grad(set_to_none=True)
        t4 = time.perf_counter()
        model.after_step(x, y)
        t5 = time.perf_counter()
        for name, a, b in (("input", t0, t1), ("forward", t1, t2), ("backward", t2, t3), ("optimizer", t3, t4),
                           ("afterStep", t4, t5)):
            phases[name] += b - a
    loss.item()
    seconds = time.perf_counter() - start
    if profiler is not None:
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(args.profile)
    print(json.dumps({"peer": "pytorch-eager", "torch": torch.__version__, "blas": blas_library(), "method": args.method,
                      "precision": args.precision, "threads": args.threads, "batch": args.batch,
                      "steps": args.steps, "parameters": params,
                      "images_per_second": round(args.steps * args.batch / seconds, 1),
                      "milliseconds_per_step": {k: round(v * 1000 / args.steps, 3) for k, v in phases.items()}}))


if __name__ == "__main__":
    main()
