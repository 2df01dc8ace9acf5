#!/usr/bin/python3
"""Synthetic DNA motif task (after Yanez Sarmiento et al., ECML PKDD 2024) and a 1-D CNN trained on it.

Data (all drawn from numpy RandomState(seed), so the same seed gives the same sequences):
- Length L = 200, every base uniform over A, C, G, T. One-hot channels in the order A, C, G, T.
- Motifs (forward strand only): AP-1 'TGACTCA' and E-box 'CACGTG'.
- Class 1 ('motif'): 1-3 copies (uniform); each copy is one of the two motifs (uniform), placed at a uniform
  random start such that no two copies overlap.
- Decoys, in both classes with probability 0.5: one copy of a motif (uniform) with exactly one base substituted
  (uniform position, uniform different base), placed without overlapping a real copy. Because decoys are equally
  common in both classes they carry no label information: the net has to learn the exact motifs, and a good
  explanation should not light up the decoy.
- Clean ground truth: a sample is redrawn unless its full-motif occurrences (forward strand) are exactly the
  implanted copies (none for class 0). So background chance hits and decoy/junction accidents never occur.
- mask[i] = 1 at the positions of the implanted copies, 0 elsewhere (class 0: all zeros); decoy positions are
  in a separate decoy_mask. Classes are balanced; the order is shuffled.

Usage: tools/train/genomics.py [--seed 0] [--out data/models/genomics]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

L = 200
BASES = 'ACGT'
MOTIFS = {'AP-1': 'TGACTCA', 'E-box': 'CACGTG'}
CLASS_NAMES = ['no-motif', 'motif']


def _free_start(rng, length, taken):
    """A uniform start for a span of `length` that overlaps no span in `taken` (rejection sampling)."""
    while True:
        s = rng.randint(0, L - length + 1)
        if all(s + length <= a or b <= s for a, b in taken):
            return s


def _occurrences(seq):
    """All (start, end) of full motif matches on the forward strand."""
    found = set()
    for motif in MOTIFS.values():
        i = seq.find(motif)
        while i >= 0:
            found.add((i, i + len(motif)))
            i = seq.find(motif, i + 1)
    return found


def make_sample(rng, label):
    """One sequence as a string, its motif copies [(name, start)] and its decoy (sequence, start) or None."""
    names = list(MOTIFS)
    while True:
        seq = [BASES[b] for b in rng.randint(0, 4, L)]
        copies, spans = [], []
        for _ in range(rng.randint(1, 4) if label == 1 else 0):
            name = names[rng.randint(len(names))]
            s = _free_start(rng, len(MOTIFS[name]), spans)
            seq[s:s + len(MOTIFS[name])] = MOTIFS[name]
            copies.append((name, s))
            spans.append((s, s + len(MOTIFS[name])))
        decoy = None
        if rng.rand() < 0.5:
            motif = list(MOTIFS[names[rng.randint(len(names))]])
            pos = rng.randint(len(motif))
            motif[pos] = [b for b in BASES if b != motif[pos]][rng.randint(3)]
            s = _free_start(rng, len(motif), spans)
            seq[s:s + len(motif)] = motif
            decoy = (''.join(motif), s)
        seq = ''.join(seq)
        if _occurrences(seq) == set(spans):
            return seq, sorted(copies, key=lambda c: c[1]), decoy


def make_dataset(rng, n):
    """n samples, n/2 per class, shuffled: one-hot [n, 4, L] float32, labels [n], masks [n, L], metadata."""
    labels = np.array([1] * (n // 2) + [0] * (n - n // 2))[rng.permutation(n)]
    x = np.zeros((n, 4, L), np.float32)
    mask = np.zeros((n, L), np.float32)
    decoy_mask = np.zeros((n, L), np.float32)
    meta = []
    for i, label in enumerate(labels):
        seq, copies, decoy = make_sample(rng, label)
        x[i, [BASES.index(c) for c in seq], np.arange(L)] = 1
        for name, s in copies:
            mask[i, s:s + len(MOTIFS[name])] = 1
        if decoy:
            decoy_mask[i, decoy[1]:decoy[1] + len(decoy[0])] = 1
        meta.append((seq, copies, decoy))
    return x, labels.astype(np.int64), mask, decoy_mask, meta


class MotifCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(4, 32, 11, padding=5), nn.BatchNorm1d(32), nn.ReLU(), nn.MaxPool1d(4),  # 200 -> 50
            nn.Conv1d(32, 32, 5, padding=2), nn.ReLU(), nn.MaxPool1d(4),  # 50 -> 12
            nn.Flatten(), nn.Linear(32 * 12, 32), nn.ReLU(), nn.Linear(32, 2))

    def forward(self, x):
        return self.net(x)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(torch.from_numpy(x[i:i + 512])).argmax(1) for i in range(0, len(x), 512)])
    return float((pred.numpy() == y).mean())


def gradient_x_input_in_mask(model, x, y, mask):
    """Sanity check that the net uses the motifs: share of the positive gradient x input relevance of the
    'motif' logit that falls on motif positions, averaged over positive samples (motifs cover ~6% of positions)."""
    model.eval()
    xt = torch.from_numpy(x[y == 1]).requires_grad_(True)
    model(xt)[:, 1].sum().backward()
    r = (xt.grad * xt).detach().sum(1).clamp(min=0).numpy()  # [n, L]
    return float(((r * mask[y == 1]).sum(1) / r.sum(1)).mean())


def write_fasta(path, meta, labels):
    with open(path, 'w') as f:
        for i, ((seq, copies, decoy), label) in enumerate(zip(meta, labels)):
            motifs = ','.join('%s:%s@%d' % (n, MOTIFS[n], s) for n, s in copies) or '-'
            dec = '%s@%d' % decoy if decoy else '-'
            f.write('>seq%d label=%d class=%s motifs=%s decoy=%s\n' % (i, label, CLASS_NAMES[label], motifs, dec))
            for j in range(0, len(seq), 80):
                f.write(seq[j:j + 80] + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--train', type=int, default=20000)
    ap.add_argument('--test', type=int, default=4000)
    ap.add_argument('--out', default='data/models/genomics')
    args = ap.parse_args()
    common.seed_everything(args.seed)
    t0 = time.time()
    rng = np.random.RandomState(args.seed)
    xtr, ytr, _, _, _ = make_dataset(rng, args.train)
    xte, yte, mte, dte, meta = make_dataset(rng, args.test)
    t_data = time.time() - t0
    print('data: %d train, %d test, %.1fs' % (len(ytr), len(yte), t_data))

    model = MotifCnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    order_rng = np.random.RandomState(args.seed + 1)
    t1 = time.time()
    for epoch in range(args.epochs):
        model.train()
        perm = order_rng.permutation(len(xtr))
        total = 0.0
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(torch.from_numpy(xtr[idx])), torch.from_numpy(ytr[idx]))
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        print('epoch %2d loss %.4f train %.4f test %.4f' % (
            epoch + 1, total / len(perm), accuracy(model, xtr, ytr), accuracy(model, xte, yte)), flush=True)
    t_train = time.time() - t1
    train_acc, test_acc = accuracy(model, xtr, ytr), accuracy(model, xte, yte)

    # The shipped sample: the first 64 positives then the first 64 negatives of the test set.
    pick = np.concatenate([np.flatnonzero(yte == 1)[:64], np.flatnonzero(yte == 0)[:64]])
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
    np.save(os.path.join(args.out, 'mask.npy'), mte[pick])
    np.save(os.path.join(args.out, 'decoy_mask.npy'), dte[pick])
    np.save(os.path.join(args.out, 'logits.npy'), logits.astype(np.float32))
    write_fasta(os.path.join(args.out, 'sequences.fa'), [meta[i] for i in pick], y)
    with open(os.path.join(args.out, 'labels.txt'), 'w') as f:
        f.write('\n'.join(CLASS_NAMES) + '\n')
    print('ops:', ' '.join(common.op_list(onnx_path)))
    print('gradient x input: %.3f of positive relevance on motif positions (motifs cover %.3f)' % (
        gradient_x_input_in_mask(model, x, y, mte[pick]), float(mte[pick][y == 1].mean())))
    print('onnx vs torch rel.max.err %.2e' % err)
    print('RESULT seed=%d epochs=%d train_acc=%.4f test_acc=%.4f sample_acc=%.4f data_s=%.1f train_s=%.1f' % (
        args.seed, args.epochs, train_acc, test_acc, float((logits.argmax(1) == y).mean()), t_data, t_train))


if __name__ == '__main__':
    main()
