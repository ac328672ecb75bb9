#!/usr/bin/env python3
"""Writes synthetic query logs (Weft's generic JSON lines) for bench/querylog.sh.

  querylog-gen.py distinct  N OUT   every query a different statement shape
  querylog-gen.py recurring N OUT   about 2,000 shapes repeated with different literals

The schema has 300 tables of 8-20 columns in 10 schemas; statements are SELECTs with
filters, joins and aggregates, plus INSERT ... SELECT and CTAS. Standard library only;
seeded, so the same arguments give the same file.
"""
import json
import random
import sys

rng = random.Random(42)
SCHEMAS = [f"s{i}" for i in range(10)]
TABLES = []
for i in range(300):
    cols = ["id"] + [f"c{j}_{rng.choice(['name', 'amt', 'ts', 'code', 'email', 'qty'])}" for j in range(rng.randint(7, 19))]
    TABLES.append((rng.choice(SCHEMAS), f"t{i}", cols))
USERS = [f"user{i}@corp.example" for i in range(200)]
BASE = 1714521600  # 2024-05-01T00:00:00Z


def literal(r):
    k = r.randint(0, 3)
    if k == 0:
        return f"'{r.choice(['ann', 'bob', 'eve', 'joe'])}{r.randint(1, 10**6)}@example.com'"
    if k == 1:
        return str(r.randint(1, 10**9))
    if k == 2:
        return f"DATE '2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}'"
    return f"'{r.choice(['paid', 'open', 'void'])}'"


def shape(r):
    """A statement template: literals as {} slots."""
    s, t, cols = r.choice(TABLES)
    picked = r.sample(cols, k=min(len(cols), r.randint(1, 6)))
    kind = r.random()
    where = " AND ".join(f"a.{c} = {{}}" for c in r.sample(cols, k=r.randint(1, 3)))
    if kind < 0.55:
        return f"SELECT {', '.join('a.' + c for c in picked)} FROM {s}.{t} a WHERE {where}"
    if kind < 0.75:
        s2, t2, cols2 = r.choice(TABLES)
        c2 = r.choice(cols2)
        return (f"SELECT a.{picked[0]}, count(*), sum(b.{c2}) FROM {s}.{t} a "
                f"JOIN {s2}.{t2} b ON b.id = a.id WHERE {where} GROUP BY a.{picked[0]} "
                f"ORDER BY 2 DESC LIMIT {{}}")
    if kind < 0.85:
        return f"SELECT {', '.join(picked)} FROM {t} WHERE id IN ({{}}, {{}}, {{}}) -- app=web"
    if kind < 0.95:
        s2, t2, _ = r.choice(TABLES)
        return (f"INSERT INTO {s2}.{t2}_agg SELECT a.{picked[0]}, max(a.{picked[-1]}) "
                f"FROM {s}.{t} a WHERE {where} GROUP BY 1")
    return f"CREATE TABLE {s}.{t}_snap_{r.randint(0, 10**6)} AS SELECT {', '.join(picked)} FROM {s}.{t} WHERE id > {{}}"


def fill(template, r):
    return template.replace("{}", "\0").replace("\0", "{}").format(
        *[literal(r) for _ in range(template.count("{}"))])


def main():
    mode, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    templates = None
    if mode == "recurring":
        templates = []
        seen = set()
        while len(templates) < 2000:
            t = shape(rng)
            if t not in seen:
                seen.add(t)
                templates.append(t)
    with open(out, "w") as f:
        for i in range(n):
            if templates is None:
                # Distinct: the shape itself varies (an alias and a column per query).
                t = shape(rng).replace(" a ", f" a{i} ", 1).replace("a.", f"a{i}.")
                t = t.replace(f" a{i} JOIN", f" a{i} JOIN")
            else:
                t = rng.choice(templates)
            rec = {
                "id": f"q{i}",
                "query": fill(t, rng),
                "user": rng.choice(USERS),
                "start_time": BASE + i * 20,
                "database": "shop",
                "schema": rng.choice(SCHEMAS),
                "dialect": "postgres",
            }
            f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
