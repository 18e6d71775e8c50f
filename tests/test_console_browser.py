"""The staff console in a real browser (Debian's Chromium, driven by playwright) against the real server on
127.0.0.1, with Telegram played by the fake Bot API: what staff do in the browser shows up in chat."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.clock import FixedClock
from bot.store import Audience
from bot.store.database import iso
from tests.conftest import TODAY
from tests.console_server import BROWSER_ARGS, CHROMIUM, STAFF, USER, copy_knowledge, editable_kb, running

pytestmark = pytest.mark.asyncio(loop_scope="module")
FELL_BACK = "在这里办公附近有地铁吗"           # the data has no answer, and the matcher finds nothing close
ENTRY = "town-advantages"


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    """Copies of the knowledge folders, and a knowledge base loaded from them (edits land there)."""
    faq, policy = copy_knowledge(tmp_path_factory.mktemp("knowledge"))
    return editable_kb(faq, policy), faq, policy


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        await chromium.close()


@pytest_asyncio.fixture(loop_scope="module")
async def server(tmp_path, knowledge):
    kb, faq, policy = knowledge
    async with running(tmp_path / "data", FixedClock(TODAY), kb, faq, policy) as srv:
        yield srv


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser):
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(30_000)     # a save rebuilds the knowledge: slow on a loaded machine
    yield await context.new_page()
    await context.close()


async def reload_until(page: Page, predicate, tries: int = 50) -> None:
    """Reloads until predicate() holds: question outcomes are written off the hot path, in batches."""
    for _ in range(tries):
        if await predicate():
            return
        await asyncio.sleep(0.1)
        await page.reload()
    raise AssertionError("the page never showed what was expected")


async def open_item(page: Page, section: str, item: str) -> None:
    """Through the menu, as staff would: a section, then an item on its page."""
    await page.click(f"nav >> text={section}")
    await page.click(f"text={item}")


async def sign_in(page: Page, link: str) -> None:
    await page.goto(link)
    await page.click("#signin")
    await expect(page.locator("h1")).to_have_text("概览")


async def test_a_staff_member_signs_in_with_a_link_from_telegram_that_works_once(server, page, browser):
    link = await server.link()
    await sign_in(page, link)
    [cookie] = await page.context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == \
        ("console_session", True, "Strict", False)
    assert await page.locator(".who").inner_text() == f"telegram:{STAFF}"

    other = await browser.new_context()
    try:
        reused = await (await other.new_page()).goto(link)
        assert reused.status == 400 and "已使用过或已过期" in await reused.text()
    finally:
        await other.close()

    await page.click("button:has-text('退出')")
    await expect(page.locator(".message")).to_contain_text("已退出")
    again = await page.goto(f"{server.url}/console/")
    assert again.status == 401


async def test_an_enterprise_user_gets_no_link(server):
    [reply] = await server.say("/console", user=USER)
    assert "仅限小镇管委会工作人员" in reply["text"] and "/console/login/" not in reply["text"]


async def test_a_post_without_the_csrf_token_is_refused(server, page):
    await sign_in(page, await server.link())
    refused = await page.request.post(f"{server.url}/console/contacts/town-committee", form={"phone": "123"},
                                      max_redirects=0)
    assert refused.status == 403
    committee = next(c for c in server.svc.kb.knowledge.contacts if c.id == "town-committee")
    assert committee.phone != "123"
    assert not [e for e in await server.svc.store.audit.all() if e.action == "contact.edit"]


async def test_a_malformed_form_or_page_number_gets_a_400_not_a_500(server, page):
    await sign_in(page, await server.link())
    for kind, body in [("application/x-www-form-urlencoded", b"_csrf=x&text=\xff\xfe&audience=all"),
                       ("multipart/form-data; boundary=zz", b"\x00\x01\x02")]:
        refused = await page.request.post(f"{server.url}/console/broadcasts/preview", data=body,
                                          headers={"Content-Type": kind}, max_redirects=0)
        assert refused.status == 400 and "表单无法读取" in await refused.text(), kind
    huge = await page.goto(f"{server.url}/console/events?page={'9' * 5000}")
    assert huge.status == 400
    for path, says in (("/events/999", "没有这个活动"), ("/faq/no-such-entry", "没有这个问答条目"),
                       ("/broadcasts/999", "没有这个群发")):
        missing = await page.goto(f"{server.url}/console{path}")
        assert missing.status == 404 and says in await missing.text() and "回到概览" in await missing.text()
    await page.goto(f"{server.url}/console/broadcasts/new")
    csrf = await page.locator("input[name=_csrf]").first.input_value()
    unchosen = await page.request.post(f"{server.url}/console/unanswered/phrasing", max_redirects=0,
                                       form={"_csrf": csrf, "entry": "", "question": "小镇有停车场吗", "ids": ""})
    assert unchosen.status == 400 and "请先选择" in await unchosen.text()


async def test_links_and_sessions_expire_by_the_clock_and_removed_staff_lose_access(server, page):
    stale = await server.link()
    server.clock.advance(minutes=11)
    assert (await page.goto(stale)).status == 400

    await sign_in(page, await server.link())
    server.clock.advance(minutes=29)
    assert (await page.goto(f"{server.url}/console/events")).status == 200
    server.clock.advance(minutes=31)
    assert (await page.goto(f"{server.url}/console/events")).status == 401

    await sign_in(page, await server.link())
    server.staff.clear()                                       # taken off BOT_STAFF
    gone = await page.goto(f"{server.url}/console/")
    assert gone.status == 403 and "不在工作人员名单" in await gone.text()


async def test_repeated_bad_links_are_rate_limited(server):
    async with aiohttp.ClientSession() as http:
        previews = [(await http.get(f"{server.url}/console/login/seen{i}")).status for i in range(7)]
        statuses = [(await http.post(f"{server.url}/console/login/guess{i}")).status for i in range(7)]
        opened = (await http.get(await server.link())).status
    assert previews == [400] * 7                               # opening or previewing a link counts for nothing
    assert statuses[:5] == [400] * 5 and statuses[5:] == [429, 429]
    assert opened == 200                                       # a good link still shows its confirmation page


async def test_a_question_that_fell_back_becomes_a_phrasing_and_is_then_answered(server, page):
    [before] = await server.say(FELL_BACK)
    assert before["text"].startswith("抱歉，这个问题我暂时答不上来")

    await sign_in(page, await server.link())
    top = page.locator("#top-unanswered")

    async def listed() -> bool:
        return FELL_BACK in await top.inner_text()
    await reload_until(page, listed)
    assert await page.locator("#rate").inner_text() == "0%"

    await page.click("nav >> text=未答问题")
    card = page.locator(".question", has_text=FELL_BACK)
    await card.locator("button:has-text('加为问法')").click()          # no entry is chosen for the staff member
    assert FELL_BACK not in next(e for e in server.svc.kb.knowledge.faq if e.id == ENTRY).questions
    await expect(page.locator(".question", has_text=FELL_BACK)).to_have_count(1)
    await card.locator("select[name=entry]").select_option(ENTRY)
    await card.locator("button:has-text('加为问法')").click()
    await expect(page.locator("#saved")).to_contain_text(ENTRY)
    await expect(page.locator(".question", has_text=FELL_BACK)).to_have_count(0)

    [after] = await server.say(FELL_BACK)
    entry = next(e for e in server.svc.kb.knowledge.faq if e.id == ENTRY)
    assert FELL_BACK in entry.questions
    assert after["text"].startswith(entry.answer.splitlines()[0])


async def test_a_new_entry_needs_its_source_and_errors_name_the_field(server, page):
    await sign_in(page, await server.link())
    await page.goto(f"{server.url}/console/faq/new?question=小镇有没有健身房")
    assert await page.locator("textarea[name=questions]").input_value() == "小镇有没有健身房"
    await page.fill("input[name=id]", "town-gym")
    await page.fill("input[name=category]", "小镇概况")
    await page.fill("textarea[name=questions]", "小镇有没有健身房\n小镇里能健身吗")
    await page.fill("textarea[name=answer]", "资料未载明小镇内的健身设施。")
    await page.fill("textarea[name=questions_en]", "Is there a gym in the town?\nCan I work out in Canal Wealth Town?")
    await page.fill("textarea[name=answer_en]", "The documents do not state any gym in the town.")
    await page.select_option("select[name=doc]", "town-profile")
    await page.eval_on_selector("input[name=section]", "e => e.removeAttribute('required')")   # the server checks too
    await page.select_option("select[name=entities]", ["town"])
    await page.select_option("select[name=aspects]", ["details"])
    await page.click("button:has-text('保存')")
    await expect(page.locator("#error")).to_contain_text("来源章节")
    await page.fill("input[name=section]", "开篇")
    await page.click("button:has-text('保存')")
    await expect(page.locator("#saved")).to_be_visible()
    [reply] = await server.say("小镇里能健身吗")
    assert reply["text"].startswith("资料未载明小镇内的健身设施")


async def test_a_phone_and_office_hours_filled_in_show_on_the_contact_card(server, page):
    await sign_in(page, await server.link())
    await open_item(page, "联系机构", "运河财富小镇管理委员会（小镇管委会）")
    await page.fill("input[name=phone]", "0571-8888 6666")
    await page.fill("input[name=hours]", "工作日 8:30—17:00")
    await page.click("button:has-text('保存')")
    await expect(page.locator("#saved")).to_be_visible()
    card = await server.press("contact:town-committee")
    assert "电话：0571-8888 6666" in card["text"] and "办公时间：工作日 8:30—17:00" in card["text"]


async def test_a_broadcast_composed_in_the_browser_is_delivered_with_live_progress(server, page):
    for user in (2001, 2002, 2003):
        await server.say("你好", user=user)
    server.api.block(2003)
    await sign_in(page, await server.link())
    await open_item(page, "群发", "新建群发")
    await page.fill("textarea[name=text]", "【通知】12月路演报名开始 <请回复>")
    await page.select_option("select[name=audience]", "platform:telegram")
    await page.click("#preview")
    await expect(page.locator(".bubble.tg")).to_have_text("【通知】12月路演报名开始 <请回复>")
    await expect(page.locator(".bubble.wecom").first).to_have_text("【通知】12月路演报名开始 <请回复>")
    recipients = len(await server.svc.store.broadcasts.recipients(Audience("platform", "telegram")))
    await expect(page.locator("#send")).to_contain_text(f"{recipients} 位")

    polls = []
    page.on("request", lambda r: polls.append(r.url) if r.url.endswith("/progress") else None)
    form = {name: await page.locator(f"input[name={name}]").first.input_value() for name in ("_csrf", "once")}
    server.api.flood("sendMessage", retry_after=1)            # holds the first send for a second
    await page.click("#send")
    await expect(page.locator("h1")).to_contain_text("群发 #")
    await expect(page.locator("#status")).to_have_text("已完成", timeout=15_000)
    row = page.locator("tr[data-platform=telegram]")
    assert [await row.locator(f".{k}").inner_text() for k in ("sent", "failed", "pending")] == \
        [str(recipients - 1), "1", "0"]
    await expect(page.locator(".reasons")).to_contain_text("blocked")
    assert polls, "the progress was not polled"
    delivered = [m for u in (2001, 2002) for m in server.api.sent_to(u) if "路演报名开始" in m["text"]]
    assert len(delivered) == 2 and delivered[0]["text"].startswith("【通知】12月路演报名开始 <请回复>")

    again = await page.request.post(f"{server.url}/console/broadcasts", form={
        **form, "text": "【通知】12月路演报名开始 <请回复>", "audience": "platform:telegram", "when": "now", "due": ""})
    assert again.url == page.url                              # a resent form leads to the first send, not a second
    assert len([b for b in await server.svc.store.broadcasts.all() if b.kind == "announcement"]) == 1
    await server.say("转人工", user=2001)                     # its notice to staff is the ticket's, not a broadcast
    assert any(b.kind == "ticket" for b in await server.svc.store.broadcasts.all())
    await page.goto(f"{server.url}/console/broadcasts")
    await expect(page.locator("tbody tr")).to_have_count(1)
    await expect(page.locator("tbody")).not_to_contain_text("ticket")


async def test_a_broadcast_can_be_scheduled_and_unscheduled(server, page):
    async def compose(due: str) -> None:
        await open_item(page, "群发", "新建群发")
        await page.fill("textarea[name=text]", "明早九点停电检修")
        await page.check("input[name=when][value=later]")
        await page.fill("input[name=due]", due)
        await page.click("#preview")

    await sign_in(page, await server.link())
    await compose("2026-11-21T09:00")                                     # the day before "today"
    await expect(page.locator("#error")).to_contain_text("发送时间：这个时间已经过去了")
    await expect(page.locator("textarea[name=text]")).to_have_value("明早九点停电检修")      # nothing typed is lost
    await compose("2026-11-23T09:00")
    await page.click("#send")
    await expect(page.locator("#status")).to_have_text("定时待发")
    [scheduled] = await server.svc.store.broadcasts.all("scheduled")
    assert iso(scheduled.due) == "2026-11-23T09:00:00+08:00" and scheduled.created_by == f"telegram:{STAFF}"
    await page.click("button:has-text('取消定时')")
    await expect(page.locator("#status")).to_have_text("已取消")
    actions = [e.action for e in await server.svc.store.audit.all()]
    assert "broadcast.schedule" in actions and "broadcast.unschedule" in actions
    await page.goto(f"{server.url}/console/audit?action=broadcast.schedule")
    await expect(page.locator("#audit .detail")).to_contain_text("audience=全体用户")       # by name, not as stored


async def test_events_from_the_browser_and_the_audit_log_lists_each_change(server, page):
    await server.say("/subscribe", user=USER)
    await server.press("sub:events:on")
    await sign_in(page, await server.link())
    await page.goto(f"{server.url}/console/events/new")
    await page.fill("input[name=title]", "年度项目路演")
    await page.fill("input[name=start]", "2026-12-01T14:00")
    await page.fill("input[name=place]", "小镇会客厅")
    await page.click("button:has-text('发布并通知订阅者')")
    await expect(page.locator("#saved")).to_be_visible()
    notice = await server.api.wait_for(lambda: [m for m in server.api.sent_to(USER) if "新活动发布" in m["text"]])
    assert "年度项目路演" in notice[0]["text"]

    await page.fill("input[name=place]", "英蓝中心 3 楼")
    await page.click("button:has-text('保存修改并通知')")
    await expect(page.locator("#saved")).to_be_visible()
    await page.click("button:has-text('取消活动并通知')")
    await expect(page.locator(".error")).to_contain_text("本活动已取消")
    await server.api.wait_for(lambda: [m for m in server.api.sent_to(USER) if "已取消" in m["text"]])

    await open_item(page, "联系机构", "小镇金融联盟（金融财富联盟）")
    await page.fill("input[name=address]", "运河财富小镇会客厅")
    await page.click("button:has-text('保存')")
    await expect(page.locator("#saved")).to_be_visible()

    await page.click("nav >> text=操作记录")
    actions = await page.locator("#audit .action").all_inner_texts()
    for action in ("console.link", "console.signin", "event.publish", "event.edit", "event.cancel", "contact.edit"):
        assert action in actions
    assert set(await page.locator("#audit tbody td:nth-child(2)").all_inner_texts()) == {f"telegram:{STAFF}"}
    await page.select_option("select[name=action]", "event.edit")
    await page.click("button:has-text('筛选')")
    assert await page.locator("#audit .action").all_inner_texts() == ["event.edit"]
    await expect(page.locator("#audit .detail")).to_contain_text("地点：小镇会客厅 → 英蓝中心 3 楼")


@pytest.mark.parametrize("width", [1280, 390])
async def test_the_dashboard_renders_on_desktop_and_phone(server, browser, tmp_path, width):
    for text in ("小镇在哪里", "运河财富小镇在哪里", "量子纠缠的猫今天吃什么"):
        await server.say(text)
    context = await browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = await context.new_page()
        await sign_in(page, await server.link())

        async def charted() -> bool:
            return await page.locator("svg.chart rect").count() > 0
        await reload_until(page, charted)
        await page.screenshot(path=str(tmp_path / f"dashboard-{width}.png"), full_page=True)
        for path in ("/", "/unanswered", "/broadcasts/new", "/faq/new", "/audit"):
            await page.goto(f"{server.url}/console{path}")
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is wider than a {width} px screen"
    finally:
        await context.close()
    assert (tmp_path / f"dashboard-{width}.png").stat().st_size > 10_000
