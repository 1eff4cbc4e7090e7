"""Joins the C and Go benchmark lines by file and reports C/Go ratios."""
import json
import sys

c_path, go_path, json_out, md_out = sys.argv[1:5]
load = lambda p: {r["file"]: r for r in map(json.loads, open(p))}
c, go = load(c_path), load(go_path)
rows = []
for f in sorted(c):
    if f not in go:
        continue
    rows.append({
        "file": f, "bytes": c[f]["bytes"],
        "c_decode_ns": c[f]["decode_ns"], "go_decode_ns": go[f]["decode_ns"],
        "decode_ratio_c_over_go": c[f]["decode_ns"] / go[f]["decode_ns"],
        "c_encode_ns": c[f]["encode_ns"], "go_encode_ns": go[f]["encode_ns"],
        "encode_ratio_c_over_go": c[f]["encode_ns"] / go[f]["encode_ns"],
    })
json.dump({"rows": rows, "note": "ratio < 1 means C is faster; C decode includes "
           "every invariant check and cross-check, Go decode is unframe+json+Import only; "
           "encode is envelope+graph+frame on both sides (C sorts nodes, neighbours and "
           "metadata members; Go writes map order)"},
          open(json_out, "w"), indent=1)
with open(md_out, "w") as md:
    md.write("| file | bytes | C decode (us) | Go decode (us) | C/Go decode | C encode (us) | Go encode (us) | C/Go encode |\n")
    md.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in rows:
        md.write(f"| {r['file']} | {r['bytes']} | {r['c_decode_ns']/1e3:.1f} | {r['go_decode_ns']/1e3:.1f} | "
                 f"{r['decode_ratio_c_over_go']:.2f} | {r['c_encode_ns']/1e3:.1f} | {r['go_encode_ns']/1e3:.1f} | "
                 f"{r['encode_ratio_c_over_go']:.2f} |\n")
