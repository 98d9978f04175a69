#!/usr/bin/env python3
"""The reference optimum: OR-Tools SimpleMinCostFlow.solve_max_flow_with_min_cost.

source → each mentee (capacity 1) → each listed mentor (capacity 1, unit cost
-(mentee_score + mentor_score)) → sink (capacity = the mentor's capacity). The
maximum flow is the largest number of matched mentees; among maximum flows the
minimum cost is the largest total score — the same objective as `tandem match
--objective optimal`. Scores are exact integers in units of the file's most
precise score (`common.read_instance`), so the optimum is exact. Prints one JSON
line: build and solve seconds (CSV reading excluded), pairs, total score.
"""
import json
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

from common import read_instance, write_assignment


def main(mentors_csv, edges_csv, out_csv):
    inst = read_instance(mentors_csv, edges_csv)
    n, m = inst.n_mentees, inst.n_mentors
    t0 = time.perf_counter()
    source, sink = n + m, n + m + 1
    weight = inst.units(inst.mentee_score) + inst.units(inst.mentor_score)
    tails = np.concatenate([np.full(n, source), inst.mentee, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + inst.mentor, np.full(m, sink)])
    caps = np.concatenate([np.ones(n, np.int64), np.ones(len(weight), np.int64), inst.capacity.astype(np.int64)])
    costs = np.concatenate([np.zeros(n, np.int64), -weight, np.zeros(m, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_node_supply(source, int(n))
    smcf.set_node_supply(sink, -int(n))
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    status = smcf.solve_max_flow_with_min_cost()
    solve = time.perf_counter() - t1
    if status != smcf.OPTIMAL:
        sys.exit(f"OR-Tools did not solve: status {status}")
    edge_arcs = arcs[n:n + len(weight)]
    flows = smcf.flows(edge_arcs)
    chosen = np.nonzero(flows)[0]
    write_assignment(out_csv, inst, chosen)
    print(json.dumps({
        "pairs": int(len(chosen)),
        "total_score": float(weight[chosen].sum()) / inst.unit,
        "build_seconds": build,
        "solve_seconds": solve,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:4])
