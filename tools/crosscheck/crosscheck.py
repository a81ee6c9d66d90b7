#!/usr/bin/env python3
"""Independent cross-check of a soft-cifar evaluation (issue 12, point 7).

Loads a checkpoint into the plain PyTorch re-implementation of model.py, runs the images stored in an evaluation dump
(``./softcifar evaluate --checkpoint C --data D --ood ... --dump DIR --dump-inputs``) and compares its outputs and
metrics with the dump. Exit 0 when every comparison passes, 1 when one fails, 2 when the inputs are unusable.

Usage: /usr/bin/python3 tools/crosscheck/crosscheck.py --checkpoint best.ckpt --dump DIR [--json]
See README.md next to this file for what is compared and why the tolerances are what they are.
"""

import argparse
import json
import math
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint as ckpt_io  # noqa: E402
import metrics  # noqa: E402
from model import Network, attack_loss, sngp_covariance_liu2020, sngp_covariance_reference  # noqa: E402
from model import sngp_draw_logits, sngp_mc_logits_probabilities, sngp_mc_probabilities  # noqa: E402

REL_TOL = 1e-4          # deterministic outputs: max |mine - project| / max |project|
METRIC_TOL = 1e-4       # ECE / AUROC recomputed from deterministic outputs
SMALL_GRADIENT = 1e-4   # FGSM: |g_j| / max |g| below this is a sign float32 may flip
FGSM_MAX_DIFFERING = 3  # FGSM: at most this many points (or 1% of the attacked) may differ, each explained
STAT_SIGMAS = 5.0       # stochastic metrics: allowed distance in replicate standard deviations
FLOAT32_GRADIENT_FLOOR = 1e-30  # FGSM: an image whose whole gradient is this small has none in float32
RATIO_RANGE = (0.5, 2.0)  # stochastic outputs: mean squared difference / its expectation
SNGP_REPLICATES = 50    # SNGP draws are cheap (no network pass): replicates of an N-draw evaluation


