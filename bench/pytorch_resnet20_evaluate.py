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
  full_<method>      with --full basic,dropout,sngp: the whole evaluation of one model as the project's Evaluator does
                     it, timed from images in memory to the last metric: predictions of --test test and --ood OOD
                     images (dropout: S passes, mean softmax; sngp: mean-field softmax(logits / sqrt(1 + pi/8 var)),
                     var = phi C phi^T with the covariance C), the test metrics (accuracy, NLL, Brier, ECE over 15
                     bins, KL and cross-entropy to the soft labels), AUROC and AUPR of three scores (max logit, max
                     probability, the native one: -var for sngp), FGSM (eps 0.005) of every correctly classified test
                     point in batches of max(1, min(batch, 128) / S) and its decrease; reported as test images per
                     second of the whole (full_<method>_images_per_second) and seconds. As in the project's bench,
                     the test labels are the model's own single-pass predictions (so FGSM attacks about every point).
With --precision bf16 the backbone runs under torch.autocast(bfloat16) (features(): heads, metrics and the attack stay
float32). Prints one JSON line.
"""
import argparse
import json
import math
import os
import time

import numpy as np

import torch
import torch.nn.functional as F

import pytorch_resnet20_train as peer

EPSILON = 0.005


BF16 = False  # --precision bf16: the backbone under torch.autocast(bfloat16), its features back in float32


def features(model, x):
    """The backbone's features as float32; with --precision bf16 computed under CPU bf16 autocast (the heads, the
    metrics and the attack's input gradient stay float32, as in the project's bf16 mode, whose convolutions alone
    are bf16)."""
    if not BF16:
        return model.backbone(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        return model.backbone(x).float()


def dropout_on(model, on):
    """Dropout follows the training flag of the backbone's modules; BatchNorm stays in inference mode."""
    for m in model.modules():
        if isinstance(m, (peer.Block, peer.ResNet)):
            m.training = on


def predictive_logits(model, x, passes):
    if passes == 1:
        return model.fc(features(model, x))
    probs = torch.stack([F.softmax(model.fc(features(model, x)), 1) for _ in range(passes)]).mean(0)
    return probs.log()


def ranks(v):
    """Average ranks (1-based) of v, ties sharing the mean of their ranks."""
    order = np.argsort(v, kind="mergesort")
    r = np.empty(len(v))
    r[order] = np.arange(1, len(v) + 1)
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    sums = np.zeros(len(counts))
    np.add.at(sums, inverse, r)
    return (sums / counts)[inverse]


