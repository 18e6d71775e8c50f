"""Replies that fit a phone screen: the English expiry notice, contact card and how-to-apply answer say the same
facts in fewer words, with the detail a tap away; English amounts read in English beside the Chinese figure."""
from __future__ import annotations

import pytest

from bot.messages import Incoming
from policy_data.amounts import amounts_in_english

PHONE = 700         # characters of a reply that still reads on a phone screen
QUICK_CHECK_SCREEN = 600    # an English quick-check result with its conditions and notice


@pytest.fixture
def say(router):
    async def _say(text: str = "", payload: str | None = None, user: str = "en1"):
        return await router.handle(Incoming("console", user, user, text=text, payload=payload))
    return _say


async def test_the_english_quick_check_result_fits_one_screen_with_its_expiry_notice(say):
    reply = await say("New financial HQ with paid-in capital of RMB 1 billion, how much subsidy?")
    notice = reply.text.split("\n\n")[-1]
    assert notice == ("⚠️ 杭政办〔2023〕2号 expired on 2026-02-28: for reference only; current policy from the "
                      "Hangzhou Local Financial Supervision and Administration Bureau (市地方金融监管局).")
    assert "By paid-in capital: RMB 1 billion × 2% = RMB 20 million, within" in reply.text     # the Chinese beside the result
    assert "→ up to RMB 20 million (2000万元) (Art. 6)" in reply.text and len(reply.text) <= QUICK_CHECK_SCREEN
    assert reply.sources and reply.buttons[0].label == "Original text and conditions"


async def test_the_english_contact_card_puts_the_role_behind_a_button(say):
    card = await say("what is the phone number of the management committee")
    assert "not published yet" in card.text and "Ask them about:" in card.text and "Role:" not in card.text
    assert len(card.text) < PHONE
    [role] = [b for b in card.buttons if b.label == "Their role in full"]
    detail = await say(payload=role.payload)
    assert detail.text.startswith("[Canal Wealth Town Management Committee") and "Golden Butler" in detail.text
    assert "/handoff" in [b.payload for b in detail.buttons]


async def test_the_chinese_contact_card_still_states_the_role(router):
    card = await router.handle(Incoming("console", "u1", "u1", text="管委会电话多少"))
    assert "职责：小镇的管理和招商服务机构" in card.text and "暂未公布" in card.text


async def test_how_to_apply_says_the_documents_are_silent_and_names_the_measure_in_one_line(say):
    reply = await say("how do we apply for the new HQ grant")
    assert reply.intent == "fallback" and reply.text.startswith("杭政办〔2023〕2号 does not state an application procedure")
    assert "under the lead of the Hangzhou Local Financial Supervision and Administration Bureau" in reply.text
    assert "[Art. 6 · New financial HQ grant] up to RMB 50 million (5000万元)" in reply.text
    assert "expired on 2026-02-28" in reply.text and len(reply.text) < PHONE
    assert reply.buttons[0].label == "Original text and conditions"
    detail = await say(payload=reply.buttons[0].payload)
    assert "The document says (English rendering)" in detail.text and "就高不重复" in detail.text


@pytest.mark.parametrize("english, shown", [
    ("tax revenue of RMB 10.50亿, operating", "tax revenue of RMB 1.05 billion (10.50亿元), operating"),
    ("about RMB 650亿 (sixty-five billion yuan), and", "about RMB 65 billion (650亿元), and"),
    ("revenue of RMB 1300万 (万 = ten thousand) and", "revenue of RMB 13 million (1300万元) and"),
    ("tax of RMB 49.5万;", "tax of RMB 495,000 (49.5万元);"),
    ("to reach RMB 2万亿 (two trillion yuan).", "to reach RMB 2 trillion (2万亿元)."),
    ("RMB 20 million (2000万元) stays", "RMB 20 million (2000万元) stays"),
    ("a floor area of 1.97万 square metres (nineteen thousand seven hundred square metres),",
     "a floor area of 19,700 square metres (1.97万 square metres),"),
    ("over 1万 (ten thousand) funds, 4.5万 m² of land", "over 10,000 (1万) funds, 45,000 m² (4.5万 m²) of land"),
    ("turnover was 22.7万亿元 and", "turnover was RMB 22.7 trillion (22.7万亿元) and"),
    ("half a million square metres (近50万平方米).", "half a million square metres (近50万平方米)."),
    ("to exceed 1600亿元 (亿 = hundred million yuan), and 2152.6亿元 respectively",
     "to exceed RMB 160 billion (1600亿元), and RMB 215.26 billion (2152.6亿元) respectively"),
])
def test_chinese_amounts_in_english_text_are_said_in_english_beside_the_figure(english, shown):
    assert amounts_in_english(english) == shown


async def test_the_english_town_tax_answer_says_billion(say):
    reply = await say("What was the town's tax revenue in 2019?")
    assert "RMB 1.05 billion (10.50亿元)" in reply.text and "RMB 10.50亿," not in reply.text
