"""A plain PyTorch re-implementation of the study's networks, written from the papers and PROTOCOL.md.

Nothing here loads TorchScript or code the project ships: the network is a handful of functions over the checkpoint's
tensors (functional style, so every formula is one visible line). Every formula the study may still change is one
function with a clear name, selected from the checkpoint's configuration or from the shapes of its buffers:

* spectral normalization: ``spectral_sigma_matrix`` (u, v vectors) or ``spectral_sigma_operator`` (u, v of the
  conv's output / input shape), chosen by the rank of the stored ``sn_u``;
* SNGP random features: ``sngp_features_liu`` (sqrt(2/D) cos(W h / l + b), Liu et al. 2020) or
  ``sngp_features_reference`` (cos(W h / sqrt(l) + b), the reference code), chosen by ``sngp_formulation``;
* SNGP covariance from the precision: ``sngp_covariance_liu`` / ``sngp_covariance_reference`` (only used to check
  the stored covariance; predictions use the stored covariance);
* DUQ outputs: ``duq_outputs_kernel`` (logits = kernel values, probabilities = softmax of them) or
  ``duq_outputs_class_normalized`` (logits = log of the kernels normalized over classes), chosen by
  ``duq_formulation``;
* the loss FGSM differentiates: ``attack_log_probabilities``.
"""

import math

import torch
import torch.nn.functional as F

BN_EPS = 1e-5

# ---------------------------------------------------------------------------------------------------------------
# formulation switches (read from the checkpoint's config.model; absent keys mean the formulation of the current code)


def sngp_formulation(model_config):
    """'liu' (sqrt(2/D) factor, length scale l, covariance ridge * P^-1) or 'reference' (the reference code)."""
    value = str(model_config.get("gpFormulation", "liu")).lower()
    return "reference" if value.startswith("ref") else "liu"


def duq_formulation(model_config):
    """'kernel' (logits = kernel values) or 'class_normalized' (logits = log(K / sum K), the reference code)."""
    value = str(model_config.get("duqLogits", model_config.get("duqFormulation", "kernel"))).lower()
    return "class_normalized" if ("norm" in value or value.startswith("ref")) else "kernel"


# ---------------------------------------------------------------------------------------------------------------
# layers


def spectral_sigma_matrix(weight, u, v):
    """sigma = u^T W v with W reshaped (out, in*kh*kw): the power-iteration estimate of the matrix norm."""
    w2 = weight.reshape(weight.shape[0], -1)
    return torch.dot(u, w2 @ v)


def spectral_sigma_operator(weight, u, v, stride, padding):
    """sigma = <u, conv2d(v)>: the estimate of the norm of the convolution operator (u: out shape, v: in shape)."""
    return (u * F.conv2d(v.unsqueeze(0), weight, stride=stride, padding=padding)[0]).sum()


def spectrally_normalized(weight, u, v, bound, stride=1, padding=0):
    """W / max(1, sigma / c) (Miyato et al. 2018 with SNGP's bound c; Liu et al. 2020)."""
    if u.dim() == 1:
        sigma = spectral_sigma_matrix(weight, u, v)
    else:
        sigma = spectral_sigma_operator(weight, u, v, stride, padding)
    return weight / torch.clamp(sigma / bound, min=1.0)


