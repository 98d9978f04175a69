"""Reading benchmark instances and checking assignments, shared by the peer scripts."""
import csv
from dataclasses import dataclass

import numpy as np


@dataclass
class Instance:
    mentor_ids: list
    mentee_ids: list
    capacity: np.ndarray
    mentee: np.ndarray   # per edge
    mentor: np.ndarray   # per edge
    mentee_score: np.ndarray
    mentor_score: np.ndarray
    decimals: int = 0  # the most decimal places any score has

    @property
    def unit(self):
        return 10 ** self.decimals

    def units(self, scores):
        """Scores as exact whole numbers of 10^-decimals (the files hold at most 9 places)."""
        return np.rint(scores * self.unit).astype(np.int64)

    @property
    def n_mentees(self):
        return len(self.mentee_ids)

    @property
    def n_mentors(self):
        return len(self.mentor_ids)


def read_instance(mentors_csv, edges_csv):
    with open(mentors_csv) as f:
        rows = list(csv.reader(f))[1:]
    mentor_ids = [r[0] for r in rows]
    mentor_index = {r: j for j, r in enumerate(mentor_ids)}
    capacity = np.array([int(r[1]) for r in rows], dtype=np.int64)
    mentee_index = {}
    mentee_ids = []
    mentee, mentor, a, b = [], [], [], []
    decimals = 0
    with open(edges_csv) as f:
        next(f)
        for line in f:
            e, r, s1, s2 = line.rstrip("\n").split(",")
            for text in (s1, s2):
                dot = text.find(".")
                if dot >= 0:
                    decimals = max(decimals, len(text.rstrip("0")) - dot - 1)
            i = mentee_index.get(e)
            if i is None:
                i = mentee_index[e] = len(mentee_ids)
                mentee_ids.append(e)
            mentee.append(i)
            mentor.append(mentor_index[r])
            a.append(float(s1))
            b.append(float(s2))
    return Instance(mentor_ids, mentee_ids, capacity, np.array(mentee), np.array(mentor),
                    np.array(a), np.array(b), decimals)


def write_assignment(path, inst, chosen_edges):
    with open(path, "w") as f:
        f.write("mentee,mentor\n")
        f.write("".join(f"{inst.mentee_ids[inst.mentee[k]]},{inst.mentor_ids[inst.mentor[k]]}\n"
                        for k in chosen_edges))


def read_assignment(path, inst):
    """The chosen edge index per mentee (-1 when unmatched)."""
    mentee_index = {e: i for i, e in enumerate(inst.mentee_ids)}
    mentor_index = {r: j for j, r in enumerate(inst.mentor_ids)}
    edge_of = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(inst.mentee, inst.mentor))}
    chosen = np.full(inst.n_mentees, -1, dtype=np.int64)
    with open(path) as f:
        next(f)
        for line in f:
            e, r = line.rstrip("\n").split(",")
            chosen[mentee_index[e]] = edge_of[(mentee_index[e], mentor_index[r])]
    return chosen


def check(inst, chosen):
    """(pairs, total score in units, blocking pairs, capacity respected) of an assignment.

    Scores are compared and added as exact whole units of 10^-decimals, never as floats.
    A blocking pair is an edge not chosen where the mentee is unmatched or strictly
    prefers it, and the mentor has a free place or strictly prefers this mentee to
    its least-preferred current one (ties never block).
    """
    mentee_score, mentor_score = inst.units(inst.mentee_score), inst.units(inst.mentor_score)
    matched = chosen >= 0
    edges = chosen[matched]
    load = np.bincount(inst.mentor[edges], minlength=inst.n_mentors)
    worst = np.full(inst.n_mentors, np.iinfo(np.int64).max)
    np.minimum.at(worst, inst.mentor[edges], mentor_score[edges])
    current = np.full(inst.n_mentees, np.iinfo(np.int64).min)
    current[matched] = mentee_score[edges]
    cur_of_edge = current[inst.mentee]
    is_chosen = np.zeros(len(inst.mentee), dtype=bool)
    is_chosen[edges] = True
    mentee_wants = ~is_chosen & (mentee_score > cur_of_edge)
    cap = inst.capacity[inst.mentor]
    mentor_wants = (cap > 0) & ((load[inst.mentor] < cap) | (mentor_score > worst[inst.mentor]))
    blocking = int(np.count_nonzero(mentee_wants & mentor_wants))
    total = int((mentee_score[edges] + mentor_score[edges]).sum())
    return int(matched.sum()), total, blocking, bool((load <= inst.capacity).all())
