#!/usr/bin/python3
"""PyTorch replica of an mnistlab training run, for side-by-side speed measurements.

Run by `./mnistlab bench --against-pytorch`, which writes a job file (the resolved model spec's
layers, the recipe, the data directory) and reads one JSON object per line from stdout:
{"params": N, "torch": "..."} first, then one object per epoch. Two flavours:

  seed   as the seed notebooks train: a torchvision DataLoader over PIL images with per-sample
         transforms (RandomRotation, ToTensor, Normalize), num_workers=0 as on a CPU
  tuned  tensors in memory, the rotation done for the whole batch at once (affine_grid +
         grid_sample), no per-sample Python work

Both use the same architecture (built from mnistlab's layer list), batch size, optimizer,
OneCycle schedule stepped per batch, rotation (bilinear, fill 0), normalization and thread count.
Initialization is PyTorch's default.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path, offset):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(data_dir, limit):
    def images(name):
        return read_idx(f"{data_dir}/{name}", 16).reshape(-1, 28, 28)

    def labels(name):
        return read_idx(f"{data_dir}/{name}", 8).astype(np.int64)

    x_train, y_train = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    return x_train, y_train, images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")


class SqueezeExcite(nn.Module):
    def __init__(self, channels, reduction, bias):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.down = nn.Conv2d(channels, hidden, 1, bias=bias)
        self.up = nn.Conv2d(hidden, channels, 1, bias=bias)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.up(F.relu(self.down(s))))


def build(layers, input_shape):
    """nn.Sequential from mnistlab's resolved layer list; returns it and its head kind."""
    modules, shape = [], list(input_shape)
    head = "logits"
    for layer in layers:
        kind = layer["type"]
        c = shape[0]
        if kind == "conv":
            m = nn.Conv2d(c, layer["out"], layer["kernel"], layer["stride"], layer["padding"],
                          layer["dilation"], groups=layer.get("groups", 1), bias=layer["bias"])
        elif kind == "batchnorm":
            m = nn.BatchNorm2d(c)
        elif kind == "relu":
            m = nn.ReLU()
        elif kind == "dropout":
            m = nn.Dropout(layer["p"])
        elif kind == "maxpool":
            m = nn.MaxPool2d(layer["kernel"], layer["stride"])
        elif kind == "avgpool":
            m = nn.AvgPool2d(layer["kernel"], layer["stride"])
        elif kind == "gap":
            m = nn.AdaptiveAvgPool2d(1)
        elif kind == "flatten":
            m = nn.Flatten()
        elif kind == "linear":
            features = int(np.prod(shape))
            m = nn.Sequential(nn.Flatten(), nn.Linear(features, layer["units"], bias=layer["bias"]))
        elif kind == "se":
            m = SqueezeExcite(c, layer["reduction"], layer["bias"])
        elif kind == "logsoftmax":
            head = "log_probabilities"
            continue
        elif kind == "softmax":
            head = "probabilities"
            continue
        else:
            raise SystemExit(f"pytorch_reference.py: layer type {kind!r} is not replicated")
        modules.append(m)
        with torch.no_grad():  # the shape so far (eval mode: BatchNorm on a 1×1 map needs it)
            shape = list(nn.Sequential(*modules).eval()(torch.zeros(1, *input_shape)).shape[1:])
    return nn.Sequential(*modules), head


def log_probabilities(model, head, x):
    out = model(x).flatten(1)
    if head == "log_probabilities":
        return out
    if head == "probabilities":
        return torch.log(out.clamp_min(1e-12))
    return F.log_softmax(out, dim=1)


def optimizer_and_schedule(model, job, steps_per_epoch):
    o, s = job["optimizer"], job["schedule"]
    if o["type"] != "sgd":
        raise SystemExit(f"pytorch_reference.py: optimizer {o['type']!r} is not replicated")
    opt = torch.optim.SGD(model.parameters(), lr=o["lr"], momentum=o["momentum"],
                          nesterov=o["nesterov"], weight_decay=o["weight_decay"])
    if s["type"] == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=s["max_lr"], total_steps=job["epochs"] * steps_per_epoch,
            pct_start=s["pct_start"], anneal_strategy=s["anneal"], div_factor=s["div_factor"],
            final_div_factor=s["final_div_factor"], cycle_momentum=s["cycle_momentum"],
            base_momentum=s["base_momentum"], max_momentum=s["max_momentum"])
    elif s["type"] == "none":
        sched = None
    else:
        raise SystemExit(f"pytorch_reference.py: schedule {s['type']!r} is not replicated")
    return opt, sched


def seed_style_batches(x, y, job, mean, std):
    """The seed notebooks' input pipeline: PIL images, per-sample transforms, a DataLoader."""
    from PIL import Image
    from torchvision import transforms
    from torchvision.transforms import InterpolationMode

    steps = [transforms.RandomRotation((-job["rotation"], job["rotation"]),
                                       interpolation=InterpolationMode.BILINEAR, fill=0)]
    transform = transforms.Compose(
        ([steps[0]] if job["rotation"] > 0 else []) + [transforms.ToTensor(), transforms.Normalize((mean,), (std,))])

    class Digits(torch.utils.data.Dataset):
        def __len__(self):
            return len(x)

        def __getitem__(self, i):
            return transform(Image.fromarray(x[i], mode="L")), int(y[i])

    loader = torch.utils.data.DataLoader(Digits(), batch_size=job["batch_size"], shuffle=True,
                                         num_workers=0)
    return lambda epoch: iter(loader)


