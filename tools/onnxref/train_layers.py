#!/usr/bin/python3
"""Train a small CNN made of the layer kinds TinyVGG lacks on Fashion-MNIST
and export it to ONNX, so that the site's views of those kinds can be built
and tested on a model whose maps mean something.

    /usr/bin/python3 tools/onnxref/train_layers.py OUT.onnx [EPOCHS]

Reads the IDX files like train_cnnmodel.py, trains with SGD on one thread
from a fixed seed, prints the test accuracy, and writes OUT.onnx plus
classes.txt beside it.
"""

import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_cnnmodel import CLASSES, load  # noqa: E402


class Layers(nn.Module):
    """A kept BatchNorm (after the activation, so the export cannot fold it
    into the convolution), LeakyReLU, AvgPool2d, an asymmetric ZeroPad2d
    before a stride-2 convolution, Tanh, Sigmoid, global average pooling
    and a dense stack fc1 -> ReLU -> fc2."""

    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 3, padding=1),
            nn.LeakyReLU(0.1),
            nn.BatchNorm2d(6),
            nn.AvgPool2d(2),
            nn.ZeroPad2d((0, 1, 1, 0)),
            nn.Conv2d(6, 8, 3, stride=2),
            nn.Tanh(),
            nn.Conv2d(8, 12, 3, padding=1),
            nn.Sigmoid(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, classes))

    def forward(self, x):
        return self.head(self.features(x))


def main():
    out = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    data = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
    torch.manual_seed(14)
    torch.set_num_threads(1)
    train_x, train_y = load(data, "train")
    test_x, test_y = load(data, "t10k")

    model = Layers(len(CLASSES))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    gen = torch.Generator().manual_seed(14)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_x), generator=gen)
        total = 0.0
        for i in range(0, len(order), 64):
            b = order[i:i + 64]
            loss = loss_fn(model(train_x[b]), train_y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            acc = (model(test_x).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1}: train loss {total / len(order):.4f}, test accuracy {acc:.4f}", flush=True)

    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, out, input_names=["image"], output_names=["logits"])
    with open(os.path.join(os.path.dirname(os.path.abspath(out)), "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
