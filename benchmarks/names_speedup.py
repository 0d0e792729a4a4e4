"""The post's one-name-at-a-time GRU loop against the course's batched, packed GRU.

    python benchmarks/names_speedup.py            # the full comparison, about 5 minutes
    python benchmarks/names_speedup.py --json     # the same, plus one JSON line at the end

Both train on the post's split (all 20,070 rows, 10% stratified test, random_state=0)
in one process, so the speed-up is a ratio measured under the same conditions, and both
accuracies (with 95% intervals) sit on the protocol of the post's own figures.
"""

from __future__ import annotations

import argparse
import json
import random
import time

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from course_utils import seed_everything
from course_utils.encoding import (
    NAME_ALPHABET,
    NAME_VOCAB_SIZE,
    PAD,
    encode_name,
    length_batches,
    name_to_onehot,
    pad_batch,
)
from course_utils.evaluation import accuracy
from course_utils.names import load_names


class PostGRU(nn.Module):
    """The post's model: one-hot letters, 2-layer GRU, linear layer on output[-1]."""

    def __init__(self, hidden: int = 256, classes: int = 18):
        super().__init__()
        self.gru = nn.GRU(len(NAME_ALPHABET), hidden, num_layers=2)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, onehot: torch.Tensor) -> torch.Tensor:  # [letters, 1, 59]
        output, _ = self.gru(onehot)
        return self.fc(output[-1])


class NameGRU(nn.Module):
    """The course's model (notebook 06): embedding, packed 2-layer GRU, h_n[-1]."""

    def __init__(self, hidden: int = 256, classes: int = 18):
        super().__init__()
        self.embed = nn.Embedding(NAME_VOCAB_SIZE, 32, padding_idx=PAD)
        self.gru = nn.GRU(32, hidden, 2, batch_first=True, dropout=0.2)
        self.head = nn.Linear(hidden, classes)

    def forward(self, padded: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(
            self.embed(padded), lengths, batch_first=True, enforce_sorted=False
        )
        _, h_n = self.gru(packed)
        return self.head(h_n[-1])


def post_loop(names, labels, train_idx, test_idx, epochs):
    seed_everything(0)
    model = PostGRU()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    data = [(name_to_onehot(names[i]), torch.tensor([labels[i]])) for i in train_idx]
    start = time.perf_counter()
    for _ in range(epochs):
        random.shuffle(data)
        for onehot, label in data:
            loss = loss_fn(model(onehot), label)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    seconds = (time.perf_counter() - start) / epochs
    model.eval()
    with torch.no_grad():
        right = [model(name_to_onehot(names[i])).argmax().item() == labels[i] for i in test_idx]
    return seconds, accuracy(right)


def batches(indices, names, encoded, labels, size, generator=None):
    groups = length_batches([len(names[i]) for i in indices], size, generator=generator)
    for group in groups:
        batch = [indices[k] for k in group]
        padded, lengths = pad_batch([encoded[i] for i in batch])
        yield padded, lengths, torch.as_tensor(labels[batch])


def batched_loop(names, labels, train_idx, test_idx, epochs):
    seed_everything(0)
    encoded = [encode_name(name) for name in names]
    model = NameGRU()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    steps = epochs * -(-len(train_idx) // 128)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        for padded, lengths, target in batches(train_idx, names, encoded, labels, 128, generator):
            loss = loss_fn(model(padded, lengths), target)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
    seconds = (time.perf_counter() - start) / epochs
    model.eval()
    right = []
    with torch.no_grad():
        for padded, lengths, target in batches(test_idx, names, encoded, labels, 1024):
            right += (model(padded, lengths).argmax(dim=1) == target).tolist()
    return seconds, accuracy(right)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--post-epochs", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=7)
    args = parser.parse_args()

    pairs = load_names()
    languages = sorted({lang for _, lang in pairs})
    names = [name for name, _ in pairs]
    labels = np.array([languages.index(lang) for _, lang in pairs])
    train_idx, test_idx = train_test_split(
        np.arange(len(pairs)), test_size=0.1, stratify=labels, shuffle=True, random_state=0
    )
    post_s, post_acc = post_loop(names, labels, train_idx, test_idx, args.post_epochs)
    ours_s, ours_acc = batched_loop(names, labels, train_idx, test_idx, args.epochs)
    speedup = post_s / ours_s
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| loop | epochs | seconds per epoch | test accuracy |")
    print("|---|---|---|---|")
    print(f"| post: one name at a time | {args.post_epochs} | {post_s:.1f} | {post_acc} |")
    print(f"| course: batched, packed | {args.epochs} | {ours_s:.1f} | {ours_acc} |")
    print(f"speed-up per epoch: {speedup:.1f}x")
    if args.json:
        print(
            json.dumps(
                {
                    "post_seconds_per_epoch": post_s,
                    "post_accuracy": post_acc.value,
                    "seconds_per_epoch": ours_s,
                    "accuracy": ours_acc.value,
                    "speedup": speedup,
                }
            )
        )


if __name__ == "__main__":
    main()
