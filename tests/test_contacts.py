"""Contacts: the bodies the documents name, never an invented number."""
from __future__ import annotations

import re


async def test_committee_contact_says_number_not_published(ask, kb):
    reply = await ask("管委会电话是多少")
    assert reply.intent == "fallback"        # the number asked for is not published: counted as unanswered
    assert "管委会" in reply.text or "管理委员会" in reply.text
    assert "暂未公布" in reply.text
    assert not re.search(r"\d{7,}", reply.text)
    assert reply.sources


async def test_contact_list_and_button(ask, kb):
    listing = await ask("/contacts")
    *cards, person = listing.buttons
    assert len(cards) == len(kb.knowledge.contacts) >= 5 and person.payload == "/handoff"
    assert listing.text.startswith("现在找人")
    detail = await ask(payload=cards[0].payload)
    assert detail.intent == "contacts" and "可咨询" in detail.text


async def test_a_card_says_first_how_to_reach_a_person_now(ask):
    card = await ask("管委会电话是多少")
    first, reach, *rest = card.text.splitlines()
    assert "/handoff" in reach and rest[-1].startswith("可咨询")
    assert [b.payload for b in card.buttons] == ["/handoff"]


def test_no_contact_has_an_invented_phone(kb):
    assert all(c.phone is None for c in kb.knowledge.contacts)


async def test_asking_whom_to_apply_to_gets_how_the_policy_says_to_apply_not_every_body(ask):
    for question in ("向谁申请", "请问找谁申报", "Who should we apply to?"):
        reply = await ask(question)
        assert "市地方金融监管局" in reply.text or "Local Financial Supervision" in reply.text, reply.text
        assert len(reply.buttons) <= 3, [b.label for b in reply.buttons]
    card = await ask("找谁申请入驻小镇管委会")          # a body named: its card
    assert card.intent == "contacts" and "管理委员会" in card.text
