#!/usr/bin/env python3
"""Builds ml-core/src/main/resources/io/softcifar/ml/nn/input_gradient.pt, the one TorchScript function soft-cifar uses.

DJL's JNI only exposes Tensor.backward(), and backward(create_graph=True) accumulates a graph-carrying gradient into
every parameter's .grad, which ties each parameter to the double-backward graph in a reference cycle (PyTorch warns
about exactly this) - training DUQ that way leaks the whole graph every step. torch.autograd.grad computes the input
gradient without touching any .grad. It is not in DJL's JNI, but TorchScript can call it, and DJL runs TorchScript.

Run with any PyTorch >= 1.10 (Debian: python3-torch); the archive is loaded by newer libtorch versions.
"""
import sys

import torch


class InputGradient(torch.nn.Module):
    def forward(self, outputs: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        grads = torch.autograd.grad([outputs.sum()], [inputs], create_graph=True)
        g = grads[0]
        assert g is not None
        return g


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "input_gradient.pt"
    torch.jit.script(InputGradient()).save(out)
    print("wrote", out, "with torch", torch.__version__)
