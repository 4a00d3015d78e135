#!/usr/bin/python3
"""Regenerates the reference .npy files that npy_test.go compares against.

Run from this folder with NumPy installed (Debian: apt-get install python3-numpy):
    /usr/bin/python3 make.py   (the system Python, where Debian installs numpy)
Every file is written by numpy itself, so the Go writer is checked against
numpy's own bytes and the Go reader against numpy's own headers.
"""
import numpy as np

def ramp(shape, dtype="<f4"):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * 0.25 - 1.5).astype(dtype).reshape(shape)

np.save("f4_scalar.npy", np.array(3.5, dtype="<f4"))
np.save("f4_5.npy", ramp((5,)))
np.save("f4_2x3.npy", ramp((2, 3)))
np.save("f4_4x3x2.npy", ramp((4, 3, 2)))
np.save("f4_0x3.npy", ramp((0, 3)))
with open("f4_2x3_v2.npy", "wb") as f:
    np.lib.format.write_array(f, ramp((2, 3)), version=(2, 0))
np.save("f8_2x3.npy", ramp((2, 3), "<f8"))
np.save("f4be_2x3.npy", ramp((2, 3), ">f4"))
np.save("i4_2x3.npy", ramp((2, 3), "<i4"))
np.save("f4_fortran_2x3.npy", np.asfortranarray(ramp((2, 3))))