class Network:
    """Backbone + head of one checkpoint, tensors converted to ``dtype``."""

    def __init__(self, ckpt, dtype=torch.float64):
        self.ckpt = ckpt
        self.config = ckpt.model_config
        self.method = ckpt.method
        self.dtype = dtype
        self.t = {name: torch.from_numpy(value.astype("float64")).to(dtype) for name, value in ckpt.tensors.items()}
        depth = int(self.config["depth"])
        if depth < 8 or (depth - 2) % 6:
            raise ValueError(f"{ckpt.path}: depth {depth} is not 6n+2")
        self.blocks_per_stage = (depth - 2) // 6
        self.bound = float(self.config.get("spectralBound", 3.0))
        self.dropout_rate = float(self.config.get("dropoutRate", 0.0)) if self.method == "dropout" else 0.0
        self.classes = int(self.config["classes"])
        self._weights = {}

    def has(self, name):
        return name in self.t

    # --- layers ----------------------------------------------------------------------------------------------
    def weight(self, prefix, stride, padding):
        """The weight a conv/linear layer applies in inference (spectrally normalized where it has sn_u/sn_v)."""
        key = (prefix, stride, padding)
        if key not in self._weights:
            w = self.t[prefix + ".weight"]
            if self.has(prefix + ".sn_u"):
                w = spectrally_normalized(w, self.t[prefix + ".sn_u"], self.t[prefix + ".sn_v"], self.bound, stride,
                                          padding)
            self._weights[key] = w
        return self._weights[key]

    def conv(self, x, prefix, stride):
        w = self.t[prefix + ".weight"]
        padding = w.shape[-1] // 2
        return F.conv2d(x, self.weight(prefix, stride, padding), stride=stride, padding=padding)

    def batch_norm(self, x, prefix):
        """Inference-mode BatchNorm: (x - running mean) / sqrt(running var + eps) * gamma + beta."""
        mean = self.t[prefix + ".running_mean"].view(1, -1, 1, 1)
        var = self.t[prefix + ".running_var"].view(1, -1, 1, 1)
        gamma = self.t[prefix + ".gamma"].view(1, -1, 1, 1)
        beta = self.t[prefix + ".beta"].view(1, -1, 1, 1)
        return (x - mean) / torch.sqrt(var + BN_EPS) * gamma + beta

    def activate(self, x, mc_dropout):
        """ReLU, then (MC Dropout with its masks on) inverted dropout: keep with prob 1-p, scale by 1/(1-p)."""
        h = torch.relu(x)
        if mc_dropout and self.dropout_rate > 0:
            keep = (torch.rand_like(h) >= self.dropout_rate).to(h.dtype)
            h = h * keep / (1.0 - self.dropout_rate)
        return h

    # --- backbone (He et al. 2016, section 4.2) --------------------------------------------------------------
    def features(self, x, mc_dropout=False):
        """CIFAR ResNet 6n+2: stem, 3 stages of n basic blocks (16/32/64), global average pooling -> B x 64."""
        h = self.activate(self.batch_norm(self.conv(x, "backbone.stem", 1), "backbone.stem_bn"), mc_dropout)
        for stage in (1, 2, 3):
            for block in range(self.blocks_per_stage):
                p = f"backbone.stage{stage}.block{block}"
                stride = 2 if stage > 1 and block == 0 else 1
                y = self.activate(self.batch_norm(self.conv(h, p + ".conv1", stride), p + ".bn1"), mc_dropout)
                y = self.batch_norm(self.conv(y, p + ".conv2", 1), p + ".bn2")
                if self.has(p + ".shortcut.weight"):
                    skip = self.batch_norm(self.conv(h, p + ".shortcut", stride), p + ".shortcut_bn")
                else:
                    skip = h
                h = self.activate(y + skip, mc_dropout)
        return h.mean(dim=(2, 3))

    # --- heads ------------------------------------------------------------------------------------------------
    def softmax_head(self, f):
        w = self.weight("head", 1, 0)
        return f @ w.T + self.t["head.bias"]

    def sngp_features(self, f):
        w, b = self.t["gp.rff_weight"], self.t["gp.rff_bias"]
        scale = float(self.config.get("gpKernelScale", 1.0))
        if sngp_formulation(self.config) == "reference":
            return sngp_features_reference(f, w, b, scale)
        return sngp_features_liu(f, w, b, scale)

    def sngp(self, f):
        """(GP mean logits, predictive variance) from the stored beta and covariance."""
        phi = self.sngp_features(f)
        logits = phi @ self.t["gp.beta.weight"].T
        variance = ((phi @ self.t["gp.covariance"]) * phi).sum(dim=1)
        return logits, variance

    def duq_kernels(self, f):
        """K_k = exp(-mean_j (W_k f - e_k)_j^2 / (2 sigma^2)), e_k = centroid_sum_k / count_k (van Amersfoort 2020)."""
        w = self.t["duq.weight"]  # embedding x classes x features
        z = torch.einsum("bf,ecf->bec", f, w)
        centroids = self.t["duq.centroid_sum"] / self.t["duq.count"].unsqueeze(0)  # embedding x classes
        sigma = float(self.config.get("duqLengthScale", 0.1))
        return torch.exp(-((z - centroids.unsqueeze(0)) ** 2).mean(dim=1) / (2 * sigma * sigma))

    # --- whole-model outputs ----------------------------------------------------------------------------------
    def one_pass(self, x, mc_dropout=False):
        """One pass: logits (basic, dropout, SNGP GP mean) or DUQ kernel values; dropout masks only if mc_dropout."""
        f = self.features(x, mc_dropout)
        if self.method in ("basic", "dropout"):
            return self.softmax_head(f)
        if self.method == "sngp":
            return self.sngp(f)[0]
        if self.method == "duq":
            return self.duq_kernels(f)
        raise ValueError(f"unknown method {self.method}")

    def predict(self, x, passes=1):
        """dict with probabilities, logits (the max-logit OOD score's input), native score, and for the attack the
        log-probabilities of the predictive distribution (differentiable in x)."""
        lam = float(self.config.get("gpMeanFieldFactor", math.pi / 8))
        if self.method == "basic":
            logits = self.one_pass(x)
            p = torch.softmax(logits, 1)
            return dict(probabilities=p, logits=logits, native=p.max(1).values, log_probs=torch.log_softmax(logits, 1))
        if self.method == "dropout":
            logits = torch.stack([self.one_pass(x, mc_dropout=True) for _ in range(passes)])
            log_p = torch.logsumexp(torch.log_softmax(logits, 2), 0) - math.log(passes)
            p = torch.exp(log_p)
            return dict(probabilities=p, logits=logits.mean(0), native=p.max(1).values, log_probs=log_p,
                        pass_logits=logits)
        if self.method == "sngp":
            logits, variance = self.sngp(self.features(x))
            mean_field = sngp_mean_field_logits(logits, variance, lam)
            return dict(probabilities=torch.softmax(mean_field, 1), logits=logits, native=-variance,
                        variance=variance, log_probs=torch.log_softmax(mean_field, 1))
        if self.method == "duq":
            kernels = self.duq_kernels(self.features(x))
            if duq_formulation(self.config) == "class_normalized":
                out = duq_outputs_class_normalized(kernels)
            else:
                out = duq_outputs_kernel(kernels)
            out.update(native=kernels.max(1).values, kernels=kernels)
            return out
        raise ValueError(f"unknown method {self.method}")


