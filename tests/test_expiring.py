"""Per-user state that lapses on the injectable clock: open dialogs and the last topic share one store."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.dialogs import DIALOG_TTL, Dialogs
from bot.expiring import Expiring
from faq.conversation import Conversations, Topic
from handlers.calc_dialog import CalcDialog, CalcPicking
from handlers.profile import ProfileDialog


def test_a_value_lapses_its_ttl_after_it_was_set_and_touching_renews_it(clock):
    held: Expiring[str] = Expiring(clock, timedelta(minutes=10))
    held.put("u", "a")
    clock.advance(minutes=9)
    assert held.get("u") == "a"
    held.touch("u")
    clock.advance(minutes=9)
    assert held.get("u") == "a"            # 18 minutes after it was set, 9 after the touch
    clock.advance(minutes=1)
    assert held.get("u") is None and held.pop("u") is None
    held.touch("u")                        # touching what has lapsed brings nothing back
    assert held.get("u") is None


def test_pop_takes_the_value_once_and_users_do_not_share(clock):
    held: Expiring[int] = Expiring(clock, timedelta(seconds=30))
    held.put("u", 1)
    held.put("v", 2)
    assert held.pop("u") == 1 and held.pop("u") is None and held.get("v") == 2


def test_dialogs_hand_a_step_handler_its_own_flows_state_only(clock):
    dialogs = Dialogs(clock)
    dialogs.put("u", CalcPicking("能拿多少", ["hq"]))
    assert dialogs.of("u", CalcDialog) == CalcPicking("能拿多少", ["hq"])
    assert dialogs.of("u", ProfileDialog) is None
    with pytest.raises(LookupError):
        dialogs.state("u", ProfileDialog)
    clock.advance(seconds=DIALOG_TTL.total_seconds())
    assert dialogs.of("u", CalcDialog) is None


def test_a_topic_is_remembered_only_when_it_names_something(clock):
    topics = Conversations(clock)
    topics.remember("u", [], ["area"], None)
    assert topics.get("u") is None
    topics.remember("u", ["town"], ["area"], "town-area")
    assert topics.get("u") == Topic(("town",), ("area",), "town-area")
