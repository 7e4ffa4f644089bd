# Run with Debian's python3-torchvision: /usr/bin/python3 torchvision_rotate.py > torchvision-rotate.txt
# Prints torchvision's RandomRotation output (NEAREST, the default; fill in PIL units) for a fixed
# 28x28 pattern, for mnistlab's parity test.
import numpy as np, torchvision, PIL
from PIL import Image
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
img = np.array([[(x * 7 + y * 13 + (x * y) % 17) % 256 for x in range(28)] for y in range(28)], dtype=np.uint8)
pil = Image.fromarray(img, mode="L")
print("# torchvision", torchvision.__version__, "PIL", PIL.__version__)
for angle in [4.0, -4.0, 3.3, 10.0, -15.0, 45.0, 90.0]:
    for mode in [InterpolationMode.NEAREST, InterpolationMode.BILINEAR]:
        out = np.array(F.rotate(pil, angle, interpolation=mode, fill=1))
        print(angle, mode.value, " ".join(str(v) for v in out.flatten()))
