#!/usr/bin/env python3
"""Builds the three scripted modules of the bf16 precision mode, in ml-core/src/main/resources/io/softcifar/ml/nn/:

  bf16_conv.pt           a 2-D convolution computed in bfloat16, with a bfloat16 result (libtorch's bf16 kernels)
  bf16_conv_emulated.pt  the same convolution computed with float32 kernels on the bfloat16-rounded operands, the
                         result rounded to bfloat16: the fallback where the bf16 kernels give wrong results
  bf16_to_float32.pt     the cast of the backbone's last (bfloat16) activations back to float32

The bf16 mode (docs/model-and-training.md) computes the backbone - every convolution, and the BatchNorm, ReLU,
dropout and residual additions between them - on bfloat16 activations, while the weights (the fp32 master copy the
optimizer updates), BatchNorm's parameters and running statistics, the heads and the loss stay float32: the
mathematics of PyTorch's bf16 autocast on this network. DJL 0.33 cannot cast to bfloat16 (NDArray.toType(BFLOAT16)
aborts the JVM), but it can hold a bfloat16 tensor a scripted module returns and apply its own operations to it
(libtorch's BatchNorm takes a bf16 input with float32 parameters). So the casts happen in these modules: the
convolution casts its input (a no-op for the bf16 activations of the previous layer; the float32 images at the
stem) and its weight to bf16, and the backbone's output is cast back before pooling. The autograd graph (casts
included) is libtorch's own, so backward (and DUQ's double backward) returns fp32 gradients to the fp32 weights.

Mathematics: conv: y = conv2d(bfloat16(x), bfloat16(w), stride, padding), bfloat16, no bias, dilation 1, one group;
cast: float32(x). The emulated convolution is y = bfloat16(conv2d(float32(bfloat16(x)), float32(bfloat16(w)))): the
same definition (bf16 operands, float32 accumulation, bf16 result), and through the casts its gradients are rounded
to bfloat16 as the native kernel's are. libtorch 2.5.1 (DJL 0.33) computes some bf16 convolutions wrongly on AMD Zen 5
(e.g. the input gradient of a 3-channel convolution); Bf16Convolution probes the native kernel at the network's
shapes and falls back to the emulated one (docs/science.md, "bf16 on CPUs whose bf16 kernels are wrong").

Usage: make_bf16_conv_module.py [directory]. Run with any PyTorch >= 1.10 (Debian: python3-torch); the archives are
loaded by newer libtorch versions.
"""
import os
import sys

import torch


class Bf16Conv(torch.nn.Module):
    def forward(self, x: torch.Tensor, w: torch.Tensor, geometry: torch.Tensor) -> torch.Tensor:
        # DJL's forward with autograd takes tensors only: the geometry is the SHAPE of a (stride, padding) tensor,
        # read without touching its data (no device synchronization on a GPU)
        stride = geometry.size(0)
        padding = geometry.size(1)
        return torch.conv2d(x.to(torch.bfloat16), w.to(torch.bfloat16), None, [stride, stride], [padding, padding])


class Bf16ConvEmulated(torch.nn.Module):
    def forward(self, x: torch.Tensor, w: torch.Tensor, geometry: torch.Tensor) -> torch.Tensor:
        stride = geometry.size(0)
        padding = geometry.size(1)
        xr = x.to(torch.bfloat16).to(torch.float32)
        wr = w.to(torch.bfloat16).to(torch.float32)
        return torch.conv2d(xr, wr, None, [stride, stride], [padding, padding]).to(torch.bfloat16)


class ToFloat32(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.float32)


if __name__ == "__main__":
    directory = sys.argv[1] if len(sys.argv) > 1 else "."
    for module, name in (
        (Bf16Conv(), "bf16_conv.pt"),
        (Bf16ConvEmulated(), "bf16_conv_emulated.pt"),
        (ToFloat32(), "bf16_to_float32.pt"),
    ):
        torch.jit.script(module).save(os.path.join(directory, name))
        print("wrote", os.path.join(directory, name), "with torch", torch.__version__)
