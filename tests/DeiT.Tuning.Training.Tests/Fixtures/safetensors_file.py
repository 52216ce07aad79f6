"""Reads and writes safetensors files by hand for the fixture scripts (Debian has no safetensors package)."""
import json
import struct

import torch

DTYPES = {'F32': torch.float32, 'I64': torch.int64}


def load(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == '__metadata__':
            continue
        start, end = meta['data_offsets']
        out[name] = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[meta['dtype']]).reshape(meta['shape'])
    return out


def save(path, tensors):
    """Every tensor as F32, the header padded to 8 bytes."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header).encode()
    head += b' ' * (-len(head) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))