def as_stored(x):
    """My float64 values rounded to float32, the precision the project computes and stores in. Metrics and argmax are
    taken from these, so values that underflow in float32 (DUQ kernels far from every centroid) tie in both."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def predicted_class(probabilities):
    """argmax with ties to the lowest index (np.argmax), on the float32-rounded probabilities."""
    return np.argmax(as_stored(probabilities), 1)


class InputError(Exception):
    pass


class Report:
    def __init__(self):
        self.checks = []

    def add(self, name, ok, value, tolerance, detail=""):
        self.checks.append(dict(name=name, ok=bool(ok), value=value, tolerance=tolerance, detail=detail))
        return ok

    def rel(self, name, mine, theirs, tol=REL_TOL):
        mine = np.asarray(mine, dtype=np.float64)
        theirs = np.asarray(theirs, dtype=np.float64)
        if mine.shape != theirs.shape:
            return self.add(name, False, None, tol, f"shape {mine.shape} vs dump {theirs.shape}")
        scale = max(float(np.abs(theirs).max()), 1e-30)
        diff = float(np.abs(mine - theirs).max()) / scale
        return self.add(name, diff <= tol, diff, tol, "max |mine - dump| / max |dump|")

    @property
    def ok(self):
        return all(c["ok"] for c in self.checks)


# ---------------------------------------------------------------------------------------------------------------
# the dump


class Dump:
    def __init__(self, path):
        self.path = path
        index = os.path.join(path, "dump.json")
        if not os.path.isfile(index):
            raise InputError(f"{path}: no dump.json (not an evaluation dump; run ./softcifar evaluate --dump DIR)")
        with open(index) as f:
            self.index = json.load(f)
        inputs = os.path.join(path, "inputs.json")
        if not os.path.isfile(inputs):
            raise InputError(f"{path}: no inputs.json; run ./softcifar evaluate with --dump DIR --dump-inputs")
        with open(inputs) as f:
            self.inputs = json.load(f)
        self.evaluation = self.index["evaluation"]
        self.metrics = self.index["metrics"]
        names = [e["file"] for e in self.index["files"]]
        self.ood_sets = [m.group(1) for n in names for m in [re.fullmatch(r"ood_(.+)_logits\.npy", n)] if m]
        self.epsilons = {}
        for n in os.listdir(path):
            m = re.fullmatch(r"fgsm_(.+)_predictions\.npy", n)
            if m:
                self.epsilons[m.group(1)] = float(m.group(1))

    def load(self, name):
        file = os.path.join(self.path, name)
        if not os.path.isfile(file):
            raise InputError(f"{file}: missing from the dump")
        return np.load(file, allow_pickle=False)

    def optional(self, name):
        file = os.path.join(self.path, name)
        return np.load(file, allow_pickle=False) if os.path.isfile(file) else None


def normalize(pixels_unit, mean, std):
    return (pixels_unit - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)


def batches(n, size):
    for start in range(0, n, size):
        yield start, min(n, start + size)


def run_predict(net, images_u8, mean, std, passes=1, batch=250):
    """Outputs of net.predict for uint8 images, as float64 numpy arrays."""
    out = {}
    with torch.no_grad():
        for a, b in batches(len(images_u8), batch):
            px = torch.from_numpy(images_u8[a:b]).to(net.dtype) / 255.0
            r = net.predict(normalize(px, mean, std), passes)
            for k, v in r.items():
                if k in ("pass_logits",):
                    continue
                out.setdefault(k, []).append(v.double().numpy())
    return {k: np.concatenate(v) for k, v in out.items()}


def run_one_pass(net, images_u8, mean, std, batch=250):
    rows = []
    with torch.no_grad():
        for a, b in batches(len(images_u8), batch):
            px = torch.from_numpy(images_u8[a:b]).to(net.dtype) / 255.0
            rows.append(net.one_pass(normalize(px, mean, std)).double().numpy())
    return np.concatenate(rows)


# ---------------------------------------------------------------------------------------------------------------
# FGSM


def fgsm_gradients(net, images_u8, labels, mean, std, passes, batch=100):
    """d/dpixels, in pixel space [0, 1], of model.attack_loss: the summed cross-entropy of each method's attacked
    logits (basic z; MC Dropout ln mean p; SNGP mean-field logits; DUQ ln K)."""
    grads = []
    for a, b in batches(len(images_u8), batch):
        px = (torch.from_numpy(images_u8[a:b]).to(net.dtype) / 255.0).requires_grad_(True)
        attacked = net.predict(normalize(px, mean, std), passes)["attacked_logits"]
        loss = attack_loss(attacked, torch.from_numpy(labels[a:b]).long())
        (g,) = torch.autograd.grad(loss, px)
        grads.append(g.detach())
    return torch.cat(grads)


def fgsm_predictions(net, images_u8, signs, eps, mean, std, passes, batch=250):
    """argmax of the prediction on clip(pixels + eps sign, 0, 1), renormalized."""
    preds = []
    with torch.no_grad():
        for a, b in batches(len(images_u8), batch):
            px = torch.from_numpy(images_u8[a:b]).to(net.dtype) / 255.0
            adv = torch.clamp(px + eps * signs[a:b], 0.0, 1.0)
            preds.append(predicted_class(net.predict(normalize(adv, mean, std), passes)["probabilities"].double().numpy()))
    return np.concatenate(preds) if preds else np.zeros(0, dtype=np.int64)


def check_fgsm_deterministic(report, net, dump, images, labels, mean, std, my_correct):
    for text, eps in sorted(dump.epsilons.items(), key=lambda kv: kv[1]):
        after = dump.load(f"fgsm_{text}_predictions.npy")
        attacked = after >= 0
        differing_attacked = int(np.sum(attacked != my_correct))
        report.add(f"fgsm {text}: attacked points = the correctly classified ones", differing_attacked == 0,
                   differing_attacked, 0, f"{int(attacked.sum())} attacked")
        idx = np.nonzero(attacked)[0]
        if len(idx) == 0:
            continue
        grads = fgsm_gradients(net, images[idx], labels[idx], mean, std, 1)
        signs = torch.sign(grads)
        mine = fgsm_predictions(net, images[idx], signs, eps, mean, std, 1)
        differ = np.nonzero(mine != after[idx])[0]
        explained, details = 0, []
        for j in differ:
            g = grads[j]
            if float(g.abs().max()) < FLOAT32_GRADIENT_FLOOR:
                explained += 1
                details.append(f"test row {int(idx[j])}: mine {int(mine[j])}, project {int(after[idx[j]])}, the whole "
                               f"gradient is below float32's range (max |g| = {float(g.abs().max()):.1e}), explained")
                continue
            small = g.abs() <= SMALL_GRADIENT * g.abs().max()
            variants = []
            flipped = signs[j].clone()
            flipped[small] = -flipped[small]
            zeroed = signs[j].clone()
            zeroed[small] = 0
            variants = [flipped, zeroed]
            alternatives = [int(fgsm_predictions(net, images[idx[j]:idx[j] + 1], v.unsqueeze(0), eps, mean, std, 1)[0])
                            for v in variants]
            ok = int(after[idx[j]]) in alternatives
            explained += ok
            details.append(f"test row {int(idx[j])}: mine {int(mine[j])}, project {int(after[idx[j]])}, "
                           f"{int(small.sum())} components with |g| <= {SMALL_GRADIENT:g} max|g| "
                           f"(smallest ratio {float((g.abs().min() / g.abs().max())):.2e}), "
                           f"{'explained' if ok else 'NOT explained'} by their signs")
        allowed = max(FGSM_MAX_DIFFERING, int(0.01 * len(idx)))
        report.add(f"fgsm {text}: attacked predictions that differ (each explained by near-zero gradients)",
                   len(differ) <= allowed and explained == len(differ), len(differ), allowed,
                   "; ".join(details) if details else f"{len(idx)} attacked, all equal")
        full = np.full(len(labels), -1, dtype=np.int64)
        full[idx] = mine
        mine_decrease = metrics.fgsm_decrease(full, labels)
        theirs = dump.metrics.get(f"fgsm/{text}_decrease")
        tol = len(differ) / len(idx) + 1e-12
        report.add(f"fgsm/{text}_decrease", theirs is not None and abs(mine_decrease - theirs) <= tol,
                   f"{mine_decrease:.6f} vs {theirs}", tol, "mine vs dump.json (tolerance: the differing points)")


# ---------------------------------------------------------------------------------------------------------------
# metrics from deterministic outputs


def near_ties(probabilities, tol=1e-6):
    """Rows whose top two probabilities are within tol (a few float32 ulps), leaving out rows where every class ties
    (all-uniform rows: both implementations pick class 0)."""
    top2 = np.sort(probabilities, 1)[:, -2:]
    uniform = probabilities.max(1) == probabilities.min(1)
    return int(np.sum((top2[:, 1] - top2[:, 0] <= tol) & ~uniform))


def close_pairs(s_in, s_out, rel=1e-6):
    """(in, out) score pairs within rel of each other (a few float32 ulps): their order (or tie) can differ between two
    correct float32 computations, so each may move AUROC by up to 1 / (n_in n_out)."""
    scale = np.maximum(np.maximum(np.abs(s_in)[:, None], np.abs(s_out)[None, :]), 1e-300)
    return int(np.sum(np.abs(s_in[:, None] - s_out[None, :]) <= rel * scale))


def check_metrics_deterministic(report, dump, mine_test, mine_ood, labels):
    mine_test = {k: as_stored(v) for k, v in mine_test.items()}
    mine_ood = {name: {k: as_stored(v) for k, v in out.items()} for name, out in mine_ood.items()}
    p = mine_test["probabilities"]
    ties = near_ties(p)
    acc = metrics.accuracy(p, labels)
    theirs = dump.metrics["test/accuracy"]
    report.add("test/accuracy", abs(acc - theirs) <= ties / len(labels) + 1e-12, f"{acc:.6f} vs {theirs:.6f}",
               ties / len(labels), f"{ties} near-tied points allowed to differ")
    e = metrics.ece(p, labels)
    conf = p.max(1)
    uniform = p.max(1) == p.min(1)  # exactly 1/C in both implementations: no bin ambiguity
    edge = int(np.sum((np.abs(conf * metrics.BINS - np.round(conf * metrics.BINS)) <= 1e-5) & ~uniform))
    tol = METRIC_TOL + (ties + edge) / len(labels)
    report.add("test/ece", abs(e - dump.metrics["test/ece"]) <= tol, f"{e:.6f} vs {dump.metrics['test/ece']:.6f}", tol,
               f"{ties} near-tied points and {edge} on a bin edge may move")
    for name, out in mine_ood.items():
        scores = {"": lambda r: r["logits"].max(1), "_max_prob": lambda r: r["probabilities"].max(1),
                  "_native": lambda r: r["native"]}
        for suffix, score in scores.items():
            key = f"ood/{name}_auroc{suffix}"
            if key not in dump.metrics:
                continue
            s_in, s_out = score(mine_test), score(out)
            a = metrics.auroc(s_in, s_out)
            close = close_pairs(s_in, s_out)
            tol = METRIC_TOL + close / (len(s_in) * len(s_out))
            report.add(key, abs(a - dump.metrics[key]) <= tol, f"{a:.6f} vs {dump.metrics[key]:.6f}", tol,
                       f"{close} (in, out) pairs within float32 resolution may order differently")


# ---------------------------------------------------------------------------------------------------------------
# stochastic methods


def ratio_test(report, name, dump_mean, pass_values, dump_passes):
    """dump_mean: the project's average of dump_passes draws; pass_values: K x ... of my single draws.
    E[(dump - my mean)^2] = s^2 (1/S_dump + 1/K); the ratio of the observed to that should be about 1."""
    k = pass_values.shape[0]
    mine = pass_values.mean(0)
    var = pass_values.var(0, ddof=1)
    expected = float(np.sum(var * (1.0 / dump_passes + 1.0 / k)))
    observed = float(np.sum((dump_mean - mine) ** 2))
    ratio = observed / expected if expected > 0 else (0.0 if observed == 0 else math.inf)
    return report.add(name, RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1], ratio, list(RATIO_RANGE),
                      f"sum (dump - mine)^2 / its expectation, {k} draws of mine vs {dump_passes} of the project")


def stat_compare(report, name, theirs, replicates, floor):
    mean = float(np.mean(replicates))
    sd = float(np.std(replicates, ddof=1)) if len(replicates) > 1 else 0.0
    tol = STAT_SIGMAS * sd * math.sqrt(1 + 1 / len(replicates)) + floor + 1e-12  # 1e-12: round-off of k/n
    report.add(name, abs(theirs - mean) <= tol, f"{theirs:.6f} vs mine {mean:.6f} ± {sd:.6f}", tol,
               f"{len(replicates)} replicates of mine")


def check_dropout(report, dump, net32, images, ood_images, labels, mean, std, groups, seed):
    """MC Dropout: probabilities/logits of S passes against my K*S single passes (ratio test), and accuracy, ECE,
    AUROC and FGSM decrease against `groups` replicates of my S-pass evaluation."""
    s = int(dump.evaluation["passes"])
    torch.manual_seed(seed)

    def passes(imgs, count):
        probs, logits = [], []
        with torch.no_grad():
            for _ in range(count):
                rows_p, rows_l = [], []
                for a, b in batches(len(imgs), 250):
                    px = torch.from_numpy(imgs[a:b]).float() / 255.0
                    l = net32.one_pass(normalize(px, mean.float(), std.float()), mc_dropout=True)
                    rows_l.append(l.double().numpy())
                    rows_p.append(torch.softmax(l.double(), 1).numpy())
                probs.append(np.concatenate(rows_p))
                logits.append(np.concatenate(rows_l))
        return np.stack(probs), np.stack(logits)

    total = groups * s
    test_p, test_l = passes(images, total)
    ratio_test(report, "dropout test probabilities (MC average)", dump.load("test_probabilities.npy"), test_p, s)
    ratio_test(report, "dropout test logits (MC average)", dump.load("test_logits.npy"), test_l, s)
    ood = {}
    for name, imgs in ood_images.items():
        ood[name] = passes(imgs, total)
        ratio_test(report, f"dropout ood {name} probabilities (MC average)",
                   dump.load(f"ood_{name}_probabilities.npy"), ood[name][0], s)
    reps = {"acc": [], "ece": [], "ref_acc": [], "ref_ece": []}
    for g in range(groups):
        p = test_p[g * s:(g + 1) * s].mean(0)
        reps["acc"].append(metrics.accuracy(p, labels))
        reps["ece"].append(metrics.ece(p, labels))
        # the reference's variant: softmax of the mean logits of the same passes
        ref = torch.softmax(torch.from_numpy(test_l[g * s:(g + 1) * s].mean(0)), 1).numpy()
        reps["ref_acc"].append(metrics.accuracy(ref, labels))
        reps["ref_ece"].append(metrics.ece(ref, labels))
        for name in ood:
            l_in = test_l[g * s:(g + 1) * s].mean(0).max(1)
            l_out = ood[name][1][g * s:(g + 1) * s].mean(0).max(1)
            reps.setdefault(name, []).append(metrics.auroc(l_in, l_out))
    n = len(labels)
    stat_compare(report, "test/accuracy (MC Dropout)", dump.metrics["test/accuracy"], reps["acc"], 1.0 / n)
    stat_compare(report, "test/ece (MC Dropout)", dump.metrics["test/ece"], reps["ece"], 1.0 / n)
    for key, rep in (("test_ref/accuracy", "ref_acc"), ("test_ref/ece", "ref_ece")):
        if key in dump.metrics:
            stat_compare(report, f"{key} (softmax of mean logits)", dump.metrics[key], reps[rep], 1.0 / n)
    for name in ood:
        stat_compare(report, f"ood/{name}_auroc (MC Dropout)", dump.metrics[f"ood/{name}_auroc"], reps[name], 1.0 / n)
    # FGSM: attack the points the project attacked, with S fresh passes for the gradient and for the re-prediction
    for text, eps in sorted(dump.epsilons.items(), key=lambda kv: kv[1]):
        after = dump.load(f"fgsm_{text}_predictions.npy")
        idx = np.nonzero(after >= 0)[0]
        if len(idx) == 0:
            continue
        decreases = []
        for _ in range(groups):
            grads = fgsm_gradients(net32, images[idx], labels[idx], mean.float(), std.float(), s, batch=25)
            pred = fgsm_predictions(net32, images[idx], torch.sign(grads), eps, mean.float(), std.float(), s)
            decreases.append(float(np.mean(pred != labels[idx])))
        stat_compare(report, f"fgsm/{text}_decrease (MC Dropout)", dump.metrics[f"fgsm/{text}_decrease"], decreases,
                     1.0 / len(idx))


def check_sngp_extras(report, net, dump, mine_test, labels, seed, groups):
    """SNGP: the stored covariance against the formulation's inverse of the stored precision; the Monte-Carlo
    probabilities (ratio test against 4,000 of my draws); test_mc/* and the reference's test_mc_logits/* (softmax of the
    mean drawn logits) against `groups` replicates of my draws with the project's count."""
    ridge = float(net.config.get("gpRidge", 1.0))
    formula = sngp_covariance_reference if net.gp_formulation == "reference" else sngp_covariance_liu2020
    report.rel(f"sngp stored covariance = {formula.__name__}(stored precision)",
               formula(net.t["gp.precision"], ridge).numpy(), net.t["gp.covariance"].numpy(), 1e-3)
    mc = dump.optional("test_mc_probabilities.npy")
    if mc is None:
        return
    draws_dump = int(dump.evaluation.get("sngp_mc_samples", 0))
    gen = torch.Generator().manual_seed(seed)
    logits = torch.from_numpy(mine_test["logits"])
    variance = torch.from_numpy(mine_test["variance"])
    draws = 4000
    p = torch.softmax(sngp_draw_logits(logits, variance, draws, gen), 2)
    d = mc - p.mean(0).numpy()
    expected = float(np.sum(p.var(0).numpy() * (1.0 / draws_dump + 1.0 / draws)))
    ratio = float(np.sum(d ** 2)) / expected if expected > 0 else (0.0 if float(np.sum(d ** 2)) == 0 else math.inf)
    report.add("sngp test Monte-Carlo probabilities", RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1], ratio,
               list(RATIO_RANGE), f"sum (dump - mine)^2 / its expectation, {draws_dump} project draws vs {draws}")
    reps = {"test_mc": ([], []), "test_mc_logits": ([], [])}
    for _ in range(max(groups, SNGP_REPLICATES)):
        drawn = sngp_draw_logits(logits, variance, draws_dump, gen)
        for key, probs in (("test_mc", sngp_mc_probabilities(drawn)), ("test_mc_logits",
                                                                        sngp_mc_logits_probabilities(drawn))):
            reps[key][0].append(metrics.accuracy(probs.numpy(), labels))
            reps[key][1].append(metrics.ece(probs.numpy(), labels))
    n = len(labels)
    for key, (acc, ece) in reps.items():
        if f"{key}/accuracy" in dump.metrics:
            stat_compare(report, f"{key}/accuracy", dump.metrics[f"{key}/accuracy"], acc, 1.0 / n)
            stat_compare(report, f"{key}/ece", dump.metrics[f"{key}/ece"], ece, 1.0 / n)


# ---------------------------------------------------------------------------------------------------------------


def spectral_binding(net):
    """(layers whose applied weight differs from the stored one, i.e. sigma > c, number of normalized layers, and
    the largest sigma / c)."""
    names = sorted(k[:-len(".sn_u")] for k in net.t if k.endswith(".sn_u"))
    binding, largest = 0, 0.0
    for prefix in names:
        applied = [w for (p, _, _), w in net._weights.items() if p == prefix]
        if not applied:
            continue
        w = net.t[prefix + ".weight"]
        ratio = float(w.abs().max() / applied[0].abs().max()) if float(applied[0].abs().max()) > 0 else 1.0
        largest = max(largest, ratio)
        if not torch.equal(applied[0], w):
            binding += 1
    return binding, len(names), largest


def parameter_count(ckpt):
    """Trainable scalars: every tensor except the buffers (BatchNorm statistics, SN vectors, SNGP random features,
    precision and covariance, DUQ counts and centroid sums)."""
    buffers = ("running_mean", "running_var", "sn_u", "sn_v", "rff_weight", "rff_bias", "precision", "covariance",
               "count", "centroid_sum")
    return sum(int(v.size) for k, v in ckpt.tensors.items() if k.rsplit(".", 1)[-1] not in buffers)


def crosscheck(checkpoint_path, dump_path, groups=8, seed=12345, require_sn_binding=0):
    report = Report()
    ckpt = ckpt_io.load(checkpoint_path)
    dump = Dump(dump_path)
    method = ckpt.method
    if str(dump.evaluation.get("method", method)).lower() != method:
        raise InputError(f"{dump_path}: dump of a {dump.evaluation.get('method')} model, checkpoint holds {method}")
    count = parameter_count(ckpt)
    report.add("parameter count (header vs tensors)", count == int(ckpt.header["parameters"]), count,
               ckpt.header["parameters"])
    norm = dump.inputs["normalization"]
    report.rel("normalization mean (inputs.json vs checkpoint)", norm["mean"], ckpt.mean, 1e-7)
    report.rel("normalization std (inputs.json vs checkpoint)", norm["std"], ckpt.std, 1e-7)
    mean = torch.tensor(ckpt.mean, dtype=torch.float64)
    std = torch.tensor(ckpt.std, dtype=torch.float64)
    images = dump.load("test_images.npy")
    labels = dump.load("test_labels.npy").astype(np.int64)
    ood_images = {name: dump.load(f"ood_{name}_images.npy") for name in dump.ood_sets}
    net = Network(ckpt, torch.float64)
    torch.manual_seed(seed)

    # 1. one deterministic pass (dropout off) on every image
    report.rel("test one-pass outputs (dropout off)", run_one_pass(net, images, mean, std),
               dump.load("test_one_pass_outputs.npy"))
    for name, imgs in ood_images.items():
        report.rel(f"ood {name} one-pass outputs (dropout off)", run_one_pass(net, imgs, mean, std),
                   dump.load(f"ood_{name}_one_pass_outputs.npy"))

    if method == "dropout":
        check_dropout(report, dump, Network(ckpt, torch.float32), images, ood_images, labels, mean, std, groups, seed)
        return report, ckpt, dump

    # 2. deterministic methods: every output, every metric, FGSM point by point
    mine_test = run_predict(net, images, mean, std)
    mine_ood = {name: run_predict(net, imgs, mean, std) for name, imgs in ood_images.items()}
    what = {"basic": "logits", "sngp": "GP mean logits", "duq": "logits ln(K / sum K)"}[method]
    report.rel(f"test {what}", mine_test["logits"], dump.load("test_logits.npy"))
    report.rel("test probabilities", mine_test["probabilities"], dump.load("test_probabilities.npy"))
    report.rel("test native scores", mine_test["native"], dump.load("test_native_scores.npy"))
    if method == "sngp":
        report.rel("test SNGP predictive variance", mine_test["variance"], -dump.load("test_native_scores.npy"))
    if method == "duq":
        report.rel("test DUQ max kernel value", mine_test["kernels"].max(1), dump.load("test_native_scores.npy"))
    for name, out in mine_ood.items():
        report.rel(f"ood {name} {what}", out["logits"], dump.load(f"ood_{name}_logits.npy"))
        report.rel(f"ood {name} probabilities", out["probabilities"], dump.load(f"ood_{name}_probabilities.npy"))
        report.rel(f"ood {name} native scores", out["native"], dump.load(f"ood_{name}_native_scores.npy"))
    if method == "sngp":
        check_sngp_extras(report, net, dump, mine_test, labels, seed, groups)
        binding, total, largest = spectral_binding(net)
        report.add("spectral normalization binding (sigma > c)", binding >= require_sn_binding,
                   f"{binding} of {total} layers", f">= {require_sn_binding}",
                   f"layers whose applied weight is the stored one / (sigma / c); largest sigma / c = {largest:.3g}")
    check_metrics_deterministic(report, dump, mine_test, mine_ood, labels)
    my_correct = predicted_class(mine_test["probabilities"]) == labels
    check_fgsm_deterministic(report, net, dump, images, labels, mean, std, my_correct)
    return report, ckpt, dump


def format_value(v):
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="best.ckpt / last.ckpt of a run")
    parser.add_argument("--dump", required=True, help="folder written by evaluate --dump DIR --dump-inputs")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    parser.add_argument("--mc-groups", type=int, default=8,
                        help="MC Dropout: replicates of my S-pass evaluation (default 8)")
    parser.add_argument("--require-sn-binding", type=int, default=0, metavar="N",
                        help="SNGP: fail unless at least N spectrally normalized layers have sigma > c (default 0)")
    parser.add_argument("--seed", type=int, default=12345, help="seed of my stochastic passes")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    args = parser.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        report, ckpt, dump = crosscheck(args.checkpoint, args.dump, args.mc_groups, args.seed, args.require_sn_binding)
    except (InputError, ckpt_io.CheckpointError, ValueError) as e:
        print(f"crosscheck: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(dict(ok=report.ok, method=ckpt.method, checkpoint=args.checkpoint, dump=args.dump,
                              checks=report.checks)))
    else:
        print(f"crosscheck of {args.checkpoint} ({ckpt.method}, depth {ckpt.model_config['depth']}) against {args.dump}")
        for c in report.checks:
            line = f"{'PASS' if c['ok'] else 'FAIL'}  {c['name']}: {format_value(c['value'])} (tolerance {c['tolerance']})"
            if c["detail"]:
                line += f"  [{c['detail']}]"
            print(line)
        failed = sum(not c["ok"] for c in report.checks)
        print(f"{len(report.checks) - failed} of {len(report.checks)} checks passed" + ("" if failed == 0 else
                                                                                         f", {failed} FAILED"))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
