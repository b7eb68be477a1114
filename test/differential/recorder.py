#!/usr/bin/env python3
"""supervisord event listener for the differential harness.

Speaks the listener protocol (READY / header / payload / RESULT 2\\nOK) and appends one
JSON line per PROCESS_STATE_* event to the file named by argv[1]:
  {"time": <float s>, "processname": ..., "groupname": ..., "from_state": ...,
   "to": ..., "pid": <int|null>, "expected": <bool|null>, "tries": <int|null>}
Events of the groups named in argv[3:] (the harness's own processes) are skipped.

Shutdown drain: supervisord stops the listener as soon as the last group before it is
stopped, and a listener that is not RUNNING gets no more events, so the final STOPPED
events would be lost. The harness therefore runs a "drainer" program (`recorder.py drain
MARKER`) whose priority sits between the programs and the listener: supervisord stops
it last of all programs, and on SIGTERM it waits until this listener has seen the
drainer's own PROCESS_STATE_STOPPING (argv[2] names the marker file to create then).
Events are delivered in order, so by then every program event has been recorded.
"""
import os
import signal
import json
import sys
import time


def parse_tokens(line):
    return dict(tok.split(':', 1) for tok in line.split() if ':' in tok)


def drain(marker):
    def on_term(_signum, _frame):
        deadline = time.time() + 5.0
        while not os.path.exists(marker) and time.time() < deadline:
            time.sleep(0.02)
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    while True:
        signal.pause()


def main():
    if sys.argv[1] == 'drain':
        return drain(sys.argv[2])
    out_path = sys.argv[1]
    marker = sys.argv[2]
    skip_groups = set(sys.argv[3:])
    stdin = sys.stdin.buffer
    stdout = sys.stdout
    with open(out_path, 'a', encoding='utf-8') as out:
        while True:
            stdout.write('READY\n')
            stdout.flush()
            header_line = stdin.readline()
            if not header_line:
                return
            header = parse_tokens(header_line.decode('utf-8'))
            payload = stdin.read(int(header.get('len', '0'))).decode('utf-8')
            event = header.get('eventname', '')
            if event.startswith('PROCESS_STATE_'):
                body = parse_tokens(payload.split('\n', 1)[0])
                if body.get('groupname') in skip_groups:
                    if event == 'PROCESS_STATE_STOPPING' and body.get('groupname') == 'drainer':
                        open(marker, 'w').close()
                else:
                    pid = body.get('pid')
                    expected = body.get('expected')
                    tries = body.get('tries')
                    out.write(json.dumps({
                        'time': time.time(),
                        'processname': body.get('processname'),
                        'groupname': body.get('groupname'),
                        'from_state': body.get('from_state'),
                        'to': event[len('PROCESS_STATE_'):],
                        'pid': int(pid) if pid is not None else None,
                        'expected': (expected == '1') if expected is not None else None,
                        'tries': int(tries) if tries is not None else None,
                    }) + '\n')
                    out.flush()
            stdout.write('RESULT 2\nOK')
            stdout.flush()


if __name__ == '__main__':
    main()
