#!/usr/bin/python3
"""Regenerates the resize references that imageio_test.go compares against.

Run from this folder with Pillow and NumPy installed (Debian: apt-get install
python3-pil python3-numpy):
    /usr/bin/python3 make.py
src.png is a 40x30 colour pattern. Each want_<H>x<W>[_l].png is what Pillow
makes of it under the rule imageio documents: crop the centred rectangle of
the target's aspect ratio (rounded to whole pixels), then resize it with
Pillow's BICUBIC filter, which is the Catmull-Rom kernel (a = -0.5) widened
when shrinking. The _l variant converts to luma with convert("L") first, as
imageio does.
"""
import numpy as np
from PIL import Image

w, h = 40, 30
y, x = np.mgrid[0:h, 0:w].astype(np.float64)
r = 255 * x / (w - 1)
g = 255 * y / (h - 1)
b = np.where(((x // 4) + (y // 3)) % 2 == 0, 230.0, 20.0)
src = Image.fromarray(np.stack([r, g, b], -1).round().astype(np.uint8), "RGB")
src.save("src.png")

for th, tw, luma in [(16, 16, False), (20, 10, False), (50, 64, False), (16, 16, True)]:
    s = max(th / h, tw / w)
    cw = min(w, max(1, round(tw / s)))
    ch = min(h, max(1, round(th / s)))
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    im = src.convert("L") if luma else src
    out = im.crop((x0, y0, x0 + cw, y0 + ch)).resize((tw, th), Image.BICUBIC)
    name = f"want_{th}x{tw}" + ("_l" if luma else "")
    out.save(name + ".png")
