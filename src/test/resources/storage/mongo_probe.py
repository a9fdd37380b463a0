"""Connects to a MongoDB port as a stranger would and asks for a collection.

Prints one line: the number of bytes the server answered before it closed the
connection (0 means it was refused before anything was read).
"""
import socket
import struct
import sys


def bson(pairs):
    body = b""
    for key, value in pairs:
        name = key.encode() + b"\x00"
        if isinstance(value, str):
            data = value.encode() + b"\x00"
            body += b"\x02" + name + struct.pack("<i", len(data)) + data
        else:
            body += b"\x10" + name + struct.pack("<i", value)
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def op_msg(request_id, document):
    payload = struct.pack("<I", 0) + b"\x00" + document
    return struct.pack("<iiii", 16 + len(payload), request_id, 0, 2013) + payload


port = int(sys.argv[1])
database, collection = sys.argv[2], sys.argv[3]
received = 0
try:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(op_msg(1, bson([("hello", 1), ("$db", "admin")])))
        sock.sendall(op_msg(2, bson([("find", collection), ("$db", database)])))
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += len(chunk)
except (ConnectionResetError, BrokenPipeError):
    pass
except socket.timeout:
    print("timeout after", received)
    sys.exit(2)
print(received)
