#!/usr/bin/env python3
"""scipy.optimize.linear_sum_assignment with each mentor copied once per place.

A dense mentees × places matrix: listed pairs cost -(score + B), where B exceeds
any total score so that more matched mentees always win; unlisted cells cost 0
(no pair). Only where the matrix fits in memory. Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from common import read_instance, write_assignment


def main(mentors_csv, edges_csv, out_csv):
    inst = read_instance(mentors_csv, edges_csv)
    t0 = time.perf_counter()
    weight = inst.mentee_score + inst.mentor_score
    big = float(weight.sum()) + 1.0
    first_slot = np.concatenate([[0], np.cumsum(inst.capacity)[:-1]])
    slots = int(inst.capacity.sum())
    cost = np.zeros((inst.n_mentees, max(slots, inst.n_mentees)))
    for c in range(int(inst.capacity.max(initial=0))):
        has = inst.capacity[inst.mentor] > c
        cost[inst.mentee[has], first_slot[inst.mentor[has]] + c] = -(weight[has] + big)
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    rows, cols = linear_sum_assignment(cost)
    solve = time.perf_counter() - t1
    slot_owner = np.repeat(np.arange(inst.n_mentors), inst.capacity)
    edge_of = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(inst.mentee, inst.mentor))}
    chosen = [edge_of[(int(r), int(slot_owner[c]))] for r, c in zip(rows, cols) if c < slots and cost[r, c] < 0]
    write_assignment(out_csv, inst, chosen)
    print(json.dumps({"pairs": len(chosen), "build_seconds": build, "solve_seconds": solve}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
