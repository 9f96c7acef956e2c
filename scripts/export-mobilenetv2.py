#!/usr/bin/env python3
"""Export a randomly initialised torchvision MobileNetV2 to ONNX, for benchmarking only.

Usage (from the repository root, with Debian's interpreter which has torch/torchvision/onnx):

    /usr/bin/python3 scripts/export-mobilenetv2.py [OUTPUT]

OUTPUT defaults to target/models/mobilenetv2.onnx (parent folders are created).
Nothing is downloaded: weights=None gives random (seeded) weights, which is fine for
timing but the predictions are meaningless. Do not commit the output.

Model: input "input", float32 [batch,3,224,224] (dynamic "batch");
output "logits", float32 [batch,1000] (raw logits, no softmax). Opset 17, legacy
TorchScript exporter, constant folding on.
"""

import inspect
import os
import sys

import onnx
import torch
import torchvision

OPSET = 17
DEFAULT_OUTPUT = os.path.join("target", "models", "mobilenetv2.onnx")


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__)
        return 0 if len(argv) == 2 else 2
    out = argv[1] if len(argv) == 2 else DEFAULT_OUTPUT
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)

    torch.manual_seed(0)
    try:
        model = torchvision.models.mobilenet_v2(weights=None)
    except TypeError:  # very old torchvision without the weights= API
        model = torchvision.models.mobilenet_v2(pretrained=False)
    model.eval()

    kwargs = dict(
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=OPSET,
        do_constant_folding=True,
        export_params=True,
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    dummy = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        torch.onnx.export(model, (dummy,), out, **kwargs)

    m = onnx.load(out)
    m.doc_string = "torchvision mobilenet_v2 with RANDOM weights (benchmark only)"
    p = m.metadata_props.add()
    p.key = "source"
    p.value = "torchvision mobilenet_v2(weights=None), torch.manual_seed(0), scripts/export-mobilenetv2.py"
    onnx.checker.check_model(m)
    onnx.save(m, out)

    print(f"wrote {out} ({os.path.getsize(out)} bytes, torch {torch.__version__}, "
          f"torchvision {torchvision.__version__}, opset {OPSET})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
