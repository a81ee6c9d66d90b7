"""A plain PyTorch re-implementation of the study's networks, written from the papers, PROTOCOL.md and the science
pages (docs/science/*.md).

Nothing here loads TorchScript or code the project ships: the network is a handful of functions over the checkpoint's
tensors (functional style, so every formula is one visible line). Each formula is one named function:

* spectral normalization (Miyato et al. 2018, SNGP's bound c): ``spectral_sigma_matrix`` (sigma = u^T W v, 1x1 convs
  and linear layers; u, v vectors) and ``spectral_sigma_operator`` (sigma = <u, conv(v)>, k x k convs; u of the conv's
  output shape 1 x C_out x H_out x W_out, v of its input shape 1 x C_in x H x W), then ``spectrally_normalized``
  W / max(1, sigma / c);
* SNGP random features, selected by ``config.model.gpFormulation``: ``sngp_features_reference`` cos(W h / sqrt(l) + b)
  and ``sngp_features_liu2020`` sqrt(2/D) cos(W h / l + b);
* SNGP covariance from the stored precision (checked against the stored covariance): ``sngp_covariance_reference``
  (ridge I + P)^-1 and ``sngp_covariance_liu2020`` ridge P^-1; predictive variance: ``sngp_variance_reference``
  ridge phi C phi^T and ``sngp_variance_liu2020`` phi Sigma phi^T; ``sngp_mean_field_logits`` z / sqrt(1 + lambda v);
* DUQ (van Amersfoort et al. 2020): ``duq_log_kernels`` ln K_k = -mean_j (W_k f - e_k)_j^2 / (2 sigma^2) and
  ``duq_outputs`` (probabilities K_k / sum K, logits their log, native max K);
* MC Dropout: ``mc_dropout_outputs`` (mean of the softmaxes; logits = mean logits);
* the FGSM loss: every method returns ``attacked_logits`` s, and the attack differentiates cross-entropy(softmax(s), y).
"""

import math

import torch
import torch.nn.functional as F

BN_EPS = 1e-5
GP_FORMULATIONS = ("reference", "liu2020")


def sngp_formulation(model_config):
    """config.model.gpFormulation: 'reference' or 'liu2020' (any case); a header without it (written before the field
    existed) means liu2020, the formulation those checkpoints were trained with (docs/checkpoint-format.md)."""
    value = str(model_config.get("gpFormulation", "liu2020")).strip().lower()
    if value not in GP_FORMULATIONS:
        raise ValueError(f"config.model.gpFormulation: unknown '{value}' (expected one of {', '.join(GP_FORMULATIONS)})")
    return value


# ---------------------------------------------------------------------------------------------------------------
# layers


def spectral_sigma_matrix(weight, u, v):
    """sigma = u^T W v with W reshaped (out, in*kh*kw): the matrix-norm estimate (1x1 convs: a 1x1 conv applies the
    same matrix at every pixel, so this is also its operator norm; linear layers)."""
    w2 = weight.reshape(weight.shape[0], -1)
    return torch.dot(u.reshape(-1), w2 @ v.reshape(-1))


def spectral_sigma_operator(weight, u, v, stride, padding):
    """sigma = <u, conv2d(v; W)>: the estimate of the norm of the convolution as a linear operator on one image of
    the layer's input shape (u: 1 x C_out x H_out x W_out, v: 1 x C_in x H x W)."""
    out = F.conv2d(v, weight, stride=stride, padding=padding)
    if out.shape != u.shape:
        raise ValueError(f"sn_u has shape {tuple(u.shape)}, the conv of sn_v gives {tuple(out.shape)}")
    return (u * out).sum()


