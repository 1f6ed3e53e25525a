"""Registered Python generators, for the rare family whose parameters YAML cannot express.

A generator is `fn(rng: VariantRNG, params: dict) -> dict`: it receives the parameters
drawn so far (from `params:` in the YAML) and returns more. It declares the names it
provides so that `mldrill validate` can check the expressions that use them. Register with
`@generator("name", provides=(...))`; the YAML says `generator: name`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from mldrill.record import record
from mldrill.variants.rng import VariantRNG

if TYPE_CHECKING:
    from mldrill.values import Value

# (the generator's random stream, the parameters drawn so far) -> the parameters it adds
GeneratorFn: TypeAlias = "Callable[[VariantRNG, dict[str, Value]], dict[str, Value]]"


@record(frozen=True)
class Generator:
    name: str
    fn: GeneratorFn
    provides: tuple[str, ...]
    doc: str


GENERATORS: dict[str, Generator] = {}


def generator(name: str, provides: tuple[str, ...]) -> Callable[[GeneratorFn], GeneratorFn]:
    def deco(fn: GeneratorFn) -> GeneratorFn:
        GENERATORS[name] = Generator(name, fn, provides, (fn.__doc__ or "").strip())
        return fn

    return deco


@generator("cnn_layers", provides=("layers", "input_shape", "layer_names"))
def cnn_layers(rng: VariantRNG, params: dict[str, Value]) -> dict[str, Value]:
    """A small LeNet-style CNN whose every conv/pool fits its input exactly:
    conv -> relu -> pool -> conv -> relu -> flatten -> dense -> dense (one pool only, so
    the flattened size stays in the thousands and the first dense layer dominates)."""
    channels = rng.choice([1, 3])
    size = rng.choice([28, 32])
    layers: list[dict[str, int | str]] = []
    names: list[str] = []
    c1 = rng.choice([4, 6, 8])
    k1 = rng.choice([3, 5])
    pad1 = rng.choice([0, (k1 - 1) // 2])
    layers.append({"type": "conv", "filters": c1, "kernel": k1, "stride": 1, "pad": pad1})
    names.append(f"conv {c1} filters {k1}x{k1}, pad {pad1}")
    layers.append({"type": "relu"})
    names.append("ReLU")
    layers.append({"type": "pool", "size": 2, "stride": 2})
    names.append("max pool 2x2, stride 2")
    c2 = rng.choice([8, 12, 16])
    layers.append({"type": "conv", "filters": c2, "kernel": 3, "stride": 1, "pad": 0})
    names.append(f"conv {c2} filters 3x3, pad 0")
    layers.append({"type": "relu"})
    names.append("ReLU")
    layers.append({"type": "flatten"})
    names.append("flatten")
    units = rng.choice([32, 64, 100, 120])
    layers.append({"type": "dense", "units": units})
    names.append(f"dense {units}")
    classes = rng.choice([10, 5])
    layers.append({"type": "dense", "units": classes})
    names.append(f"dense {classes}")
    return {"layers": layers, "input_shape": (channels, size, size), "layer_names": names}
