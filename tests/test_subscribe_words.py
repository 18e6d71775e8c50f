"""Subscriptions in words change exactly what they name — each topic and each 分会, in Chinese and English —
and the reply says what changed; questions about the branches get the user's own settings or how it is done."""
from __future__ import annotations

import pytest


async def settings(services, user: str = "u1") -> tuple[set, set]:
    found = await services.store.users.get(f"console:{user}")
    return set(found.subscriptions), set(found.segments)


@pytest.mark.parametrize("words, segment", [
    ("Subscribe me to the foreign institutions branch", "foreign"), ("Join the foreign institutions branch", "foreign"),
    ("I want notices for the quasi-finance branch", "quasi"), ("I'd like the notices of the key enterprises branch", "key"),
    ("加入持牌金融分会", "licensed"), ("想收类金融分会的通知", "quasi"),
])
async def test_joining_one_branch_joins_that_branch_only(ask, services, words, segment):
    reply = await ask(words)
    assert reply.intent == "events"
    assert await settings(services) == ({"news"}, {segment})


@pytest.mark.parametrize("words", ["退出所有分会", "Leave all branches"])
async def test_leaving_every_branch_keeps_the_other_notices(ask, services, words):
    await ask(payload="sub:events:on")
    await ask("加入类金融分会")
    await ask("加入重点企业分会")
    reply = await ask(words)
    assert await settings(services) == ({"events", "news"}, set())
    assert "公告" not in reply.text.split("\n\n")[0] and "announcements" not in reply.text.split("\n\n")[0].lower()


@pytest.mark.parametrize("words", ["我想收活动通知但不要公告", "订阅活动通知，不需要公告"])
async def test_one_topic_on_and_the_other_off(ask, services, words):
    reply = await ask(words)
    assert await settings(services) == ({"events"}, set())
    assert "已为您订阅联盟活动通知" in reply.text and "已为您退订管委会公告" in reply.text


async def test_the_reply_tells_a_change_from_what_was_already_so(ask, services):
    await ask("加入类金融分会")
    reply = await ask("退出所有分会")
    first = reply.text.split("\n\n")[0]
    assert first.startswith("已为您退出“类金融行业分会”通知") and "本来就没有接收" in first
    assert "已为您退出“重点企业行业分会”" not in first
    again = await ask("订阅公告")
    assert "管委会公告照常接收" in again.text and "已为您订阅" not in again.text


async def test_opting_out_of_everything_names_what_was_switched_off(ask, services):
    await ask("加入类金融分会")
    reply = await ask("别发了")
    assert "管委会公告" in reply.text.split("\n\n")[0] and "类金融行业分会" in reply.text.split("\n\n")[0]
    assert "联盟活动通知" not in reply.text.split("\n\n")[0]         # it was never on
    assert await settings(services) == (set(), set())
    nothing = await ask("别发了")
    assert "没有订阅任何通知" in nothing.text


async def test_a_bare_branch_names_none_and_changes_nothing(ask, services):
    reply = await ask("加入分会")
    assert reply.intent == "events" and "选择分会" in reply.text
    assert await settings(services) == ({"news"}, set())


@pytest.mark.parametrize("question", ["我在哪个分会", "我们属于哪个分会", "Which branch am I in?"])
async def test_which_branch_am_i_in_shows_the_users_own_settings(ask, services, question):
    await ask("加入类金融分会")
    reply = await ask(question)
    assert reply.intent == "events" and "类金融行业分会" in reply.text.split("\n\n")[0]
    assert ("管委会" in reply.text or "Management Committee" in reply.text)
    assert await settings(services) == ({"news"}, {"quasi"})


@pytest.mark.parametrize("question", ["怎么退出分会", "怎么加入重点企业分会", "How do I join the quasi-finance branch?"])
async def test_how_to_join_or_leave_a_branch_is_explained_not_done(ask, services, question):
    reply = await ask(question)
    assert reply.intent == "events" and any(b.payload.startswith("seg:") for b in reply.buttons)
    assert "按钮" in reply.text or "tap" in reply.text.lower()
    assert await settings(services) == ({"news"}, set())


async def test_a_homophone_typo_of_subscribing_is_read_as_subscribing(ask, services):
    await ask("订月活动通知")                               # 订阅, typed by pinyin
    assert await settings(services) == ({"events", "news"}, set())
    await ask("退定")                                       # 退订
    assert await settings(services) == (set(), set())
    other = await ask("预订月饼", user="u2")                 # a word of its own is not repaired
    assert other.intent != "events" and await settings(services, "u2") == ({"news"}, set())


@pytest.mark.parametrize("question", ["怎么退订", "我想知道怎么取消订阅", "能订阅活动通知吗", "How do I unsubscribe?",
                                      "请问退订以后怎样恢复", "麻烦问下退订了还能报名吗", "请问能不能退订公告",
                                      "我想知道退订的话会不会影响报名", "what happens if I unsubscribe",
                                      "我不想退订", "不要取消订阅", "上次不小心退订了", "I don't want to unsubscribe"])
async def test_a_question_about_notices_shows_the_one_tap_screen_and_changes_nothing(ask, services, question):
    reply = await ask(question)
    assert reply.intent == "events" and any(b.payload.startswith("sub:") for b in reply.buttons), reply.text
    assert "已为您" not in reply.text and "You have" not in reply.text
    assert await settings(services) == ({"news"}, set())


@pytest.mark.parametrize("question", ["能加入特邀外资金融机构吗", "Can foreign institutions join the alliance?"])
async def test_whether_one_can_join_the_alliance_is_answered_not_done(ask, services, question):
    reply = await ask(question)
    assert reply.intent != "events" and "12" in reply.text, reply.text
    assert await settings(services) == ({"news"}, set())


@pytest.mark.parametrize("request_", ["帮我退订吧", "可以帮我取消订阅吗", "Could you unsubscribe me?"])
async def test_a_request_worded_as_a_question_is_done(ask, services, request_):
    await ask(request_)
    assert await settings(services) == (set(), set())


async def test_announcements_back_on_and_off_in_everyday_words(ask, services):
    await ask("别发了")
    await ask("我又想收公告了")
    assert await settings(services) == ({"news"}, set())
    await ask("公告也不要了")
    assert await settings(services) == (set(), set())


@pytest.mark.parametrize("words", ["I want to get the alliance event notices", "Please send me the alliance event updates"])
async def test_english_asking_for_the_event_notices_subscribes(ask, services, words):
    reply = await ask(words)
    assert reply.intent == "events" and "events" in (await settings(services))[0], reply.text


@pytest.mark.parametrize("words", ["Please do not send me announcements", "I don't want notices", "no more announcements please"])
async def test_english_saying_no_more_notices_opts_out_and_subscribes_nothing(ask, services, words):
    reply = await ask(words)
    assert reply.intent == "events" and await settings(services) == (set(), set()), reply.text
