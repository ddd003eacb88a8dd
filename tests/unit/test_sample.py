"""The shipped sample is exactly what its generator writes, and the generator is deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from testdata.sample import allocate, write_sample
from tests.conftest import SAMPLE_RAW, digests


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    write_sample(folder)
    return folder


def test_committed_sample_is_the_generators_output(generated: Path) -> None:
    assert digests(generated) == digests(SAMPLE_RAW)


def test_generator_is_deterministic(generated: Path, tmp_path: Path) -> None:
    write_sample(tmp_path)
    assert digests(tmp_path) == digests(generated)


def test_sample_has_the_variety_of_real_returns() -> None:
    suffixes = [p.suffix for p in (SAMPLE_RAW / "returns").rglob("*.*")]
    assert suffixes.count(".csv") == 1
    assert suffixes.count(".ods") >= 5
    assert suffixes.count(".xlsx") >= 5


def test_allocate_respects_total_and_caps() -> None:
    shares = allocate(100, [1, 2, 3, 4], [10, 100, 100, 100])
    assert sum(shares) == 100
    assert shares[0] <= 10
