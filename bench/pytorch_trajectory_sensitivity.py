#!/usr/bin/env python3
"""How far two float32 training runs that differ only in the order of their summations drift apart in one epoch.

Issue 18 asks that an optimized training path end one epoch on 512 images (8 steps of 64) with every parameter
within a relative 1e-4 of the un-optimized path's. This script measures, in PyTorch 1.13 alone and independently of
the project's code, what that bar means: the same ResNet-20 (bench/pytorch_resnet20_train.py's model) from the same
initial weights, trained on the same random images and labels with SGD (momentum 0.9, weight decay 5e-4), once as
the reference (NCHW, 2 threads), once again (must be identical), once with 1 thread and once in the channels-last
memory format. The last two compute the same mathematics with float32 sums in another order. Printed per method and
learning rate: the worst element's relative difference, the worst and the median tensor's relative L2 difference,
and the tensor that differs most.

Usage: pytorch_trajectory_sensitivity.py [--steps 8] [--batch 64] [--methods basic,sngp] [--lrs 0.1,0.05,0.01]
"""
import argparse
import copy
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_resnet20_train as peer  # noqa: E402  (the bench's own PyTorch model)


def train(model0, memory_format, threads, lr, steps, batch):
    torch.set_num_threads(threads)
    model = copy.deepcopy(model0).to(memory_format=memory_format)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    data = torch.Generator().manual_seed(1)
    for _ in range(steps):
        x = torch.randn(batch, 3, 32, 32, generator=data).contiguous(memory_format=memory_format)
        y = F.one_hot(torch.randint(0, 10, (batch,), generator=data), 10).float()
        loss = model.loss(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {name: p.detach().double().clone() for name, p in model.named_parameters()}


def difference(got, want):
    worst_element = 0.0
    tensors = []
    for name, w in want.items():
        d = got[name] - w
        worst_element = max(worst_element, (d.abs() / w.abs().clamp(min=1e-6)).max().item())
        tensors.append((d.norm().item() / max(w.norm().item(), 1e-30), name))
    tensors.sort()
    return worst_element, tensors[-1], tensors[len(tensors) // 2][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--methods", default="basic,sngp")
    ap.add_argument("--lrs", default="0.1,0.05,0.01")
    args = ap.parse_args()
    print("torch", torch.__version__, "| steps", args.steps, "of", args.batch, "random images")
    for method in args.methods.split(","):
        torch.manual_seed(7)
        model0 = peer.model_for(method)
        for lr in (float(v) for v in args.lrs.split(",")):
            ref = train(model0, torch.contiguous_format, 2, lr, args.steps, args.batch)
            variants = {
                "again": train(model0, torch.contiguous_format, 2, lr, args.steps, args.batch),
                "1 thread": train(model0, torch.contiguous_format, 1, lr, args.steps, args.batch),
                "channels-last": train(model0, torch.channels_last, 2, lr, args.steps, args.batch),
            }
            for label, got in variants.items():
                element, (tensor, name), median = difference(got, ref)
                print(f"{method:6s} lr {lr:<5g} {label:14s} worst element {element:9.3g}  worst tensor {tensor:8.3g}"
                      f" ({name})  median tensor {median:8.3g}", flush=True)


if __name__ == "__main__":
    main()
