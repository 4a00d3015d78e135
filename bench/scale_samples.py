"""Write N Fashion-MNIST test pictures as a samples folder for bench/scale.sh.

The pictures are chosen by a seeded rule, so every run builds the same
site: random.Random(seed).sample over the 10,000 test indices, then sorted.
Usage: scale_samples.py DATA_DIR N SEED OUT_DIR
"""
import gzip
import json
import os
import random
import struct
import sys
import zlib

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(name):
    with gzip.open(name, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def png_gray(w, h, pixels):
    raw = b"".join(b"\x00" + pixels[y * w:(y + 1) * w] for y in range(h))

    def chunk(kind, body):
        c = kind + body
        return struct.pack(">I", len(body)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    data_dir, n, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    (count, h, w), images = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz"))
    picks = sorted(random.Random(seed).sample(range(count), n))
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    samples = []
    for i in picks:
        sid = "t%05d" % i
        with open(os.path.join(out, "images", sid + ".png"), "wb") as f:
            f.write(png_gray(w, h, images[i * w * h:(i + 1) * w * h]))
        samples.append({"id": sid, "file": "images/%s.png" % sid, "label": CLASSES[labels[i]], "index": i})
    with open(os.path.join(out, "samples.json"), "w") as f:
        json.dump({"samples": samples}, f, indent=1)


main()
