#!/usr/bin/env python3
"""The Python `matching` package's HospitalResident (resident-optimal), as a peer for `stable`.

Residents are mentees ranking their listed mentors by mentee_score; hospitals are
mentors ranking the mentees who listed them by mentor_score, with capacities. Ties
are broken by index, as in tandem. Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
from matching.games import HospitalResident

from common import read_instance, write_assignment


def main(mentors_csv, edges_csv, out_csv):
    inst = read_instance(mentors_csv, edges_csv)
    t0 = time.perf_counter()
    order = np.lexsort((inst.mentor, -inst.mentee_score, inst.mentee))
    resident_prefs = {}
    for k in order:
        resident_prefs.setdefault(int(inst.mentee[k]), []).append(int(inst.mentor[k]))
    order = np.lexsort((inst.mentee, -inst.mentor_score, inst.mentor))
    hospital_prefs = {j: [] for j in range(inst.n_mentors)}
    for k in order:
        hospital_prefs[int(inst.mentor[k])].append(int(inst.mentee[k]))
    capacities = {j: int(c) for j, c in enumerate(inst.capacity)}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    solution = game.solve(optimal="resident")
    solve = time.perf_counter() - t1
    edge_of = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(inst.mentee, inst.mentor))}
    chosen = [edge_of[(resident.name, hospital.name)]
              for hospital, residents in solution.items() for resident in residents]
    write_assignment(out_csv, inst, chosen)
    print(json.dumps({"pairs": len(chosen), "build_seconds": build, "solve_seconds": solve}))


if __name__ == "__main__":
    # The package deep-copies its object graph of residents and hospitals, which recurses
    # once per reference: give it the stack and recursion depth that needs.
    import threading
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1 << 30)
    failure = []

    def guarded():
        try:
            main(*sys.argv[1:4])
        except BaseException as e:  # reported below, with a non-zero exit
            failure.append(e)

    worker = threading.Thread(target=guarded)
    worker.start()
    worker.join()
    if failure:
        raise SystemExit(f"matching_hr failed: {failure[0]!r}")
