# supervisord 4.2's own verdict on config files: reads a JSON list of paths on stdin and
# prints, for each, null when supervisord's option processing accepts it, or its error.
# Run with the interpreter of the installed supervisord (its shebang), which has the module.
import json
import sys

from supervisor.options import ServerOptions


class Refused(Exception):
    pass


def usage(message):
    raise Refused(message)


verdicts = []
for path in json.load(sys.stdin):
    options = ServerOptions()
    options.usage = usage
    options.stderr = open("/dev/null", "w")
    try:
        options.realize(args=["-c", path, "-n"])
        verdicts.append(None)
    except Refused as e:
        verdicts.append(str(e))
    except Exception as e:  # anything else it raises also stops it at start
        verdicts.append("%s: %s" % (type(e).__name__, e))
print(json.dumps(verdicts))
