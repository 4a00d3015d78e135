#!/usr/bin/python3
"""Export small PyTorch models to ONNX with their per-layer outputs.

Run with Debian's interpreter (python3-torch, python3-onnx from apt):

    /usr/bin/python3 tools/onnxref/gen.py engine/onnx/testdata

For each model it writes DIR/<model>/model.onnx, input.npy (1, C, H, W),
logits.npy and ref/<layer>.npy, one file per layer the Go importer keeps,
in PyTorch's own layout. Weights come from a fixed seed, so running it again
writes the same bytes.
"""

import os
import sys

import numpy as np
import onnx
import torch
from torch import nn


class CNNModel(nn.Module):
    """The seed article's TinyVGG, as its readers write it."""

    def __init__(self, input_shape, hidden_units, output_shape):
        super().__init__()
        self.block_1 = nn.Sequential(
            nn.Conv2d(input_shape, hidden_units, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(hidden_units * 7 * 7, output_shape),
        )

    def forward(self, x):
        return self.classifier(self.block_2(self.block_1(x)))


class Kinds(nn.Module):
    """The layer kinds TinyVGG lacks: a kept BatchNorm, LeakyReLU, a padded
    AvgPool2d (exported as Pad + AveragePool), a strided non-square
    convolution, an asymmetric ZeroPad2d before a convolution, Tanh,
    Sigmoid, global average pooling and a trailing Softmax."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)),
            nn.LeakyReLU(0.1),
            nn.BatchNorm2d(6),
            nn.AvgPool2d(2, padding=1),
            nn.ZeroPad2d((0, 1, 1, 0)),
            nn.Conv2d(6, 5, 3),
            nn.Tanh(),
            nn.MaxPool2d(3, stride=2, padding=1),
            nn.Sigmoid(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(5, 4), nn.Softmax(dim=1))

    def forward(self, x):
        return self.head(self.features(x))


class Viewed(nn.Module):
    """A functional forward: BatchNorm right after a convolution (folded
    into it on export), x.view(x.size(0), -1), Dropout, and a dense stack
    fc1 -> ReLU -> fc2 where fc2 is written as a MatMul plus an Add."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.act = nn.ReLU()
        self.pool = nn.AvgPool2d(2)
        self.drop = nn.Dropout(0.5)
        self.fc1 = nn.Linear(4 * 5 * 6, 8)
        self.relu = nn.ReLU()
        self.w2 = nn.Parameter(torch.randn(8, 3) * 0.3)
        self.b2 = nn.Parameter(torch.randn(3) * 0.1)

    def forward(self, x):
        x = self.pool(self.act(self.bn(self.conv(x))))
        x = x.view(x.size(0), -1)
        x = self.relu(self.fc1(self.drop(x)))
        return x @ self.w2 + self.b2

    def functional_refs(self, x):
        """Outputs of the steps no module owns, under the importer's names
        (the MatMul and its Add become one dense layer)."""
        with torch.no_grad():
            flat = self.pool(self.act(self.bn(self.conv(x)))).view(x.size(0), -1)
            return {"Reshape": flat, "MatMul": self(x)}


def randomise_batchnorm(model, gen):
    """Give every BatchNorm non-trivial statistics, as training would."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def layer_name(node_name):
    """The Go importer's rule: /block_1/block_1.0/Conv -> block_1.0."""
    parts = [p for p in node_name.split("/") if p]
    if len(parts) >= 2:
        return parts[-2]
    return parts[0] if parts else ""


def leaf_outputs(model, x):
    """Run x through model, returning (module path, output) for every leaf
    module in the order they ran."""
    seen = []
    hooks = []
    for name, m in model.named_modules():
        if name and not list(m.children()):
            hooks.append(m.register_forward_hook(
                lambda mod, inp, out, name=name: seen.append((name, out.detach().clone()))))
    with torch.no_grad():
        y = model(x)
    for h in hooks:
        h.remove()
    return seen, y


def save_npy(path, a):
    np.save(path, np.ascontiguousarray(a.numpy().astype("<f4")), allow_pickle=False)


def export(name, model, shape, out_dir, seed, dynamic=False):
    gen = torch.Generator().manual_seed(seed)
    randomise_batchnorm(model, gen)
    model.eval()
    x = torch.rand(shape, generator=gen)
    d = os.path.join(out_dir, name)
    os.makedirs(os.path.join(d, "ref"), exist_ok=True)
    path = os.path.join(d, "model.onnx")
    # A dynamic batch keeps x.size(0) symbolic, so the exporter writes the
    # Shape -> Gather -> Unsqueeze -> Concat chain instead of a constant.
    axes = {"input": {0: "batch"}, "logits": {0: "batch"}} if dynamic else None
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["logits"], opset_version=13,
                      dynamic_axes=axes)

    kept = {layer_name(n.name) for n in onnx.load(path).graph.node}
    seen, y = leaf_outputs(model, x)
    modules = dict(model.named_modules())
    refs = {}
    last = None
    for mod, out in seen:
        # A Dropout the export dropped changes nothing at eval time; a
        # module it folded away (a BatchNorm after its convolution) leaves
        # its output with the layer before.
        if mod not in kept and isinstance(modules[mod], (nn.Dropout, nn.Identity)):
            continue
        if mod in kept:
            last = mod
        if last is not None:
            refs[last] = out
    if hasattr(model, "functional_refs"):
        refs.update(model.functional_refs(x))
    for layer, out in refs.items():
        save_npy(os.path.join(d, "ref", layer + ".npy"), out)
    save_npy(os.path.join(d, "input.npy"), x)
    save_npy(os.path.join(d, "logits.npy"), y)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "engine/onnx/testdata"
    torch.manual_seed(14)
    torch.use_deterministic_algorithms(True)
    export("cnnmodel", CNNModel(1, 10, 10), (1, 1, 28, 28), out_dir, 1)
    torch.manual_seed(15)
    export("kinds", Kinds(), (1, 3, 17, 13), out_dir, 2)
    torch.manual_seed(16)
    export("viewed", Viewed(), (1, 2, 10, 12), out_dir, 3)
    torch.manual_seed(16)
    export("viewed-dynamic", Viewed(), (1, 2, 10, 12), out_dir, 3, dynamic=True)


if __name__ == "__main__":
    main()
