# Run with Debian's python3-torchvision: /usr/bin/python3 torchvision_transforms.py > torchvision-transforms.txt
# Prints what torchvision's functional transforms give for the fixed 28x28 pattern of
# torchvision_rotate.py with fixed parameters, for mnistlab's parity test of the transforms the
# seed notebooks compose: affine and rotate on a PIL image (NEAREST, their default), brightness and
# contrast on a PIL image (what ColorJitter does to a grey image), and resized_crop on a tensor
# (bilinear). One line per call: the call's name, its parameters, then the 784 output values.
import numpy as np, torch, torchvision, PIL
from PIL import Image
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
img = np.array([[(x * 7 + y * 13 + (x * y) % 17) % 256 for x in range(28)] for y in range(28)], dtype=np.uint8)
pil = Image.fromarray(img, mode="L")
print("# torchvision", torchvision.__version__, "PIL", PIL.__version__, "torch", torch.__version__)
def line(name, params, values):
    print(name, " ".join(repr(float(p)) for p in params), "|", " ".join(repr(float(v)) for v in values.flatten()))
for angle, tx, ty, scale, shear, fill in [(5.3, 2, -1, 1.13, -7.2, 0), (-6.9, -3, 2, 0.84, 9.5, 0), (0.7, 0, 0, 1.19, 3.1, 1), (-2.2, 1, 3, 0.93, -0.4, 0)]:
    out = np.array(F.affine(pil, angle=angle, translate=[tx, ty], scale=scale, shear=[shear, 0.0],
                            interpolation=InterpolationMode.NEAREST, fill=fill))
    line("affine", [angle, tx, ty, scale, shear, fill], out)
for angle in [-5.9, 3.7, -14.2]:
    line("rotate", [angle, 1], np.array(F.rotate(pil, angle, interpolation=InterpolationMode.NEAREST, fill=1)))
for b, c, brightness_first in [(1.23, 0.71, 1), (0.64, 1.37, 0), (1.38, 1.29, 1), (0.77, 0.62, 0)]:
    out = pil
    for op in (["b", "c"] if brightness_first else ["c", "b"]):
        out = F.adjust_brightness(out, b) if op == "b" else F.adjust_contrast(out, c)
    line("jitter", [b, c, brightness_first], np.array(out))
t = F.to_tensor(pil)
for i, j, h, w in [(1, 2, 25, 24), (0, 0, 28, 26), (3, 1, 24, 27)]:
    out = F.resized_crop(t, i, j, h, w, [28, 28], interpolation=InterpolationMode.BILINEAR)
    line("resized_crop", [i, j, h, w], out[0].numpy() * 255)