def auroc(inside, outside):
    """In-distribution = positive class, higher score = more in-distribution, ties count one half."""
    r = ranks(np.concatenate([inside, outside]))
    n1, n0 = len(inside), len(outside)
    return (r[:n1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def aupr(inside, outside):
    """Average precision of the in-distribution class."""
    scores = np.concatenate([inside, outside])
    positive = np.concatenate([np.ones(len(inside)), np.zeros(len(outside))])
    order = np.argsort(-scores, kind="mergesort")
    hits = np.cumsum(positive[order])
    precision = hits / np.arange(1, len(scores) + 1)
    return float((precision * positive[order]).sum() / len(inside))


def test_metrics(probs, labels, soft):
    """Accuracy, NLL, Brier, ECE (15 equal-width bins of the confidence), KL(soft || p) and soft cross-entropy."""
    p = np.clip(probs, 1e-12, 1.0)
    n = len(labels)
    confidence, predicted = probs.max(1), probs.argmax(1)
    correct = predicted == labels
    ece = 0.0
    edges = np.linspace(0, 1, 16)
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            ece += inside.sum() / n * abs(correct[inside].mean() - confidence[inside].mean())
    onehot = np.eye(probs.shape[1])[labels]
    return {
        "accuracy": correct.mean(),
        "nll": -np.log(p[np.arange(n), labels]).mean(),
        "brier": ((probs - onehot) ** 2).sum(1).mean(),
        "ece": ece,
        "kl": (soft * (np.log(np.clip(soft, 1e-12, 1)) - np.log(p))).sum(1).mean(),
        "soft_cross_entropy": -(soft * np.log(p)).sum(1).mean(),
    }


class FullEvaluation:
    """One model's whole evaluation (see the module comment), on images already in memory."""

    def __init__(self, method, passes, batch, mean, std):
        self.method, self.batch, self.mean, self.std = method, batch, mean, std
        self.passes = passes if method == "dropout" else 1
        self.model = {"basic": peer.Basic, "dropout": lambda: peer.Basic(dropout=0.1), "sngp": peer.Sngp}[method]()
        self.model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        if method == "sngp":
            # the covariance of a model before its first epoch end (ridge 1: the identity), as the project's GP layer
            self.covariance = torch.eye(self.model.rff_weight.shape[0])

    def forward(self, x):
        """(predictive logits, probabilities, max-logit logits, native score) of normalized images."""
        m = self.model
        if self.method == "sngp":
            phi = torch.cos(F.linear(features(m, x), m.rff_weight, m.rff_bias))
            logits = m.beta(phi)
            variance = ((phi @ self.covariance) * phi).sum(1).clamp_min(0)
            mean_field = logits / torch.sqrt(1 + math.pi / 8 * variance).unsqueeze(1)
            probs = F.softmax(mean_field, 1)
            return mean_field, probs, logits, -variance
        dropout_on(m, self.passes > 1)
        if self.passes == 1:
            logits = m.fc(features(m, x))
            probs = F.softmax(logits, 1)
            return logits, probs, logits, probs.max(1).values
        probs = torch.stack([F.softmax(m.fc(features(m, x)), 1) for _ in range(self.passes)]).mean(0)
        return probs.log(), probs, probs.log(), probs.max(1).values

    def predict_all(self, images):
        out = [], [], []
        with torch.no_grad():
            for lo in range(0, len(images), self.batch):
                x = (images[lo:lo + self.batch].float() / 255 - self.mean) / self.std
                _, probs, logits, native = self.forward(x)
                for keep, t in zip(out, (probs, logits, native)):
                    keep.append(t)
        probs, logits, native = (torch.cat(t).numpy().astype(np.float64) for t in out)
        return probs, {"max_logit": logits.max(1), "max_prob": probs.max(1), "native": native}

    def single_pass_labels(self, images):
        passes, self.passes = self.passes, 1
        labels = self.predict_all(images)[0].argmax(1)
        self.passes = passes
        return labels

    def run(self, test, ood, labels):
        soft = np.full((len(labels), 10), 0.01)
        soft[np.arange(len(labels)), labels] = 0.91
        start = time.perf_counter()
        probs, test_scores = self.predict_all(test)
        _, ood_scores = self.predict_all(ood)
        metrics = test_metrics(probs, labels, soft)
        for name in test_scores:
            metrics["svhn_auroc_" + name] = auroc(test_scores[name], ood_scores[name])
            metrics["svhn_aupr_" + name] = aupr(test_scores[name], ood_scores[name])
        targets = np.nonzero(probs.argmax(1) == labels)[0]
        batch = max(1, min(self.batch, 128) // self.passes)
        flipped = 0
        for lo in range(0, len(targets), batch):
            idx = torch.from_numpy(targets[lo:lo + batch])
            px = (test[idx].float() / 255).requires_grad_(True)
            y = torch.from_numpy(labels[targets[lo:lo + batch]])
            loss = F.cross_entropy(self.forward((px - self.mean) / self.std)[0], y, reduction="sum")
            (grad,) = torch.autograd.grad(loss, [px])
            adv = (px.detach() + EPSILON * grad.sign()).clamp(0, 1)
            with torch.no_grad():
                flipped += int((self.forward((adv - self.mean) / self.std)[1].argmax(1) != y).sum())
        metrics["fgsm_decrease"] = flipped / max(1, len(targets))
        return time.perf_counter() - start, metrics


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
    ap.add_argument("--full", default="", help="methods whose whole evaluation is timed, e.g. basic,dropout,sngp")
    ap.add_argument("--test", type=int, default=1500, help="test images of a whole evaluation")
    ap.add_argument("--ood", type=int, default=1500, help="OOD images of a whole evaluation")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = ap.parse_args()
    global BF16
    BF16 = args.precision == "bf16"
    full = [m for m in args.full.split(",") if m]
    for m in full:
        if m not in ("basic", "dropout", "sngp"):
            ap.error(f"--full: unknown method '{m}' (basic, dropout, sngp)")
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
        "peer": "pytorch-eager", "torch": torch.__version__, "threads": args.threads, "blas": peer.blas_library(),
        "precision": args.precision,
        "inference_images_per_second": throughput(args.images, args.batch, predict(basic, 1)),
        "mc_dropout_images_per_second": throughput(max(args.batch, args.images // s), args.batch, predict(dropout, s)),
        "fgsm_images_per_second": throughput(args.fgsm_images, fgsm_batch, attack(basic, 1)),
        "fgsm_mc_dropout_images_per_second": throughput(
            max(mc_fgsm_batch, args.fgsm_images // 10), mc_fgsm_batch, attack(dropout, s)),
    }
    if full:
        test_images = torch.randint(0, 256, (args.test, 3, 32, 32), dtype=torch.uint8)
        ood_images = torch.randint(0, 256, (args.ood, 3, 32, 32), dtype=torch.uint8)
        for method in full:
            evaluation = FullEvaluation(method, s, args.batch, mean, std)
            labels = evaluation.single_pass_labels(test_images)
            seconds, metrics = evaluation.run(test_images, ood_images, labels)
            result[f"full_{method}_seconds"] = seconds
            result[f"full_{method}_images_per_second"] = args.test / seconds
            result[f"full_{method}_metrics"] = len(metrics)
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