def spectrally_normalized(weight, u, v, bound, stride=1, padding=0):
    """W / max(1, sigma / c) (Miyato et al. 2018 with SNGP's bound c; Liu et al. 2020). k x k convs (k > 1) use the
    operator estimate (their u, v are 4-D), 1x1 convs and linear layers the matrix estimate (u, v vectors)."""
    if weight.dim() == 4 and weight.shape[-1] > 1:
        if u.dim() != 4 or v.dim() != 4:
            raise ValueError(f"a {weight.shape[-2]}x{weight.shape[-1]} conv needs 4-D sn_u/sn_v (format version 2), "
                             f"got {tuple(u.shape)} / {tuple(v.shape)}")
        sigma = spectral_sigma_operator(weight, u, v, stride, padding)
    else:
        sigma = spectral_sigma_matrix(weight, u, v)
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
        self.gp_formulation = sngp_formulation(self.config) if self.method == "sngp" else None
        self.image_size = int(self.config.get("imageSize", 32))
        stem_v = self.t.get("backbone.stem.sn_v")
        if stem_v is not None and stem_v.dim() == 4 and tuple(stem_v.shape[-2:]) != (self.image_size, self.image_size):
            raise ValueError(f"{ckpt.path}: backbone.stem.sn_v has shape {tuple(stem_v.shape)}, "
                             f"config.model.imageSize is {self.image_size}")
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
        if self.gp_formulation == "reference":
            return sngp_features_reference(f, w, b, scale)
        return sngp_features_liu2020(f, w, b, scale)

    def sngp(self, f):
        """(GP mean logits, predictive variance) from the stored beta and covariance buffer."""
        phi = self.sngp_features(f)
        logits = phi @ self.t["gp.beta.weight"].T
        if self.has("gp.beta.bias"):
            logits = logits + self.t["gp.beta.bias"]
        covariance = self.t["gp.covariance"]
        if self.gp_formulation == "reference":
            variance = sngp_variance_reference(phi, covariance, float(self.config.get("gpRidge", 1.0)))
        else:
            variance = sngp_variance_liu2020(phi, covariance)
        return logits, variance

    def duq_log_kernels(self, f):
        w = self.t["duq.weight"]  # embedding x classes x features
        centroids = self.t["duq.centroid_sum"] / self.t["duq.count"].unsqueeze(0)  # embedding x classes
        return duq_log_kernels(f, w, centroids, float(self.config.get("duqLengthScale", 0.1)))

    # --- whole-model outputs ----------------------------------------------------------------------------------
    def one_pass(self, x, mc_dropout=False):
        """One pass: logits (basic, dropout, SNGP GP mean) or DUQ kernel values; dropout masks only if mc_dropout."""
        f = self.features(x, mc_dropout)
        if self.method in ("basic", "dropout"):
            return self.softmax_head(f)
        if self.method == "sngp":
            return self.sngp(f)[0]
        if self.method == "duq":
            return torch.exp(self.duq_log_kernels(f))
        raise ValueError(f"unknown method {self.method}")

    def predict(self, x, passes=1):
        """dict with probabilities, logits (the max-logit OOD score's input), native score and attacked_logits (the
        logits whose cross-entropy FGSM differentiates; differentiable in x)."""
        if self.method == "basic":
            logits = self.one_pass(x)
            p = torch.softmax(logits, 1)
            return dict(probabilities=p, logits=logits, native=p.max(1).values, attacked_logits=logits)
        if self.method == "dropout":
            return mc_dropout_outputs(torch.stack([self.one_pass(x, mc_dropout=True) for _ in range(passes)]))
        if self.method == "sngp":
            logits, variance = self.sngp(self.features(x))
            lam = float(self.config.get("gpMeanFieldFactor", math.pi / 8))
            mean_field = sngp_mean_field_logits(logits, variance, lam)
            return dict(probabilities=torch.softmax(mean_field, 1), logits=logits, native=-variance,
                        variance=variance, attacked_logits=mean_field)
        if self.method == "duq":
            return duq_outputs(self.duq_log_kernels(self.features(x)))
        raise ValueError(f"unknown method {self.method}")


def attack_loss(attacked_logits, labels):
    """FGSM's loss: sum over the batch of the cross-entropy -ln softmax(s)_y of the attacked logits s."""
    return -torch.log_softmax(attacked_logits, 1).gather(1, labels.view(-1, 1)).sum()


# ---------------------------------------------------------------------------------------------------------------
# MC Dropout


