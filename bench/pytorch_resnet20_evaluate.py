#!/usr/bin/env python3
"""Speed peer for `./softcifar bench evaluate`: the same evaluation work in PyTorch eager, on the peer model of
pytorch_resnet20_train.py (random weights, random uint8 images; speed does not depend on either), timed the way the
project's EvaluationBenchmark times it (one warm-up batch first, images/s over the timed batches):
  inference          basic ResNet-20 in inference mode: normalize, forward, softmax; batches of --batch
  mc_dropout         the dropout model, S passes with dropout on (BatchNorm in inference mode), softmax averaged;
                     max(batch, images / S) images (an image counts once, whatever S)
  fgsm               basic: gradient of the summed cross-entropy of class 0 w.r.t. the pixels in [0, 1],
                     x' = clip(x + eps sign(grad), 0, 1), re-prediction; batches of min(batch, 128)
  fgsm_mc_dropout    the same through the MC Dropout predictive distribution (log of the mean of S softmax passes),
                     batches of max(1, fgsm batch / S), max(that, fgsm-images / 10) images
Prints one JSON line.
"""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F

import pytorch_resnet20_train as peer

EPSILON = 0.005


def dropout_on(model, on):
    """Dropout follows the training flag of the backbone's modules; BatchNorm stays in inference mode."""
    for m in model.modules():
        if isinstance(m, (peer.Block, peer.ResNet)):
            m.training = on


def predictive_logits(model, x, passes):
    if passes == 1:
        return model.fc(model.backbone(x))
    probs = torch.stack([F.softmax(model.fc(model.backbone(x)), 1) for _ in range(passes)]).mean(0)
    return probs.log()


def throughput(n, batch, work):
    work(0, min(batch, n))  # warm-up batch
    start = time.perf_counter()
    for lo in range(0, n, batch):
        work(lo, min(n, lo + batch))
    return n / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=1500)
    ap.add_argument("--fgsm-images", type=int, default=512)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--mc-samples", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    basic, dropout = peer.Basic(), peer.Basic(dropout=0.1)
    for model in (basic, dropout):
        model.eval()
        for p in model.parameters():
            p.requires_grad_(False)
    n = max(args.images, args.fgsm_images)
    images = torch.randint(0, 256, (n, 3, 32, 32), dtype=torch.uint8)
    mean = torch.tensor(peer.MEAN).view(1, 3, 1, 1)
    std = torch.tensor(peer.STD).view(1, 3, 1, 1)

    def predict(model, passes):
        def work(lo, hi):
            with torch.no_grad():
                x = (images[lo:hi].float() / 255 - mean) / std
                dropout_on(model, passes > 1)
                predictive_logits(model, x, passes).exp()[0, 0].item()
        return work

    def attack(model, passes):
        def work(lo, hi):
            dropout_on(model, passes > 1)
            px = (images[lo:hi].float() / 255).requires_grad_(True)
            y = torch.zeros(hi - lo, dtype=torch.long)
            loss = F.cross_entropy(predictive_logits(model, (px - mean) / std, passes), y, reduction="sum")
            (grad,) = torch.autograd.grad(loss, [px])
            adv = (px.detach() + EPSILON * grad.sign()).clamp(0, 1)
            with torch.no_grad():
                predictive_logits(model, (adv - mean) / std, passes).argmax(1).tolist()
        return work

    s = args.mc_samples
    fgsm_batch = min(args.batch, 128)
    mc_fgsm_batch = max(1, fgsm_batch // s)
    result = {
        "peer": "pytorch-eager", "torch": torch.__version__, "threads": args.threads,
        "inference_images_per_second": throughput(args.images, args.batch, predict(basic, 1)),
        "mc_dropout_images_per_second": throughput(max(args.batch, args.images // s), args.batch, predict(dropout, s)),
        "fgsm_images_per_second": throughput(args.fgsm_images, fgsm_batch, attack(basic, 1)),
        "fgsm_mc_dropout_images_per_second": throughput(
            max(mc_fgsm_batch, args.fgsm_images // 10), mc_fgsm_batch, attack(dropout, s)),
    }
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
