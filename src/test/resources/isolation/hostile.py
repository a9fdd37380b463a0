"""A hostile app (HostileAppIT): from its daemon, a hook, a task and a command it tries
to reach what belongs to the server and to another app. Each attempt reports
{"ok": true} when it got through - which the test expects never to happen.

The targets (paths, pids, ports the attacker is assumed to know) come from
targets.json beside this file, written by the test before the archive is built."""
import json
import logging
import os
import signal
import socket
import struct
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def targets():
    with open(os.path.join(HERE, "targets.json")) as f:
        return json.load(f)


def _attempt(fn):
    try:
        return {"ok": True, "detail": str(fn())[:300]}
    except Exception as ex:  # the attempt failed: what the test wants
        return {"ok": False, "detail": "%s: %s" % (type(ex).__name__, ex)}


def _read(path):
    with open(path, "rb") as f:
        return "read %r" % f.read(40)


def _list(path):
    return "listed %s" % sorted(os.listdir(path))


def _write_any(paths):
    wrote = []
    for path in paths:
        try:
            with open(path, "w") as f:
                f.write("pwned\n")
            wrote.append(path)
        except OSError:
            pass
    if wrote:
        return "wrote " + ", ".join(wrote)
    raise PermissionError("none of %d paths is writable" % len(paths))


def _bson(doc):
    body = b""
    for key, value in doc.items():
        name = key.encode() + b"\0"
        if isinstance(value, int):
            body += b"\x10" + name + struct.pack("<i", value)
        else:
            text = value.encode() + b"\0"
            body += b"\x02" + name + struct.pack("<i", len(text)) + text
    return struct.pack("<i", len(body) + 5) + body + b"\0"


def _mongo(port):
    """An OP_MSG find on the server's api_tokens: succeeds if anything answers."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        payload = struct.pack("<I", 0) + b"\0" + _bson({"find": "api_tokens", "$db": "pyapp"})
        sock.sendall(struct.pack("<iiii", 16 + len(payload), 1, 0, 2013) + payload)
        reply = sock.recv(65536)
        if not reply:
            raise ConnectionError("closed without an answer")
        return "answered %d bytes" % len(reply)
    finally:
        sock.close()


def _spoof(victim, message):
    """Sends a log batch that claims to come from the victim."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    try:
        sock.connect(os.environ["PYAPP_LOG_SOCKET"])
        batch = {"app": victim, "release": "forged", "pid": 1, "role": "worker", "dropped": 0,
                 "records": [[time.time(), 50, "pyapp.deploy", message, None, "MainThread", None]]}
        sock.sendall((json.dumps(batch) + "\n").encode())
    finally:
        sock.close()
    return "sent"


def attack(source):
    t = targets()
    own_src = HERE
    attempts = {
        "read_api_token": _attempt(lambda: _read(t["api_token"])),
        "read_admin_password": _attempt(lambda: _read(t["admin_password"])),
        "read_h2_database": _attempt(lambda: _read(t["h2_file"])),
        "list_server_home": _attempt(lambda: _list(t["home"])),
        "list_apps": _attempt(lambda: _list(os.path.join(t["home"], "apps"))),
        "read_victim_config": _attempt(lambda: _read(t["victim_config"])),
        "read_victim_data": _attempt(lambda: _read(t["victim_secret"])),
        "list_victim_data": _attempt(lambda: _list(t["victim_data"])),
        "read_victim_code": _attempt(lambda: _read(t["victim_code"])),
        "read_victim_environ": _attempt(lambda: _read("/proc/%d/environ" % t["victim_pid"])),
        "signal_victim_master": _attempt(lambda: os.kill(t["victim_pid"], signal.SIGTERM)),
        "write_outside_own_directories": _attempt(lambda: _write_any([
            os.path.join(t["home"], "pwned-" + source),
            os.path.join(t["home"], "server-packages", "pwned_%s.py" % source),
            os.path.join(t["victim_data"], "pwned-" + source),
            os.path.join(own_src, "pwned-" + source),
            os.environ["PYAPP_CONFIG_FILE"],
            "/usr/pwned-" + source,
            "/etc/pwned-" + source,
            "/pwned-" + source,
        ])),
        "connect_mongo": _attempt(lambda: _mongo(t["mongo_port"])),
        "spoof_log": _attempt(lambda: _spoof(t["victim"], t["nonce"] + "-" + source)),
    }
    identity = {"uid": os.getuid(), "gid": os.getgid(), "pid": os.getpid(),
                "data_writable": os.access(os.environ["PYAPP_DATA_PATH"], os.W_OK)}
    logging.getLogger("hostile").warning("control-%s-%s", t["nonce"], source)
    return {"source": source, "identity": identity, "attempts": attempts}


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/attack":
        body = json.dumps(attack("daemon")).encode()
    else:
        body = b"ok"
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def post_install():
    result = attack("hook")
    with open(os.path.join(os.environ["PYAPP_DATA_PATH"], "attack-hook.json"), "w") as f:
        json.dump(result, f)


def attack_task():
    print(json.dumps(attack("task")))


if __name__ == "__main__":
    print(json.dumps(attack("run")))
