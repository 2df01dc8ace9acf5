"""The benchmark networks: torchvision VGG-16 and ResNet-50 with seeded random weights, eval mode.

Both the ONNX export (for our engine) and the PyTorch/Zennit timing build them here, so they are
the same networks. Weights are random (no download); BatchNorm statistics are left at their
initial values (mean 0, var 1), which does not change the cost of anything we time.
"""
import torch
import torchvision

SEED = 2024
MODELS = ("vgg16", "resnet50")


def build(name):
    torch.manual_seed(SEED)
    if name == "vgg16":
        model = torchvision.models.vgg16(weights=None)
    elif name == "resnet50":
        model = torchvision.models.resnet50(weights=None)
    else:
        raise ValueError(name)
    return model.eval()
