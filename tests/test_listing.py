"""How many things an answer names in a row is read in time linear in the answer's length."""
from __future__ import annotations

import time
from types import SimpleNamespace

from handlers.faq import COUNTED_LIST, _listed


def test_things_named_in_a_row_are_counted_from_the_start_of_each_run():
    assert _listed(SimpleNamespace(answer="小镇有英蓝中心、远洋国际中心、绿地中央商务区等楼宇。")) == 3
    assert _listed(SimpleNamespace(answer="首先，甲、乙；其次，丙、丁、戊。")) == 3
    assert _listed(SimpleNamespace(answer="没有列举。")) == 0
    assert COUNTED_LIST.search("智慧网谷小镇、运河财富小镇、上塘电商小镇四个省级特色小镇")


def test_a_long_answer_without_a_list_is_read_at_once():
    answer = "The town lies on the Grand Canal " * 700 + "。甲、乙、丙三家"    # 23,000 characters, one run
    started = time.process_time()
    assert _listed(SimpleNamespace(answer=answer)) == 3 and COUNTED_LIST.search(answer)
    assert time.process_time() - started < 1.0           # tried at every character, it took seconds
