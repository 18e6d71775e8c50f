"""The scale bench's synthetic knowledge base passes the checks the bot runs at load, so the bench measures the
bot's own start-up rather than stopping on a refused file."""
from pathlib import Path

from bench.bench_scale import synthetic_faq
from faq.knowledge import load_knowledge


def test_the_synthetic_knowledge_base_loads_as_the_bots_own(tmp_path: Path) -> None:
    real = len(load_knowledge().faq)
    synthetic_faq(real + 60, tmp_path)
    loaded = load_knowledge(tmp_path)
    assert len(loaded.faq) == real + 60
    assert {e.id for e in loaded.faq} >= {f"syn-{k}" for k in range(60)}
