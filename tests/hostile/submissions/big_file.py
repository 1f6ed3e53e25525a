"""Writes files bigger than the file size limit, then as many files as it can."""


def write_big():
    with open("big.bin", "wb") as f:
        for _ in range(100):
            f.write(b"\0" * (1 << 20))
    return "wrote 100 MiB"


def write_many():
    for i in range(1000):
        with open(f"f{i}.bin", "wb") as f:
            f.write(b"\0" * ((1 << 20) - 1))
    return "wrote 1000 files"
