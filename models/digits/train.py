#!/usr/bin/env python3
"""Train and export EdgeInfer's bundled default model: an 8x8 handwritten-digit CNN.

Run from the repository root with Debian's interpreter (it has torch, sklearn, onnx):

    /usr/bin/python3 models/digits/train.py

All outputs are written next to this script (models/digits/). Nothing is downloaded:
the data set is sklearn's bundled load_digits() (1797 samples, 8x8, values 0..16).

The run is deterministic (fixed seeds, single thread, deterministic algorithms).
"""

import inspect
import json
import os
import random
import struct
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 0
TEST_SAMPLES = 360
CALIB_SAMPLES = 128
OPSET = 17
EPOCHS = 40
BATCH_SIZE = 64
LR = 1e-3
IMAGES_PER_CLASS = 2
LABELS = [str(i) for i in range(10)]
MIN_ACCURACY = 0.97

OUT_DIR = os.path.dirname(os.path.abspath(__file__))


class DigitsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * 4 * 4, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def load_data():
    digits = load_digits()
    x = (digits.images.astype(np.float32) / np.float32(16.0)).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    idx = np.arange(len(y))
    train_idx, test_idx = train_test_split(
        idx, test_size=TEST_SAMPLES, stratify=y, random_state=SEED, shuffle=True
    )
    # Calibration subset: drawn from the training samples only (never the test set).
    rng = np.random.RandomState(SEED)
    calib_idx = np.sort(rng.choice(train_idx, size=CALIB_SAMPLES, replace=False))
    assert not set(calib_idx.tolist()) & set(test_idx.tolist())
    return x, y, train_idx, test_idx, calib_idx


def train(model, x_train, y_train):
    xt = torch.from_numpy(x_train)
    yt = torch.from_numpy(y_train)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    n = len(yt)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for start in range(0, n, BATCH_SIZE):
            b = perm[start:start + BATCH_SIZE]
            opt.zero_grad()
            loss = loss_fn(model(xt[b]), yt[b])
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1:3d}  train loss {total / n:.4f}")


def export_onnx(model, path):
    kwargs = dict(
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=OPSET,
        do_constant_folding=True,
        export_params=True,
    )
    # Newer torch defaults to the dynamo exporter; ask for the legacy TorchScript one.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    dummy = torch.zeros(1, 1, 8, 8, dtype=torch.float32)
    torch.onnx.export(model, (dummy,), path, **kwargs)

    m = onnx.load(path)
    m.doc_string = "8x8 handwritten digit classifier (raw logits for labels 0..9)"
    m.producer_name = m.producer_name or "pytorch"
    del m.metadata_props[:]
    for k, v in (
        ("labels", ",".join(LABELS)),
        ("source", "sklearn load_digits 8x8, trained by models/digits/train.py"),
    ):
        p = m.metadata_props.add()
        p.key = k
        p.value = v
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, path)
    onnx.checker.check_model(path)


def write_png_gray8(path, pixels):
    """Write an 8-bit grayscale PNG (PIL when available, else by hand)."""
    try:
        from PIL import Image

        Image.fromarray(pixels, mode="L").save(path, format="PNG", optimize=False)
        return
    except ImportError:
        pass
    h, w = pixels.shape

    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    with open(path, "wb") as f:
        f.write(png)


def write_images(model, test_x, test_y):
    """Write IMAGES_PER_CLASS PNGs per class from the held-out test set.

    Only samples the model classifies correctly both from the float input and from the
    8-bit PNG pixels (/255) are picked (the first ones in test order), so the images can
    be used as end-to-end "predicts the right label" fixtures.
    """
    quantized = np.rint(test_x * 255.0).clip(0, 255).astype(np.uint8)
    with torch.no_grad():
        pred_float = model(torch.from_numpy(test_x)).argmax(dim=1).numpy()
        pred_png = model(torch.from_numpy(quantized.astype(np.float32) / np.float32(255.0))).argmax(dim=1).numpy()
    usable = (pred_float == test_y) & (pred_png == test_y)
    img_dir = os.path.join(OUT_DIR, "images")
    os.makedirs(img_dir, exist_ok=True)
    for name in os.listdir(img_dir):
        if name.endswith(".png") or name == "labels.csv":
            os.remove(os.path.join(img_dir, name))
    rows = []
    for label in range(10):
        picks = np.nonzero((test_y == label) & usable)[0][:IMAGES_PER_CLASS]
        assert len(picks) == IMAGES_PER_CLASS, f"not enough correctly classified {label}s"
        for i in picks:
            pixels = quantized[i, 0]
            name = f"digit-{label}-{i}.png"
            write_png_gray8(os.path.join(img_dir, name), pixels)
            rows.append((name, label))
    with open(os.path.join(img_dir, "labels.csv"), "w", newline="\n") as f:
        f.write("file,label\n")
        for name, label in rows:
            f.write(f"{name},{label}\n")
    return len(rows)


def main():
    seed_everything(SEED)
    x, y, train_idx, test_idx, calib_idx = load_data()
    x_train, y_train = x[train_idx], y[train_idx]
    test_x, test_y = np.ascontiguousarray(x[test_idx]), np.ascontiguousarray(y[test_idx])
    calib_x = np.ascontiguousarray(x[calib_idx])

    model = DigitsCnn()
    train(model, x_train, y_train)
    model.eval()
    with torch.no_grad():
        test_logits = model(torch.from_numpy(test_x)).numpy().astype(np.float32)
    acc = float((test_logits.argmax(axis=1) == test_y).mean())
    print(f"test accuracy {acc:.4f} on {len(test_y)} samples")
    if acc < MIN_ACCURACY:
        raise SystemExit(f"test accuracy {acc:.4f} < {MIN_ACCURACY}")

    export_onnx(model, os.path.join(OUT_DIR, "digits.onnx"))

    np.save(os.path.join(OUT_DIR, "test_x.npy"), test_x.astype("<f4"))
    np.save(os.path.join(OUT_DIR, "test_y.npy"), test_y.astype("<i8"))
    np.save(os.path.join(OUT_DIR, "calib_x.npy"), calib_x.astype("<f4"))
    np.save(os.path.join(OUT_DIR, "test_logits.npy"), np.ascontiguousarray(test_logits).astype("<f4"))
    with open(os.path.join(OUT_DIR, "labels.txt"), "w", newline="\n") as f:
        f.write("\n".join(LABELS) + "\n")
    n_images = write_images(model, test_x, test_y)

    metrics = {
        "test_accuracy": round(acc, 6),
        "test_samples": int(len(test_y)),
        "calibration_samples": int(len(calib_x)),
        "torch_version": torch.__version__,
        "opset": OPSET,
    }
    with open(os.path.join(OUT_DIR, "metrics.json"), "w", newline="\n") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    print(f"wrote digits.onnx, fixtures and {n_images} images to {OUT_DIR}")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
