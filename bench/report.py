"""Joins the C, Go and RSS benchmark lines by file; writes bench.json and
bench.md with two tables: the realistic inputs (named on the command line)
and the goldens."""
import json
import os
import sys

out, bigs = sys.argv[1], set(sys.argv[2:])
load = lambda p: {r["file"]: r for r in map(json.loads, open(os.path.join(out, p)))}
c, go, rss = load("c.jsonl"), load("go.jsonl"), load("rss.jsonl")
rows = []
for f in c:
    if f not in go:
        continue
    rows.append({
        "file": f, "bytes": c[f]["bytes"], "realistic": f in bigs,
        "c_load_ns": c[f]["decode_ns"], "go_load_ns": go[f]["decode_ns"],
        "load_c_over_go": c[f]["decode_ns"] / go[f]["decode_ns"],
        "c_encode_ns": c[f]["encode_ns"], "go_save_ns": go[f]["encode_ns"],
        "encode_c_over_go": c[f]["encode_ns"] / go[f]["encode_ns"],
        "memcpy_ns": c[f]["memcpy_ns"],
        "load_share_of_memcpy": c[f]["memcpy_ns"] / c[f]["decode_ns"],
        "peak_rss_over_input": rss[f]["rss_factor"] if f in rss else None,
    })
json.dump({"rows": rows, "note": "ratio < 1 means C is faster; C load is the strict load "
           "(every invariant and cross-check), Go load is unframe+json+Import only; encode is "
           "envelope+graph+frame on both sides (C sorts nodes, neighbours and metadata members; "
           "Go writes map order); load_share_of_memcpy is memcpy time over C load time; "
           "peak RSS counts the input buffer"},
          open(os.path.join(out, "bench.json"), "w"), indent=1)


def name(f):
    return os.path.splitext(os.path.basename(f))[0]


with open(os.path.join(out, "bench.md"), "w") as md:
    md.write("Realistic indexes (coder/hnsw, M 16, metadata on 10 % of nodes):\n\n")
    md.write("| input | MB | C load ms | Go load ms | C/Go load | C encode ms | Go save ms | C/Go encode "
             "| memcpy ms | load % of memcpy | peak RSS / input |\n")
    md.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in rows:
        if r["realistic"]:
            md.write(f"| {name(r['file'])} | {r['bytes']/1e6:.1f} | {r['c_load_ns']/1e6:.1f} | "
                     f"{r['go_load_ns']/1e6:.1f} | {r['load_c_over_go']:.3f} | {r['c_encode_ns']/1e6:.1f} | "
                     f"{r['go_save_ns']/1e6:.1f} | {r['encode_c_over_go']:.3f} | {r['memcpy_ns']/1e6:.2f} | "
                     f"{100*r['load_share_of_memcpy']:.1f} % | {r['peak_rss_over_input']:.2f} |\n")
    md.write("\nGoldens:\n\n")
    md.write("| file | bytes | C load us | Go load us | C/Go load | C encode us | Go save us | C/Go encode |\n")
    md.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in rows:
        if not r["realistic"]:
            md.write(f"| {name(r['file'])} | {r['bytes']} | {r['c_load_ns']/1e3:.1f} | {r['go_load_ns']/1e3:.1f} | "
                     f"{r['load_c_over_go']:.2f} | {r['c_encode_ns']/1e3:.1f} | {r['go_save_ns']/1e3:.1f} | "
                     f"{r['encode_c_over_go']:.2f} |\n")
