#!/usr/bin/env python3
"""Where bf16 speed comes from, measured in PyTorch alone: a basic ResNet-20 training step (soft cross-entropy, SGD
with momentum 0.9, weight decay 5e-4) on random images, timed in alternating rounds in four variants:
  fp32       everything float32
  autocast   torch.autocast("cpu", bfloat16): convolutions AND the activations between them in bf16 (BatchNorm,
             ReLU and the residual additions run on bf16 tensors), loss in float32
  bf16-acts  the same mathematics by explicit casts, no autocast: each convolution casts its input (a no-op after the
             stem) and weight to bf16 and returns bf16, so BatchNorm (fp32 parameters and running statistics), ReLU
             and the additions run on bf16 tensors; the features are cast to float32 before pooling and the head -
             what soft-cifar's bf16 mode does (bf16_conv.pt, bf16_to_float32.pt)
  conv-only  only the convolutions in bf16: input and weight cast to bf16, the result cast back to float32 before
             BatchNorm - soft-cifar's first bf16 mode, kept for comparison
Usage: pytorch_bf16_variants.py [batch] [threads]. Prints images/s of each round per variant (docs/benchmarks.md).
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv(nn.Conv2d):
    conv_only = False
    bf16_activations = False

    def forward(self, x):
        if Conv.conv_only:
            return F.conv2d(x.bfloat16(), self.weight.bfloat16(), None, self.stride, self.padding).float()
        if Conv.bf16_activations:
            return F.conv2d(x.bfloat16(), self.weight.bfloat16(), None, self.stride, self.padding)
        return super().forward(x)


class Block(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.c1, self.b1 = Conv(i, o, 3, stride, 1, bias=False), nn.BatchNorm2d(o)
        self.c2, self.b2 = Conv(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o)
        self.shortcut = None
        if stride != 1 or i != o:
            self.shortcut = nn.Sequential(Conv(i, o, 1, stride, 0, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c, self.b = Conv(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)
        blocks, i = [], 16
        for o, stride in [(16, 1), (32, 2), (64, 2)]:
            for k in range(3):
                blocks.append(Block(i, o, stride if k == 0 else 1))
                i = o
        self.blocks, self.fc = nn.Sequential(*blocks), nn.Linear(64, 10)

    def forward(self, x):
        x = self.blocks(F.relu(self.b(self.c(x))))
        return self.fc(F.adaptive_avg_pool2d(x.float(), 1).flatten(1))


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    torch.manual_seed(0)
    net = Net()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.softmax(torch.randn(batch, 10), 1)

    def step(variant):
        Conv.conv_only = variant == "conv-only"
        Conv.bf16_activations = variant == "bf16-acts"
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=variant == "autocast"):
            out = net(x)
        loss = -(y * F.log_softmax(out.float(), 1)).sum(1).mean()
        loss.backward()
        opt.step()

    rates = {v: [] for v in ("fp32", "autocast", "conv-only", "bf16-acts")}
    for v in rates:
        for _ in range(5):
            step(v)
    for _ in range(3):
        for v in rates:
            start, n = time.perf_counter(), 30
            for _ in range(n):
                step(v)
            rates[v].append(n * batch / (time.perf_counter() - start))
    print(f"torch {torch.__version__}, batch {batch}, {torch.get_num_threads()} threads; images/s per round")
    for v, r in rates.items():
        print(f"{v:10s} {' '.join(f'{a:7.1f}' for a in r)}")


if __name__ == "__main__":
    main()
