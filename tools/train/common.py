"""Shared helpers for the demo-model training scripts: seeding, ONNX export, an independent ONNX check.

The check runs the exported graph with a small numpy interpreter (onnxruntime is not installed and
onnx 1.12 has no reference evaluator) so that a broken export is caught here, not later in `plrp`.
"""
import os
import random

import numpy as np
import onnx
import onnx.numpy_helper
import torch


def seed_everything(seed):
    """Same seed -> same data, same initial weights, same batch order (CPU, one thread)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # other jobs share the two cores; also keeps float reductions in one order
    torch.use_deterministic_algorithms(True)


def export_onnx(model, example, path):
    """Opset 13, dynamic batch axis 'n', input 'input', output 'logits' (same as the shared fixtures)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.eval()
    torch.onnx.export(model, example, path, opset_version=13, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'n'}, 'logits': {0: 'n'}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def _pads(node, rank):
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    pads = list(attrs.get('pads', [0] * (2 * rank)))
    return attrs, pads


def _conv(x, w, b, attrs, pads):
    """Direct convolution (1-D or 2-D), stride/dilation/group 1 only: enough for our two models."""
    rank = w.ndim - 2
    assert attrs.get('group', 1) == 1 and all(s == 1 for s in attrs.get('strides', [1] * rank))
    assert all(d == 1 for d in attrs.get('dilations', [1] * rank))
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + rank]) for i in range(rank)])
    k = w.shape[2:]
    out = [x.shape[2 + i] - k[i] + 1 for i in range(rank)]
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for off in np.ndindex(*k):
        sl = tuple(slice(off[i], off[i] + out[i]) for i in range(rank))
        y += np.einsum('nc...,oc->no...', x[(slice(None), slice(None)) + sl], w[(slice(None), slice(None)) + off])
    if b is not None:
        y += b.reshape((1, -1) + (1,) * rank)
    return y


def _maxpool(x, attrs, pads):
    k = attrs['kernel_shape']
    s = attrs.get('strides', k)
    assert list(k) == list(s) and not any(pads), 'only non-overlapping unpadded pooling is needed here'
    rank = len(k)
    out = [x.shape[2 + i] // k[i] for i in range(rank)]
    x = x[(slice(None), slice(None)) + tuple(slice(0, out[i] * k[i]) for i in range(rank))]
    shape = list(x.shape[:2])
    for i in range(rank):
        shape += [out[i], k[i]]
    return x.reshape(shape).max(axis=tuple(3 + 2 * i for i in range(rank)))


def run_onnx_numpy(path, x):
    """Evaluates the exported graph in float64 with numpy; supports the ops our two models export to."""
    model = onnx.load(path)
    env = {t.name: onnx.numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x.astype(np.float64)
    for node in model.graph.node:
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == 'Conv':
            attrs, pads = _pads(node, ins[1].ndim - 2)
            y = _conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, attrs, pads)
        elif op == 'BatchNormalization':
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            shape = (1, -1) + (1,) * (ins[0].ndim - 2)
            scale, bias, mean, var = (v.reshape(shape) for v in ins[1:5])
            y = (ins[0] - mean) / np.sqrt(var + attrs.get('epsilon', 1e-5)) * scale + bias
        elif op == 'Relu':
            y = np.maximum(ins[0], 0)
        elif op == 'MaxPool':
            attrs, pads = _pads(node, ins[0].ndim - 2)
            y = _maxpool(ins[0], attrs, pads)
        elif op == 'GlobalAveragePool':
            y = ins[0].mean(axis=tuple(range(2, ins[0].ndim)), keepdims=True)
        elif op == 'Flatten':
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif op == 'Gemm':
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            w = ins[1].T if attrs.get('transB', 0) else ins[1]
            y = ins[0] @ w + (ins[2] if len(ins) > 2 else 0)
        else:
            raise NotImplementedError('numpy check does not know op ' + op)
        env[node.output[0]] = y
    return env[model.graph.output[0].name]


def check_export(path, x, torch_logits):
    """Returns max|onnx - torch| / max|torch| over the saved samples; the caller asserts it is small."""
    got = run_onnx_numpy(path, x)
    return float(np.abs(got - torch_logits).max() / np.abs(torch_logits).max())


def op_list(path):
    return [n.op_type for n in onnx.load(path).graph.node]