def mc_dropout_outputs(pass_logits):
    """S x B x C logits of S passes with masks: probabilities = mean over passes of softmax (Gal & Ghahramani 2016);
    logits = mean logits (max-logit score); attacked logits = ln(mean p) = logsumexp_s(log-softmax_s) - ln S."""
    log_p = torch.logsumexp(torch.log_softmax(pass_logits, 2), 0) - math.log(pass_logits.shape[0])
    p = torch.softmax(pass_logits, 2).mean(0)
    return dict(probabilities=p, logits=pass_logits.mean(0), native=p.max(1).values, attacked_logits=log_p,
                reference_probabilities=torch.softmax(pass_logits.mean(0), 1))


# ---------------------------------------------------------------------------------------------------------------
# SNGP formulas (Liu et al. 2020; docs/science/sngp-gp-layer.md)


def sngp_features_reference(h, w, b, kernel_scale):
    """The reference code's random features: cos(W h / sqrt(l) + b), no sqrt(2/D) factor."""
    return torch.cos(h @ w.T / math.sqrt(kernel_scale) + b)


def sngp_features_liu2020(h, w, b, kernel_scale):
    """Random Fourier features of Liu et al. 2020 / Rahimi & Recht: sqrt(2/D) cos(W h / l + b)."""
    d = w.shape[0]
    return math.sqrt(2.0 / d) * torch.cos(h @ w.T / kernel_scale + b)


def sngp_covariance_reference(precision, ridge):
    """Covariance buffer from a precision accumulated from 0: C = (ridge I + P)^-1."""
    return torch.linalg.inv(ridge * torch.eye(precision.shape[0], dtype=precision.dtype) + precision)


def sngp_covariance_liu2020(precision, ridge):
    """Covariance buffer from a precision that starts at ridge I: Sigma = ridge P^-1."""
    return ridge * torch.linalg.inv(precision)


def sngp_variance_reference(phi, covariance, ridge):
    """Predictive variance ridge * phi C phi^T per row (at least 0)."""
    return torch.clamp(ridge * ((phi @ covariance) * phi).sum(dim=1), min=0.0)


def sngp_variance_liu2020(phi, covariance):
    """Predictive variance phi Sigma phi^T per row (at least 0)."""
    return torch.clamp(((phi @ covariance) * phi).sum(dim=1), min=0.0)


def sngp_mean_field_logits(logits, variance, factor):
    """Mean-field approximation of the softmax of a Gaussian: logits / sqrt(1 + lambda * variance), lambda = pi/8."""
    return logits / torch.sqrt(1.0 + factor * variance).unsqueeze(1)


def sngp_draw_logits(logits, variance, draws, generator):
    """draws x B x C logits m + sqrt(v) eps, eps ~ N(0, I) per image and class (one variance per image)."""
    eps = torch.randn((draws,) + tuple(logits.shape), dtype=logits.dtype, generator=generator)
    return logits.unsqueeze(0) + variance.sqrt().view(1, -1, 1) * eps


def sngp_mc_probabilities(drawn_logits):
    """The Monte-Carlo predictive distribution: mean over draws of softmax(drawn logits)."""
    return torch.softmax(drawn_logits, 2).mean(0)


def sngp_mc_logits_probabilities(drawn_logits):
    """The reference's SNGP prediction: softmax of the mean of the drawn logits."""
    return torch.softmax(drawn_logits.mean(0), 1)


# ---------------------------------------------------------------------------------------------------------------
# DUQ formulas (van Amersfoort et al. 2020; docs/science/duq-fgsm-dropout.md)


def duq_log_kernels(f, w, centroids, length_scale):
    """ln K_k = -mean_j (z_kj - e_kj)^2 / (2 sigma^2), z_k = W_k f (W: embedding x classes x features), e_k the
    centroid m_k / N_k (embedding x classes)."""
    z = torch.einsum("bf,ecf->bec", f, w)
    return -((z - centroids.unsqueeze(0)) ** 2).mean(dim=1) / (2 * length_scale * length_scale)


def duq_outputs(log_kernels):
    """probabilities = K_k / sum_j K_j (= softmax(ln K)); logits = their log (log-softmax of ln K, finite where K
    underflows); native = max_k K_k; attacked logits = ln K (its log-softmax is ln of the normalized kernels)."""
    return dict(probabilities=torch.softmax(log_kernels, 1), logits=torch.log_softmax(log_kernels, 1),
                native=torch.exp(log_kernels.max(1).values), kernels=torch.exp(log_kernels),
                attacked_logits=log_kernels)
