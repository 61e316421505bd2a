"""Writer and strict reader for the "HUSHMODL" container of training/FORMAT.md (versions 1 and 2:
version 2 adds int8 tensors, dtype 1; a file without any is written as version 1)."""
import os
import struct
import zlib

import numpy as np

MAGIC = b"HUSHMODL"
VERSION = 1          # every tensor float32
VERSION_INT8 = 2     # some tensors int8 (dtype 1)
DTYPES = {0: "<f4", 1: "i1"}     # FORMAT.md dtype code -> numpy dtype


def _align(n, a=16):
    return (n + a - 1) // a * a


def write(path, metadata, tensors):
    """metadata: list of (key, type, value) with type 0 = i32, 1 = f32.
    tensors: list of (name, ndarray) in file order; int8 arrays are stored as int8 (dtype 1,
    version 2), anything else as float32. Returns the bytes written."""
    names = [n for n, _ in tensors]
    assert len(set(names)) == len(names), "duplicate tensor names"
    tensors = [(n, _stored(a)) for n, a in tensors]
    version = VERSION_INT8 if any(a.dtype == np.int8 for _, a in tensors) else VERSION
    meta = b""
    for key, typ, val in metadata:
        kb = key.encode("ascii")
        meta += struct.pack("<H", len(kb)) + kb + struct.pack("<B", typ)
        meta += struct.pack("<i", int(val)) if typ == 0 else struct.pack("<f", float(val))
    # entry sizes are independent of offsets, so lay out in two passes
    entry_sizes = [2 + len(n.encode("ascii")) + 2 + 4 * np.asarray(a).ndim + 8 for n, a in tensors]
    header_len = 24 + len(meta) + sum(entry_sizes)
    off = _align(header_len)
    offsets = []
    for _, a in tensors:
        offsets.append(off)
        off = _align(off + a.nbytes)
    ent = b""
    for (n, a), o in zip(tensors, offsets):
        assert 1 <= a.ndim <= 4, n
        nb = n.encode("ascii")
        ent += struct.pack("<H", len(nb)) + nb + struct.pack("<BB", _code(a), a.ndim)
        ent += struct.pack(f"<{a.ndim}I", *a.shape) + struct.pack("<II", o, a.nbytes)
    buf = bytearray(MAGIC + struct.pack("<IIII", version, len(metadata), len(tensors), 0) + meta + ent)
    assert len(buf) == header_len
    for (n, a), o in zip(tensors, offsets):
        buf += b"\0" * (o - len(buf))
        buf += a.tobytes()
    buf += struct.pack("<I", zlib.crc32(bytes(buf)) & 0xFFFFFFFF)
    # Through a temporary file in the same folder and a rename: a failed write leaves no half file
    # under `path`, and whatever was there stays until the new file is complete.
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder, not a model file name")
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(buf)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return bytes(buf)


def entries(metadata):
    """read()'s metadata dict as write()'s entries, each keeping its type (integers i32, floats f32)."""
    return [(k, 0 if isinstance(v, int) else 1, v) for k, v in metadata.items()]


def _stored(a):
    a = np.asarray(a)
    return np.ascontiguousarray(a, dtype="i1" if a.dtype == np.int8 else "<f4")


def _code(a):
    return 1 if a.dtype == np.int8 else 0


def read(path_or_bytes, expected_shapes=None):
    """Returns (metadata dict key -> value, tensors dict name -> ndarray). Raises ValueError on any
    of the rejections listed in FORMAT.md."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        buf = bytes(path_or_bytes)
    else:
        with open(path_or_bytes, "rb") as f:
            buf = f.read()
    if len(buf) < 28 or buf[:8] != MAGIC:
        raise ValueError("bad magic")
    version, M, N, _ = struct.unpack_from("<IIII", buf, 8)
    if version not in (VERSION, VERSION_INT8):
        raise ValueError("unknown version")
    end = len(buf) - 4
    if zlib.crc32(buf[:end]) & 0xFFFFFFFF != struct.unpack_from("<I", buf, end)[0]:
        raise ValueError("CRC mismatch")
    p = 24
    meta = {}

    def need(n):
        if p + n > end:
            raise ValueError("entry runs past the CRC")

    for _ in range(M):
        need(2); kl = struct.unpack_from("<H", buf, p)[0]; p += 2
        need(kl + 5); key = buf[p:p + kl].decode("ascii"); p += kl
        typ = buf[p]; p += 1
        if typ == 0:
            val = struct.unpack_from("<i", buf, p)[0]
        elif typ == 1:
            val = struct.unpack_from("<f", buf, p)[0]
        else:
            raise ValueError("unknown metadata type")
        p += 4
        if key in meta:
            raise ValueError("duplicate metadata key")
        meta[key] = val
    tens = {}
    for _ in range(N):
        need(2); nl = struct.unpack_from("<H", buf, p)[0]; p += 2
        need(nl + 2); name = buf[p:p + nl].decode("ascii"); p += nl
        dtype, rank = buf[p], buf[p + 1]; p += 2
        if dtype not in DTYPES or (dtype == 1 and version < VERSION_INT8):
            raise ValueError("unknown dtype")
        if not 1 <= rank <= 4:
            raise ValueError("bad rank")
        need(4 * rank + 8)
        dims = struct.unpack_from(f"<{rank}I", buf, p); p += 4 * rank
        off, cnt = struct.unpack_from("<II", buf, p); p += 8
        width = np.dtype(DTYPES[dtype]).itemsize
        if cnt != width * int(np.prod(dims)) or off % 16 or off + cnt > end:
            raise ValueError(f"bad data range for {name}")
        if name in tens:
            raise ValueError("duplicate tensor name")
        tens[name] = np.frombuffer(buf, DTYPES[dtype], count=cnt // width, offset=off).reshape(dims).copy()
    if expected_shapes:
        for n, shp in expected_shapes.items():
            if n not in tens:
                raise ValueError(f"missing tensor {n}")
            if tuple(tens[n].shape) != tuple(shp):
                raise ValueError(f"mis-shaped tensor {n}: {tens[n].shape} != {shp}")
    return meta, tens