# ---------------------------------------------------------------------------------------------------------------
# SNGP formulas


def sngp_features_liu(h, w, b, kernel_scale):
    """Random Fourier features of Liu et al. 2020 / Rahimi & Recht: sqrt(2/D) cos(W h / l + b)."""
    d = w.shape[0]
    return math.sqrt(2.0 / d) * torch.cos(h @ w.T / kernel_scale + b)


def sngp_features_reference(h, w, b, kernel_scale):
    """The reference code's random features: cos(W h / sqrt(l) + b), no sqrt(2/D) factor."""
    return torch.cos(h @ w.T / math.sqrt(kernel_scale) + b)


def sngp_covariance_liu(precision, ridge):
    """Covariance from a precision that includes the ridge term: ridge * P^-1 (the current code)."""
    return ridge * torch.linalg.inv(precision)


def sngp_covariance_reference(precision, ridge):
    """Covariance from a precision accumulated from zero: (ridge I + P)^-1 (the reference code)."""
    return torch.linalg.inv(ridge * torch.eye(precision.shape[0], dtype=precision.dtype) + precision)


def sngp_mean_field_logits(logits, variance, factor):
    """Mean-field approximation of the softmax of a Gaussian: logits / sqrt(1 + lambda * variance)."""
    return logits / torch.sqrt(1.0 + factor * variance).unsqueeze(1)


def sngp_mc_probabilities_exact(logits, variance, draws, generator):
    """Monte Carlo E[softmax(m + sqrt(v) eps)], eps ~ N(0, I) per class; returns per-entry mean and variance."""
    eps = torch.randn((draws,) + tuple(logits.shape), dtype=logits.dtype, generator=generator)
    p = torch.softmax(logits.unsqueeze(0) + variance.sqrt().view(1, -1, 1) * eps, 2)
    return p.mean(0), p.var(0)


# ---------------------------------------------------------------------------------------------------------------
# DUQ formulas


def duq_outputs_kernel(kernels):
    """logits = kernel values; predictive distribution softmax(kernels) (what the current code reports)."""
    return dict(probabilities=torch.softmax(kernels, 1), logits=kernels, log_probs=torch.log_softmax(kernels, 1))


def duq_outputs_class_normalized(kernels):
    """logits = log(K / sum_k K) (the reference's class-normalized kernels); probabilities = K / sum_k K."""
    tiny = torch.finfo(kernels.dtype).tiny
    log_p = torch.log(torch.clamp(kernels, min=tiny)) - torch.log(torch.clamp(kernels.sum(1, keepdim=True), min=tiny))
    return dict(probabilities=torch.exp(log_p), logits=log_p, log_probs=log_p)
