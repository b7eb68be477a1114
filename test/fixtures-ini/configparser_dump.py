# Reads a JSON list of .ini texts on stdin; prints, for each, what supervisord's parser
# (Python's RawConfigParser with inline_comment_prefixes=(';', '#'), strict=False) makes of
# it: {"sections": {name: {key: value}}, "defaults": {...}} or {"error": true}.
import configparser, json, sys

out = []
for text in json.load(sys.stdin):
    p = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
    try:
        p.read_string(text)
    except configparser.Error:
        out.append({"error": True})
        continue
    out.append({
        "sections": {s: dict(p._sections[s]) for s in p.sections()},
        "defaults": dict(p._defaults),
    })
json.dump(out, sys.stdout)
