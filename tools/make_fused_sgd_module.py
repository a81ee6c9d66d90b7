#!/usr/bin/env python3
"""Builds ml-core/src/main/resources/io/softcifar/ml/train/fused_sgd.pt: the optimizer update of NesterovSgd as one
TorchScript call.

Through DJL every tensor operation is one JNI crossing (~13 us measured, docs/benchmarks.md); the per-parameter update
(weight decay, momentum buffer, step, zeroing the gradient: 6-7 operations x 65 parameter tensors of ResNet-20) cost
~8 ms a step against PyTorch's ~1 ms. Here the same operations, in the same order and with the same kernels, run
inside libtorch: one crossing per step. The caller passes the parameters and their momentum buffers as two tensor
lists and must run it with grad mode off (the in-place updates of leaves that require grad need it).

Mathematics (torch.optim.SGD with dampening 0): g <- grad + wd*w; b <- mu*b + g;
plain momentum: w <- w - lr*b; Nesterov: w <- w - lr*(g + mu*b); then grad <- 0.

Run with any PyTorch >= 1.10 (Debian: python3-torch); the archive is loaded by newer libtorch versions.
"""
import sys
from typing import List

import torch


class FusedSgd(torch.nn.Module):
    def forward(
        self,
        params: List[torch.Tensor],
        buffers: List[torch.Tensor],
        lr: float,
        momentum: float,
        weight_decay: float,
        nesterov: bool,
    ) -> int:
        for i in range(len(params)):
            w = params[i]
            grad = w.grad
            assert grad is not None
            if weight_decay != 0.0:
                grad.add_(w.mul(weight_decay))
            b = buffers[i]
            b.mul_(momentum).add_(grad)
            if nesterov:
                update = b.mul(momentum)
                update.add_(grad).mul_(lr)
            else:
                update = b.mul(lr)
            w.sub_(update)
            grad.zero_()
        return len(params)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "fused_sgd.pt"
    torch.jit.script(FusedSgd()).save(out)
    print("wrote", out, "with torch", torch.__version__)
