#!/usr/bin/env python3
"""Builds ml-core/src/main/resources/io/softcifar/ml/nn/bf16_conv.pt: a 2-D convolution computed in bfloat16.

The bf16 precision mode (docs/model-and-training.md) runs every convolution of the ResNet - nearly all of a step's
arithmetic - in bfloat16 while the weights (the fp32 master copy the optimizer updates), BatchNorm, the head and the
loss stay in float32. DJL 0.33 cannot cast to bfloat16 (NDArray.toType(BFLOAT16) aborts the JVM), so the casts and the
convolution run inside this scripted module: fp32 tensors cross the JNI boundary both ways, the autograd graph (casts
included) is libtorch's own, so backward (and DUQ's double backward) returns fp32 gradients to the fp32 weights.

Mathematics: y = float32(conv2d(bfloat16(x), bfloat16(w), stride, padding)), no bias, dilation 1, one group.

Run with any PyTorch >= 1.10 (Debian: python3-torch); the archive is loaded by newer libtorch versions.
"""
import sys

import torch


class Bf16Conv(torch.nn.Module):
    def forward(self, x: torch.Tensor, w: torch.Tensor, geometry: torch.Tensor) -> torch.Tensor:
        # DJL's forward with autograd takes tensors only: the geometry is the SHAPE of a (stride, padding) tensor,
        # read without touching its data (no device synchronization on a GPU)
        stride = geometry.size(0)
        padding = geometry.size(1)
        y = torch.conv2d(x.to(torch.bfloat16), w.to(torch.bfloat16), None, [stride, stride], [padding, padding])
        return y.to(torch.float32)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "bf16_conv.pt"
    torch.jit.script(Bf16Conv()).save(out)
    print("wrote", out, "with torch", torch.__version__)
