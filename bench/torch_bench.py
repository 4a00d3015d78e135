"""torch_bench.py times in PyTorch what the Go benchmarks time in the engine.

    /usr/bin/python3 bench/torch_bench.py train   --threads 1 [--seconds S]
    /usr/bin/python3 bench/torch_bench.py forward --threads 1 [--seconds S]

train: training steps of the seed TinyVGG (28x28x1, four 3x3 convolutions
with padding 1 and 10 filters, ReLU, 2x2 max-pools, Linear 490 -> 10;
7,740 parameters) at batch 32 with Adam (lr 1e-3) and cross-entropy on
seeded random pictures, as engine/train's BenchmarkTrainTinyVGG does.

forward: one picture (batch 1) through the CNN Explainer net (64x64x3,
valid convolutions, Linear 1690 -> 10, softmax) and through the seed net,
every layer's output kept, as engine's BenchmarkForward* do, under
torch.no_grad().

It prints one line per model, "name wall-ms cpu-ms" per sample or per
forward pass, the median of 3 rounds; CPU time is the process's (all
threads). Exit status 3 means
torch is not installed, so that the shell scripts can skip it.
"""

import argparse
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit(3)


def tinyvgg(channels, pad, flat):
    def block(cin):
        return [
            nn.Conv2d(cin, 10, 3, padding=pad),
            nn.ReLU(),
            nn.Conv2d(10, 10, 3, padding=pad),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]

    return nn.Sequential(*block(channels), *block(10), nn.Flatten(), nn.Linear(flat, 10))


def timed(fn, seconds, per_call=1):
    """Runs fn in 3 rounds of about seconds/3 each (after a warm-up) and
    returns the median round's wall and CPU milliseconds per call, divided
    by per_call."""
    for _ in range(5):
        fn()
    rounds = []
    for _ in range(3):
        n, w0, c0 = 0, time.perf_counter(), time.process_time()
        while True:
            fn()
            n += 1
            w = time.perf_counter() - w0
            if w >= seconds / 3 and n >= 3:
                break
        c = time.process_time() - c0
        rounds.append((w / (n * per_call) * 1e3, c / (n * per_call) * 1e3))
    walls = sorted(r[0] for r in rounds)
    cpus = sorted(r[1] for r in rounds)
    return walls[1], cpus[1]


def bench_train(seconds):
    torch.manual_seed(1)
    model = tinyvgg(1, 1, 490)
    assert sum(p.numel() for p in model.parameters()) == 7740
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batch = 32
    xs = [torch.rand(batch, 1, 28, 28) for _ in range(4)]
    ys = [torch.randint(0, 10, (batch,)) for _ in range(4)]
    k = [0]

    def step():
        i = k[0] % 4
        k[0] += 1
        opt.zero_grad()
        loss = loss_fn(model(xs[i]), ys[i])
        loss.backward()
        opt.step()

    wall, cpu = timed(step, seconds, batch)
    print(f"train-tinyvgg-28 {wall:.4f} {cpu:.4f}")


def bench_forward(seconds):
    torch.manual_seed(1)
    models = [
        ("cnn-explainer-64", nn.Sequential(*tinyvgg(3, 0, 1690), nn.Softmax(dim=1)), (1, 3, 64, 64)),
        ("seed-28", tinyvgg(1, 1, 490), (1, 1, 28, 28)),
    ]
    for name, model, shape in models:
        x = torch.rand(*shape)
        layers = list(model)

        def trace():
            outs, cur = [], x
            for layer in layers:
                cur = layer(cur)
                outs.append(cur)
            return outs

        with torch.no_grad():
            wall, cpu = timed(trace, seconds)
        print(f"{name} {wall:.4f} {cpu:.4f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["train", "forward"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"# torch {torch.__version__}, {torch.get_num_threads()} threads")
    (bench_train if a.what == "train" else bench_forward)(a.seconds)


if __name__ == "__main__":
    main()
