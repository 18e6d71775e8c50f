"""Short replies to the bot's own question: a typed option (its number, its label or a part only it holds)
is that option; a complete new question leaves the quick-check with a one-line note."""
from __future__ import annotations

import pytest

from bot.choices import part_of
from bot.messages import Button
from bot.phrases import phrases

LEFT = "已退出补贴速算"
CREDIT = "征信公司能拿多少"


@pytest.mark.parametrize("typed, amount", [("个人", "1000万元"), ("企业", "100万元"), ("是个人的", "1000万元"),
                                           ("1", "1000万元"), ("2", "100万元")])
async def test_a_part_or_number_of_an_offered_measure_picks_it(ask, typed, amount):
    await ask(CREDIT)
    reply = await ask(typed)
    assert reply.intent == "calc" and f"最高可获 {amount}" in reply.text and LEFT not in reply.text


@pytest.mark.parametrize("typed, amount", [("国家级", "50万元"), ("部委", "20万元")])
async def test_the_level_typed_picks_the_award_of_that_level(ask, typed, amount):
    await ask("受到表彰的共富项目能拿多少")
    reply = await ask(typed)
    assert reply.intent == "calc" and f"最高可获 {amount}" in reply.text


@pytest.mark.parametrize("typed, answered", [("2", "不能获得"), ("1", "300万元"), ("是新设的", "300万元")])
async def test_a_numbered_yes_or_no_answers_the_condition_asked(ask, typed, answered):
    asked = await ask("资管机构总部管理规模150亿能拿多少")
    assert [b.label for b in asked.buttons][:2] == ["是", "不是"]
    assert answered in (await ask(typed)).text


async def test_a_number_in_the_measure_menu_picks_that_measure(ask):
    menu = await ask("/calc")
    reply = await ask("3")
    assert menu.buttons[2].label.split()[-1] in reply.text


async def test_a_part_several_options_share_is_asked_again(ask):
    await ask(CREDIT)
    reply = await ask("公司")
    assert "请点选" in reply.text and len(reply.buttons) == 3


async def test_a_number_awaited_as_a_figure_is_not_a_button(ask):
    await ask("新设金融总部能拿多少")
    reply = await ask("10亿")
    assert "最高可获 2000万元" in reply.text


@pytest.mark.parametrize("question, said", [("管委会怎么联系", "管委会"), ("小镇在哪", "大运河")])
async def test_a_new_question_leaves_the_pick_with_a_note(ask, question, said):
    await ask(CREDIT)
    reply = await ask(question)
    assert reply.text.startswith(f"（{LEFT}") and said in reply.text


def test_a_part_is_one_label_s_alone():
    buttons = [Button("第14条 共富项目国家表彰奖励", "a"), Button("第14条 共富项目部委表彰奖励", "b"),
               Button("Art. 16 Personal credit bureau grant", "c")]
    fillers = phrases().options.fillers
    assert part_of(buttons, "国家级", fillers).payload == "a"
    assert part_of(buttons, "personal", fillers).payload == "c"
    assert part_of(buttons, "共富项目", fillers) is None          # both hold it
    assert part_of(buttons, "14", fillers) is None                # digits are numbers, not parts
    assert part_of(buttons, "per", fillers) is None               # not a whole word
    assert part_of(buttons, "小镇有几个分会吗？", fillers) is None
