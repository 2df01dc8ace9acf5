#!/usr/bin/python3
"""A small conv classifier on Fashion-MNIST (Debian package dataset-fashion-mnist), exported for `plrp`.

Input: [n, 1, 28, 28] float32, pixel / 255, so in [0, 1]; no mean/std normalisation (keeps ZBox bounds 0..1).
Shipped sample: 16 test images, sample i is the (i // 10)-th test image of class i % 10 (classes 0..9, then 0..5),
with mask = (pixel > 0.1) as a simple object mask (the background of Fashion-MNIST is 0).

Usage: tools/train/fashion_mnist.py [--seed 0] [--epochs 4] [--out data/models/fashion]
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DATA = '/usr/share/datasets/fashion-mnist'
CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
               'Ankle boot']


def read_idx(name, offset, shape):
    """IDX files: a big-endian header (16 bytes for images, 8 for labels), then uint8 data."""
    with gzip.open(os.path.join(DATA, name)) as f:
        data = np.frombuffer(f.read(), np.uint8, offset=offset)
    return data.reshape(shape)


def load(kind):
    labels = read_idx('%s-labels-idx1-ubyte.gz' % kind, 8, (-1,)).astype(np.int64)
    images = read_idx('%s-images-idx3-ubyte.gz' % kind, 16, (-1, 1, 28, 28)).astype(np.float32) / 255
    assert len(images) == len(labels)
    return images, labels


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),  # 28 -> 14
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
            # A global average pool here reached only ~84% after 3 epochs; keeping the 7x7 layout is what
            # gets past 88% within a few epochs (and gives the explanation a spatial classifier).
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 10))

    def forward(self, x):
        return self.net(x)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(torch.from_numpy(x[i:i + 1000])).argmax(1) for i in range(0, len(x), 1000)])
    return float((pred.numpy() == y).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--out', default='data/models/fashion')
    args = ap.parse_args()
    common.seed_everything(args.seed)
    xtr, ytr = load('train')
    xte, yte = load('t10k')
    print('data: %d train, %d test' % (len(ytr), len(yte)))

    model = FashionCnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.epochs * ((len(xtr) + 127) // 128))
    loss_fn = nn.CrossEntropyLoss()
    order_rng = np.random.RandomState(args.seed + 1)
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = order_rng.permutation(len(xtr))
        total = 0.0
        for i in range(0, len(perm), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(model(torch.from_numpy(xtr[idx])), torch.from_numpy(ytr[idx]))
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        print('epoch %d loss %.4f test %.4f (%.0fs)' % (
            epoch + 1, total / len(perm), accuracy(model, xte, yte), time.time() - t0), flush=True)
    t_train = time.time() - t0
    train_acc, test_acc = accuracy(model, xtr, ytr), accuracy(model, xte, yte)

    pick = np.array([np.flatnonzero(yte == i % 10)[i // 10] for i in range(16)])
    x, y = xte[pick], yte[pick]
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).numpy()
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, 'model.onnx')
    common.export_onnx(model, torch.from_numpy(x[:2]), onnx_path)
    err = common.check_export(onnx_path, x, logits)
    assert err < 1e-4, 'ONNX export does not reproduce PyTorch: %g' % err
    np.save(os.path.join(args.out, 'input.npy'), x)
    np.save(os.path.join(args.out, 'labels.npy'), y)
    np.save(os.path.join(args.out, 'mask.npy'), (x[:, 0] > 0.1).astype(np.float32))
    np.save(os.path.join(args.out, 'logits.npy'), logits.astype(np.float32))
    np.save(os.path.join(args.out, 'indices.npy'), pick.astype(np.int64))
    with open(os.path.join(args.out, 'labels.txt'), 'w') as f:
        f.write('\n'.join(CLASS_NAMES) + '\n')
    print('ops:', ' '.join(common.op_list(onnx_path)))
    print('onnx vs torch rel.max.err %.2e' % err)
    print('RESULT seed=%d epochs=%d train_acc=%.4f test_acc=%.4f sample_acc=%.4f train_s=%.1f' % (
        args.seed, args.epochs, train_acc, test_acc, float((logits.argmax(1) == y).mean()), t_train))


if __name__ == '__main__':
    main()
