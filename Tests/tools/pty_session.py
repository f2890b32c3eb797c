#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal and types into it as a person would, for the shell's interactive tests.

Usage: pty_session.py STEPS_JSON -- COMMAND [ARGUMENTS...]

STEPS_JSON is a JSON list of keystroke strings. Before each is typed the script waits (10 s at most) until the
output ends with a prompt (`strata> ` or `   ...> `) and then (1 s at most) until the line editor has put the
terminal in raw mode, so that nothing is typed ahead into the terminal's own echo; after the last it sends Ctrl-D
(end of input, which leaves the shell) and waits for the command to end (killing it after 30 s). It prints one JSON object: {"transcript": everything the terminal showed,
"status": the exit status, or 128 + the signal}. The terminal is 120 columns wide.
"""
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

PROMPT = re.compile(rb"(strata|   \.\.\.)> $")


def read_available(fd, transcript, timeout):
    """Appends what the terminal shows within `timeout` seconds; False once the command has closed it."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    transcript.extend(data)
    return True


def wait_for_prompt(fd, transcript, deadline):
    """Reads until the output ends with a prompt (True) or the deadline passes or the command ends (False)."""
    while time.monotonic() < deadline:
        if PROMPT.search(bytes(transcript[-16:])):
            return True
        if not read_available(fd, transcript, 0.05):
            return False
    return False


def wait_for_raw_mode(fd, transcript, deadline):
    """Waits until the terminal is out of canonical mode (the line editor reads keys), reading meanwhile."""
    while time.monotonic() < deadline:
        if not termios.tcgetattr(fd)[3] & termios.ICANON:
            return
        if not read_available(fd, transcript, 0.02):
            return


def main(arguments):
    split = arguments.index("--")
    steps = json.loads(arguments[0])
    command = arguments[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    transcript = bytearray()
    for keys in steps:
        if wait_for_prompt(fd, transcript, time.monotonic() + 10):
            wait_for_raw_mode(fd, transcript, time.monotonic() + 1)
        os.write(fd, keys.encode())
        # Let the line editor echo what was typed before the next prompt is looked for.
        read_available(fd, transcript, 0.1)
    # Ctrl-D too waits for raw mode: typed while the terminal is still canonical, the end-of-file mark can be lost
    # when the line editor switches modes, and the shell would wait for input forever.
    if wait_for_prompt(fd, transcript, time.monotonic() + 10):
        wait_for_raw_mode(fd, transcript, time.monotonic() + 1)
    os.write(fd, b"\x04")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and read_available(fd, transcript, 0.1):
        pass
    finished, status = os.waitpid(pid, os.WNOHANG)
    if finished == 0:
        deadline = time.monotonic() + 20
        while finished == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
            finished, status = os.waitpid(pid, os.WNOHANG)
        if finished == 0:
            os.kill(pid, 9)
            _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"transcript": transcript.decode("utf-8", "replace"),
                      "status": code if code >= 0 else 128 - code}))


if __name__ == "__main__":
    main(sys.argv[1:])
