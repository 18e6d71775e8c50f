"""Contacts: the bodies the documents name, never an invented number."""
from __future__ import annotations

import re

from bot.labels import MAX_BUTTONS, short_label
from bot.payloads import CONTACT


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
    assert person.payload == "/handoff" and listing.text.startswith("现在找人")
    detail = await ask(payload=cards[0].payload)
    assert detail.intent == "contacts" and "可咨询" in detail.text


async def test_the_contact_list_is_paged_as_a_phone_shows_it_and_reaches_every_body(ask, kb):
    listing, seen = await ask("/contacts"), []
    while True:
        assert len(listing.buttons) <= MAX_BUTTONS and listing.buttons[-1].payload == "/handoff"
        assert all(len(b.label) <= 20 for b in listing.buttons)
        seen += [b.payload for b in listing.buttons if b.label != "更多机构"][:-1]
        more = [b for b in listing.buttons if b.label == "更多机构"]
        if not more:
            break
        listing = await ask(payload=more[0].payload)
    assert seen == [CONTACT(c.id) for c in kb.knowledge.contacts]


def test_a_long_label_loses_its_short_form_or_ends_after_a_whole_word():
    assert short_label("浙江省地方金融监督管理局（省地方金融监管局）") == "浙江省地方金融监督管理局"
    assert short_label("小镇金融联盟·传统持牌金融行业分会的联系方式和职责") == "小镇金融联盟·传统持牌金融行业分会…"
    cut = short_label("运河财富小镇管委会为入驻企业提供的各项服务内容汇总")
    assert cut.endswith("…") and len(cut) <= 20 and "运河财富小镇管委会为入驻企业提供的各项服务内容汇总".startswith(cut[:-1])
    assert short_label("Hangzhou Local Financial Supervision and Administration Bureau", "en") \
        == "Hangzhou Local Financial Supervision…"


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
