# An independent implementation of WeChat's message encryption, used by
# peer_test.go as the other side. It only uses Python's standard library and
# the "cryptography" package. Reads one JSON request on stdin, writes one
# JSON answer on stdout.
import base64
import hashlib
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def aes(key):
    raw = base64.b64decode(key + "=")
    assert len(raw) == 32
    return Cipher(algorithms.AES(raw), modes.CBC(raw[:16]))


def sign(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def open_reply(req):
    if sign(req["token"], req["timestamp"], req["nonce"], req["encrypt"]) != req["msgSignature"]:
        return {"error": "signature"}
    d = aes(req["key"]).decryptor()
    buf = d.update(base64.b64decode(req["encrypt"])) + d.finalize()
    pad = buf[-1]
    if not 1 <= pad <= 32 or buf[-pad:] != bytes([pad]) * pad:
        return {"error": "padding"}
    buf = buf[:-pad]
    (n,) = struct.unpack(">I", buf[16:20])
    if buf[20 + n:].decode() != req["appID"]:
        return {"error": "appid"}
    return {"plaintext": base64.b64encode(buf[20:20 + n]).decode()}


def seal(req):
    msg = base64.b64decode(req["plaintext"])
    buf = os.urandom(16) + struct.pack(">I", len(msg)) + msg + req["appID"].encode()
    pad = 32 - len(buf) % 32
    buf += bytes([pad]) * pad
    e = aes(req["key"]).encryptor()
    enc = base64.b64encode(e.update(buf) + e.finalize()).decode()
    return {"encrypt": enc, "msgSignature": sign(req["token"], req["timestamp"], req["nonce"], enc)}


req = json.load(sys.stdin)
json.dump({"open": open_reply, "seal": seal}[req["op"]](req), sys.stdout)
