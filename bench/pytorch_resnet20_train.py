#!/usr/bin/env python3
"""Speed peer for `./softcifar bench train`: the same CIFAR ResNet-20 (272,474 parameters) trained in PyTorch eager.

Batch 128, fp32, soft cross-entropy, SGD with plain momentum (lr 0.05, momentum 0.9, wd 5e-4), random data already in
memory (the data path is not what is measured). Warm-up steps are excluded. Prints one JSON line.
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (x if self.shortcut is None else self.shortcut(x)))


class ResNet(nn.Module):
    def __init__(self, n=3, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for s, w in enumerate([16, 32, 64]):
            for b in range(n):
                layers.append(Block(cin, w, 2 if (s > 0 and b == 0) else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        h = F.relu(self.bn(self.stem(x)))
        h = self.layers(h)
        return self.fc(h.mean(dim=(2, 3)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = ResNet()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(args.batch, 3, 32, 32)
    y = F.one_hot(torch.randint(0, 10, (args.batch,)), 10).float()
    model.train()
    for i in range(args.warmup + args.steps):
        if i == args.warmup:
            start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = -(F.log_softmax(model(x), 1) * y).sum(1).mean()
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - start
    print(json.dumps({"peer": "pytorch-eager", "torch": torch.__version__, "threads": args.threads,
                      "batch": args.batch, "steps": args.steps, "parameters": params,
                      "images_per_second": round(args.steps * args.batch / seconds, 1)}))


if __name__ == "__main__":
    main()