def tuned_batches(x, y, job, mean, std):
    """Tensors in memory; the rotation is one affine_grid + grid_sample per batch."""
    images = torch.from_numpy(x.copy()).float().div_(255).unsqueeze(1)
    labels = torch.from_numpy(y.copy())
    batch, degrees = job["batch_size"], job["rotation"]

    def epoch_batches(epoch):
        order = torch.randperm(len(images))
        for start in range(0, len(images), batch):
            idx = order[start:start + batch]
            xb = images[idx]
            if degrees > 0:
                angle = (torch.rand(len(idx)) * 2 - 1) * math.radians(degrees)
                cos, sin = torch.cos(angle), torch.sin(angle)
                theta = torch.zeros(len(idx), 2, 3)
                theta[:, 0, 0], theta[:, 0, 1], theta[:, 1, 0], theta[:, 1, 1] = cos, -sin, sin, cos
                grid = F.affine_grid(theta, list(xb.shape), align_corners=False)
                xb = F.grid_sample(xb, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
            yield (xb - mean) / std, labels[idx]

    return epoch_batches


def main():
    job = json.load(open(sys.argv[1]))
    torch.set_num_threads(job["threads"])
    torch.manual_seed(job["seed"])
    np.random.seed(job["seed"])
    mean, std = job["normalization"]["mean"], job["normalization"]["std"]
    x_train, y_train, x_test, y_test = load(job["data_dir"], job["limit"])
    model, head = build(job["layers"], job["input"])
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(json.dumps({"params": params, "torch": torch.__version__, "flavour": job["flavour"],
                      "threads": torch.get_num_threads()}), flush=True)
    batches = (seed_style_batches if job["flavour"] == "seed" else tuned_batches)(
        x_train, y_train, job, mean, std)
    steps_per_epoch = math.ceil(len(x_train) / job["batch_size"])
    opt, sched = optimizer_and_schedule(model, job, steps_per_epoch)
    test_x = (torch.from_numpy(x_test.copy()).float().div_(255).unsqueeze(1) - mean) / std
    test_y = torch.from_numpy(y_test.copy())
    smoothing = job.get("label_smoothing", 0.0)
    # mnistlab's ema_decay: an average of the weights and BatchNorm buffers, updated every step,
    # is what gets tested.
    decay = job.get("ema_decay", 0.0)
    averaged = None if decay == 0 else torch.optim.swa_utils.AveragedModel(
        model, avg_fn=lambda avg, new, n: decay * avg + (1 - decay) * new, use_buffers=True)
    tested = model if averaged is None else averaged
    # The operators of the first batches of epoch 2, for bench/op_profile.py (TrainingProfile).
    trace = job.get("trace")
    started = time.perf_counter()
    streak = 0
    for epoch in range(1, job["epochs"] + 1):
        model.train()
        t0 = time.perf_counter()
        seen, loss_sum, correct = 0, 0.0, 0
        for i, (xb, yb) in enumerate(batches(epoch)):
            if trace and epoch == 2 and i == 0:
                profiler = torch.autograd.profiler.profile(record_shapes=True)
                profiler.__enter__()
            if trace and epoch == 2 and i == trace["batches"]:
                profiler.__exit__(None, None, None)
                profiler.export_chrome_trace(trace["file"])
            opt.zero_grad(set_to_none=True)
            logp = log_probabilities(model, head, xb)
            loss = F.nll_loss(logp, yb) if smoothing == 0 else (
                (1 - smoothing) * F.nll_loss(logp, yb) - smoothing * logp.mean(1).mean())
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            if averaged is not None:
                averaged.update_parameters(model)
            # Running loss and accuracy as mnistlab reports them (a host sync per batch, as there).
            loss_sum += loss.item() * len(yb)
            correct += (logp.argmax(1) == yb).sum().item()
            seen += len(yb)
        train_seconds = time.perf_counter() - t0
        tested.eval()
        test_correct, test_loss = 0, 0.0
        with torch.no_grad():
            for s in range(0, len(test_x), 1000):
                logp = log_probabilities(tested, head, test_x[s:s + 1000])
                test_loss += F.nll_loss(logp, test_y[s:s + 1000], reduction="sum").item()
                test_correct += (logp.argmax(1) == test_y[s:s + 1000]).sum().item()
        test_acc = 100.0 * test_correct / len(test_x)
        print(json.dumps({
            "epoch": epoch, "train_seconds": train_seconds, "images_per_second": seen / train_seconds,
            "train_loss": loss_sum / seen, "train_acc": 100.0 * correct / seen,
            "test_loss": test_loss / len(test_x), "test_acc": test_acc,
            "wall_seconds": time.perf_counter() - started}), flush=True)
        streak = streak + 1 if job.get("stop_at", 0) and test_acc >= job["stop_at"] else 0
        if job.get("stop_at", 0) and streak >= job.get("patience", 1):
            break


if __name__ == "__main__":
    main()
