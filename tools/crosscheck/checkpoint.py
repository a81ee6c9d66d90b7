"""Reads a soft-cifar checkpoint (format "softcifar-checkpoint", versions 1 and 2) with the standard library and NumPy.

A checkpoint is a ZIP archive (so ``numpy.load(path)`` also opens it as an NPZ):

* ``checkpoint.json`` - the header: format, version, kind, epochs, the run configuration (``config.model`` holds the
  architecture and method settings), normalization ``mean``/``std``, parameter count, history, ...
* ``model/<dotted.path>.npy`` - every parameter and buffer of the model, by dotted path
  (``backbone.stage2.block0.conv1.weight``, ``gp.covariance``, ``duq.centroid_sum``, ...).
* ``optimizer/momentum/<dotted.path>.npy`` - SGD momentum (epoch checkpoints only; not needed for inference).

See docs/checkpoint-format.md for every tensor's shape and meaning.
"""

import io
import json
import zipfile

import numpy as np

FORMAT = "softcifar-checkpoint"
MAX_VERSION = 2
HEADER_ENTRY = "checkpoint.json"
MODEL_PREFIX = "model/"


class CheckpointError(ValueError):
    """A file that is not a readable soft-cifar checkpoint; the message names the file and the problem."""


class Checkpoint:
    """Header (dict) and model tensors (name -> numpy array) of one checkpoint file."""

    def __init__(self, path, header, tensors):
        self.path = path
        self.header = header
        self.tensors = tensors

    @property
    def model_config(self):
        return self.header["config"]["model"]

    @property
    def method(self):
        return str(self.model_config["method"]).lower()

    @property
    def mean(self):
        return np.asarray(self.header["mean"], dtype=np.float64)

    @property
    def std(self):
        return np.asarray(self.header["std"], dtype=np.float64)

    def tensor(self, name):
        if name not in self.tensors:
            raise CheckpointError(f"{self.path}: model tensor '{name}' is missing")
        return self.tensors[name]

    def has(self, name):
        return name in self.tensors


def load(path):
    """Reads header and model tensors; raises CheckpointError with a one-line message on a bad file."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise CheckpointError(f"{path}: not found") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise CheckpointError(f"{path}: not a soft-cifar checkpoint (not a ZIP archive: {e})") from None
    with archive:
        names = archive.namelist()
        if HEADER_ENTRY not in names:
            raise CheckpointError(f"{path}: has no {HEADER_ENTRY} (not a soft-cifar checkpoint)")
        try:
            header = json.loads(archive.read(HEADER_ENTRY))
        except ValueError as e:
            raise CheckpointError(f"{path}: {HEADER_ENTRY} is not valid JSON ({e})") from None
        if header.get("format") != FORMAT:
            raise CheckpointError(f"{path}: format is '{header.get('format')}', expected '{FORMAT}'")
        if int(header.get("version", 0)) > MAX_VERSION:
            raise CheckpointError(f"{path}: format version {header.get('version')} is newer than this reader ({MAX_VERSION})")
        for field in ("config", "mean", "std"):
            if field not in header:
                raise CheckpointError(f"{path}: {HEADER_ENTRY} lacks the field '{field}'")
        tensors = {}
        for name in names:
            if name.startswith(MODEL_PREFIX) and name.endswith(".npy"):
                key = name[len(MODEL_PREFIX):-len(".npy")]
                try:
                    tensors[key] = np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
                except ValueError as e:
                    raise CheckpointError(f"{path}: entry {name} is not a valid .npy file ({e})") from None
    return Checkpoint(path, header, tensors)
