#!/usr/bin/python3
"""Train the seed article's CNNModel on Fashion-MNIST in PyTorch and export
it to ONNX: the user's side of "From PyTorch" in docs/model-format.md.

    /usr/bin/python3 tools/onnxref/train_cnnmodel.py OUT.onnx [EPOCHS]

Reads the IDX files in /usr/share/datasets/fashion-mnist (or $FASHION_MNIST),
trains with plain SGD on one thread from a fixed seed, prints the test
accuracy, and writes OUT.onnx plus classes.txt beside it.
"""

import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import CNNModel  # noqa: E402  (the same class the reference tests export)

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(data, split):
    images = idx(os.path.join(data, split + "-images-idx3-ubyte.gz"), 16)
    labels = idx(os.path.join(data, split + "-labels-idx1-ubyte.gz"), 8)
    # ToTensor's scaling: pixels / 255 in [0, 1], shape (N, 1, 28, 28).
    x = torch.from_numpy(images.reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    out = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    data = os.environ.get("FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
    torch.manual_seed(42)
    torch.set_num_threads(1)
    train_x, train_y = load(data, "train")
    test_x, test_y = load(data, "t10k")

    model = CNNModel(input_shape=1, hidden_units=10, output_shape=len(CLASSES))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    gen = torch.Generator().manual_seed(42)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_x), generator=gen)
        total = 0.0
        for i in range(0, len(order), 32):
            b = order[i:i + 32]
            loss = loss_fn(model(train_x[b]), train_y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        model.eval()
        with torch.no_grad():
            acc = (model(test_x).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1}: train loss {total / len(order):.4f}, test accuracy {acc:.4f}", flush=True)

    # The three lines a reader needs: eval mode, an example input, export.
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, out, input_names=["image"], output_names=["logits"])
    with open(os.path.join(os.path.dirname(os.path.abspath(out)), "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
