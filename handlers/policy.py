"""Policy answers: the measures (browse, explain), the document's own facts (validity, lead department,
就高不重复), directions without money (QFLP/QDLP, talent, the town's positioning), and matching an
enterprise's self-description or stored profile against every measure.

Every reply that rests on a policy document says whether it is still in force on the clock's today.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache, partial

from bot.inputs import number
from bot.labels import MAX_BUTTONS, short_label
from bot.messages import Button, Incoming, Reply
from bot.payloads import CALC, POLICY
from bot.services import Services
from faq.reading import ASKING
from faq.gazetteer import scan
from faq.schema import Source, holds_any
from handlers import faq, handoff, policy_facts
from policy_data import render
from policy_data.amounts import fmt_money
from policy_data.english import for_reading
from policy_data.extract import ASKS_WHEN, SELF_DESCRIPTION, Reading, beneficiary_types, cue_index, read
from policy_data.loader import ROOT_TYPE, PolicyBook
from policy_data.matching import Fit, Misfit, Suitability, gives_own_figure, match, parts
from policy_data.schema import Measure, PolicyDoc

ASK_TYPE = ("请告诉我贵单位的类型和打算，例如：“我们是外资保险公司，准备在杭州设科技保险专营机构”、"
            "“我们是资产管理公司，管理规模150亿”、“我们是支付机构，今年拿了2张境外支付牌照”。")
MAX_LISTED = 12
TOP_FITS = 3                 # shown with amounts; the rest are buttons
ARTICLE_ONLY = 16
ARTICLE = re.compile(r"第\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*条|\b(?:art(?:icle)?\.?)\s*([0-9]{1,2})\b", re.IGNORECASE)


# what the detailed rules say or when they came out, which no document holds (who draws them up, one does)
RULES_WHAT_OR_WHEN = re.compile(r"内容|条款|什么|哪天|什么时候|何时|日期|下载|在哪|截止|\b(when|say|says|contain|content|download)\b",
                                re.IGNORECASE)
RULES_BY_WHOM = re.compile(r"谁|哪个部门|哪个单位|哪家|\bwho\b|\bwhich (department|body|agency|authority)\b", re.IGNORECASE)
# "How much does a QFLP pilot firm get": an English "how much" asks an amount paid only beside these words (not "how much tax")
PAID_EN = re.compile(r"\b(gets?|receives?|paid|pays?|subsid\w*|grants?|awards?|rewards?|funding)\b", re.IGNORECASE)


policy_reply = partial(render.reply, "policy")


def _today(svc: Services):
    return svc.policy_date()


def _cite(svc: Services, measure: Measure, lang: str = "zh") -> str:
    book = svc.kb.policy
    return render.citation(svc.kb.knowledge.documents, book.policy(measure), measure, lang)


# ── browsing ────────────────────────────────────────────────────────────────────────────────────────────

def _chapters(book: PolicyBook) -> list[str]:
    return list(dict.fromkeys(m.chapter for m in book.measures))


def overview(svc: Services, lang: str = "zh") -> Reply:
    book, en = svc.kb.policy, lang == "en"
    lines = []
    for policy in book.policies.values():
        own = [m for m in book.measures if book.policy(m) is policy]
        articles = len({m.article for m in own})
        lines.append(f"{policy.number} {policy.en.title} ({policy.en.issuer}, {policy.dated.isoformat()}): its funding "
                     f"support comes as {len(own)} measures in {articles} articles." if en else
                     f"{policy.number}《{policy.title}》（{policy.issuer}，{policy.dated.isoformat()}）"
                     f"中的资金支持整理为{len(own)}项措施（分布在{articles}条中）。")
    lines.append("Tap a chapter to see its measures; or describe your institution (e.g. “We are an insurer planning a "
                 "sci-tech insurance specialist institution”), or ask “New financial HQ, paid-in capital RMB 1 billion: "
                 "how much?”." if en else
                 "点选方面查看各项措施；也可以直接说明贵单位情况（例如“我们是保险公司，准备设科创保险专营机构”）"
                 "让我帮您匹配，或直接问“新设金融总部，实收资本10亿，能拿多少？”。")
    lines += render.validity_notes(list(book.policies.values()), _today(svc), lang)
    chapters = _chapters(book)
    names = [next(m.en.chapter for m in book.measures if m.chapter == ch).split(" (")[0] if en else ch
             for ch in chapters]
    buttons = [Button(short_label(name.split("）", 1)[-1]) if not en else short_label(name, "en"), POLICY(f"ch:{i}"))
               for i, name in enumerate(names)]
    if book.summaries:
        buttons.append(Button("Other directions (QFLP, talent…)" if en else "其他支持方向（QFLP、人才等）", POLICY("dir")))
    buttons.append(Button("Match my institution" if en else "按企业情况匹配", "/profile"))
    sources = [f"{svc.kb.knowledge.documents[p.doc].short}" for p in book.policies.values()]
    return policy_reply("\n\n".join(lines), buttons=buttons, sources=sources)


def _chapter(svc: Services, index: int, lang: str = "zh") -> Reply | None:
    book = svc.kb.policy
    chapters = _chapters(book)
    if not 0 <= index < len(chapters):
        return None
    measures = [m for m in book.measures if m.chapter == chapters[index]]
    head = measures[0].en.chapter if lang == "en" else chapters[index]
    lines = [head] + [f"· {render.article(m, lang)} {render.title(m, lang)}{': ' if lang == 'en' else '：'}"
                      f"{render.estimate(m, lang)}" for m in measures]
    lines += render.validity_notes([book.policy(m) for m in measures], _today(svc), lang)
    buttons = [Button(f"{render.article(m, lang)} {render.title(m, lang)}", POLICY(f"m:{m.id}")) for m in measures]
    return policy_reply("\n".join(lines), buttons=buttons,
                  sources=list(dict.fromkeys(_cite(svc, m, lang) for m in measures)))


def measure_reply(svc: Services, measure: Measure, confidence: float = 1.0, lang: str = "zh") -> Reply:
    book = svc.kb.policy
    policy = book.policy(measure)
    text = "\n\n".join([render.detail(measure, lang), render.no_double(policy, lang=lang),
                        *render.validity_notes([policy], _today(svc), lang)])
    label = "How much can we get?" if lang == "en" else "速算我能拿多少"
    buttons = [Button(label, CALC(measure.id))] if measure.rule.type != "unquantified" else []
    return policy_reply(text, confidence=confidence, buttons=buttons, sources=[_cite(svc, measure, lang)])


def _summary_reply(svc: Services, summary, lang: str = "zh") -> Reply:
    book = svc.kb.policy
    policies = [p for p in book.policies.values() if any(s.doc == p.doc for s in summary.sources)]
    head = f"[{summary.en.title}]\n{summary.en.text}" if lang == "en" else f"【{summary.title}】\n{summary.text}"
    plans = dict.fromkeys(s.doc for s in summary.sources if s.doc not in {p.doc for p in policies})
    periods = [note.strip() for doc in plans if (note := svc.kb.period_note(doc, _today(svc), lang))]
    text = "\n\n".join([head, *filter(None, ["\n".join(periods)]), *render.validity_notes(policies, _today(svc), lang)])
    return policy_reply(text, sources=[svc.kb.knowledge.cite(s, lang) for s in summary.sources])


def _directions(svc: Services, lang: str = "zh") -> Reply:
    summaries = svc.kb.policy.summaries
    en = lang == "en"
    return policy_reply("Support directions without amounts, tap one:" if en else "不涉及具体金额的支持方向，点选查看：",
                  buttons=[Button(short_label(s.en.title, "en") if en else short_label(s.title), POLICY(f"s:{s.id}")) for s in summaries])


MONTH_ASKED = re.compile(r"(20\d\d)年(\d{1,2})月")


def _asked_years(svc: Services, msg: Incoming) -> list[int]:
    """The years a question asks about, not those of a document number (杭政办〔2023〕2号); "明年" is next year."""
    years = msg.reading.years if msg.reading else []
    if msg.english and not years:      # "We were approved in December 2025. Is that within the period?": said before
        years = [int(y) for y in re.findall(r"\b(?:in|on|since|from|during)\s+(?:[a-z]+\.?\s+)?(20\d\d)\b", msg.text.lower())]
    said = msg.reading.query if msg.reading and not msg.english else ""
    relative = [_today(svc).year + ahead for word, ahead in faq.RELATIVE_YEARS.items() if word in said]
    return list(dict.fromkeys([*(y for y in years if not re.search(rf"[〔\[(（]\s*{y}\s*[〕\])）]", msg.folded)), *relative]))


def _document_en(policy: PolicyDoc) -> str:
    en, to = policy.en, render.day_en(policy.effective_to) if policy.effective_to else "(not stated)"
    years = policy.whole_years()
    return "\n".join([f"{policy.number} {en.title}", f"Issued by: {en.issuer}, dated {render.day_en(policy.dated)}, "
                                                      f"printed and issued on {render.day_en(policy.issued)}",
                      f"In force: from {render.day_en(policy.effective_from)}, valid until {to}"
                      + (f" ({years} years)" if years else ""),
                      f"Lead department: {en.lead_department}. The text says: “{en.lead_text}”",
                      render.no_double(policy, lang="en")])


def document_reply(svc: Services, lang: str = "zh", years: Sequence[int] = (), asked: str = "") -> Reply:
    """The documents' own facts, whether each is in force today first (and in each year asked about): issuer,
    dates, validity, lead department, 就高不重复; only the validity, or only 就高不重复, when that alone is `asked`."""
    book, blocks, sources = svc.kb.policy, [], []
    months = {int(y): int(m) for y, m in MONTH_ASKED.findall(asked) if 1 <= int(m) <= 12}     # "2026年3月"
    focus = {k: lang != "en" and holds_any(asked, book.words[k]) for k in ("doc_validity", "doc_stacking")}
    more = {*book.words["doc_words"], *book.words["document_only"]} - {*book.words["doc_validity"], *book.words["doc_stacking"]}
    validity, stacking = (focus[k] and not any(w in asked for w in more) for k in focus)
    for policy in book.policies.values():
        blocks.append("\n".join([render.status(policy, _today(svc), lang),
                                 *(render.year_status(policy, y, lang, months.get(y)) for y in years)]))
        if validity != stacking:
            blocks.append(f"{_validity_lines(policy)}\n原文：“{policy.lead_text}”" if validity
                          else _no_double_explained(svc, policy))
            sources.append(svc.kb.knowledge.cite(Source(doc=policy.doc, section=policy.section)))
            continue
        if lang == "en":
            blocks.append(_document_en(policy))
            sources.append(svc.kb.knowledge.cite(Source(doc=policy.doc, section=policy.section), lang))
            continue
        blocks.append("\n".join([
            f"{policy.number}《{policy.title}》",
            f"发文：{policy.issuer}，成文日期{policy.dated.isoformat()}，{policy.issued.isoformat()}印发",
            _validity_lines(policy),
            f"牵头部门：{policy.lead_department}。原文：“{policy.lead_text}”",
            *([f"制定：原文“{policy.approval}”"] if policy.approval else []),
            *([f"公开：文末注明“（{policy.publication}）”"] if policy.publication else []),
            render.no_double(policy),
        ]))
        sources.append(svc.kb.knowledge.cite(Source(doc=policy.doc, section=policy.section)))
    return policy_reply("\n\n".join(blocks), sources=sources)


def _validity_lines(policy: PolicyDoc) -> str:
    return (f"施行：{policy.effective_from.isoformat()}起，有效期至"
            f"{policy.effective_to.isoformat() if policy.effective_to else '（未规定）'}"
            + (f"（共{years}年）" if (years := policy.whole_years()) else ""))


def _no_double_explained(svc: Services, policy: PolicyDoc) -> str:
    """就高不重复 in plain words: the reviewed answer that quotes the rule, else the rule itself."""
    return next((e.answer for e in svc.kb.knowledge.faq if policy.doc in e.entities and policy.no_double_rule in e.answer),
                render.no_double(policy))


async def by_payload(svc: Services, msg: Incoming) -> Reply:
    key = POLICY.arg(msg.payload)
    book = svc.kb.policy
    if key.startswith("ch:") and (chapter := number(key[3:])) is not None and (reply := _chapter(svc, chapter, msg.lang)):
        return reply
    if key.startswith("m:") and (measure := book.measure(key[2:])):
        return measure_reply(svc, measure, lang=msg.lang)
    if key.startswith("s:"):
        for summary in book.summaries:
            if summary.id == key[2:]:
                return _summary_reply(svc, summary, msg.lang)
    if key == "dir":
        return _directions(svc, msg.lang)
    if key == "mine":
        return await mine(svc, msg)
    return overview(svc, msg.lang)


# ── matching ────────────────────────────────────────────────────────────────────────────────────────────

ASK_TYPE_EN = ("Please tell me what kind of institution you are and what you plan, e.g. “We are a foreign insurer "
               "planning a sci-tech insurance specialist institution in Hangzhou”, “We are an asset manager with AUM of "
               "15bn”.")


def _worth(fit: Fit, lang: str, currency: str | None) -> str:
    """What the fit gives: the amount from the description's figures, item by item when there are several; or
    why there is none yet (another currency, a condition the description does not state) and the rule."""
    o, m, en = fit.outcome, fit.outcome.measure, lang == "en"
    if fit.foreign:
        what = (" and ".join(render.label(m, k, lang) for k in fit.foreign) if en
                else "、".join(render.label(m, k) for k in fit.foreign))
        return (f"may fit. Your {what} is given in a foreign currency; the document computes in RMB and sets no exchange "
                f"rate, so please tell me the {what} in RMB" if en else
                f"可能适用。您给的{what}是外币金额（“{currency}”），文件按人民币计算、没有规定汇率，请告诉我折合人民币的{what}")
    if fit.given and fit.unstated:
        needs = "; ".join(render.condition_text(m, c, lang) for c in fit.unstated) if en else \
            "；".join(c.text for c in fit.unstated)
        return (f"may fit if: {needs} (your description does not say so); {render.estimate(m, lang)}" if en else
                f"可能适用，需符合：{needs}（您没有说明这一点）；{render.estimate(m)}")
    if not fit.priced:
        return render.estimate(m, lang, brief=en)
    if fit.items:
        each = " + ".join(render.money(i.amount, lang) for i in fit.items if i.status == "ok")
        return (f"item by item, each with its own cap: {each} = {render.money(fit.total, lang)} in total (from the "
                f"figures you gave)" if en else f"逐项计算、各自适用上限：{each} = 合计{fmt_money(fit.total)}（按您提供的数字测算）")
    return (f"{render.gets(m, lang)} {render.money(o.amount, lang)} (from the figures you gave)" if en
            else f"{render.gets(m)} {fmt_money(o.amount)}（按您提供的数字测算）")


def _fit_line(fit: Fit, lang: str, currency: str | None = None, with_conditions: bool = True) -> str:
    o, m = fit.outcome, fit.outcome.measure
    line = f"· {render.article(m, lang)} {render.title(m, lang)}{': ' if lang == 'en' else '：'}{_worth(fit, lang, currency)}"
    confirm = [c for c in o.open_conditions if with_conditions and not (fit.given and c in fit.unstated)][:1 if lang == "en" else 2]
    if confirm:
        conditions = [render.condition_text(m, c, lang) for c in confirm]
        line += ("; still to confirm: " + "; ".join(conditions)) if lang == "en" else "。还需确认：" + "；".join(conditions)
    return line


def _misfit_reason(book: PolicyBook, misfit: Misfit, lang: str) -> str:
    if lang != "en":
        return misfit.reason
    if misfit.outcome is None:
        return "for " + ", ".join(book.types[b].en.label for b in misfit.measure.beneficiaries)
    o = misfit.outcome
    return render.check_line(o.measure, o.failed[0], lang) if o.failed else render.below_tiers(o, lang)


def _denied_line(misfit: Misfit, lang: str) -> str:
    """The measure and the user's words ruling it out; in Chinese also the condition (an English one runs long and
    the measure's button gives it)."""
    m, said = misfit.measure, "”“".join(misfit.said)
    if lang == "en":
        return f"{render.article(m, lang)} {render.title(m, lang)} (you say “{said}”)"
    return f"{render.article(m)} {render.title(m)}（您提到“{said}”；原文条件：{'；'.join(c.text for c in misfit.denied)}）"


def _own_measures(book: PolicyBook, result: Suitability) -> bool:
    """Some measure fitting is for the asker's kind or a kind it belongs to, not only for any enterprise."""
    reach = set().union(*(book.ancestors(t) for t in result.types)) - {ROOT_TYPE}
    reach -= {t for t in reach if book.types[t].generic}
    return not reach or any(reach & set(f.outcome.measure.beneficiaries) for f in result.fits)


def match_reply(svc: Services, description: str, result: Suitability, lead: str = "", lang: str = "zh") -> Reply:
    """What fits, on one phone screen: the measures that fit best (the plan's first, then the asker's own kind),
    with amounts; the other candidates behind 更多 buttons; nothing the description rules out (measures whose
    figures fail are named briefly)."""
    book = svc.kb.policy
    en = lang == "en"

    def say(zh: str, english: str) -> str:
        return english if en else zh

    def named(m) -> str:
        return f"{render.article(m, lang)} {render.title(m, lang)}"
    if not result.types:
        return policy_reply((lead + "\n" if lead else "") + say("还不清楚贵单位属于哪类机构。" + ASK_TYPE,
                                                          "I cannot tell yet what kind of institution you are. "
                                                          + ASK_TYPE_EN), confidence=0.5)
    labels = say("、", ", ").join(book.types[t].en.label if en else book.types[t].label for t in result.types)
    ranked = [f for f in result.fits if f.planned] + [f for f in result.fits if not f.planned]
    top, rest = ranked[:TOP_FITS], ranked[TOP_FITS:MAX_LISTED]
    lines = [lead] if lead else []
    related = [s for s in book.summaries if any(k.lower() in description.lower() for k in s.keywords)]
    if top and not _own_measures(book, result):      # "我们是小额贷款公司": what the document says of the kind first
        lines += [s.en.text if en and s.en else s.text for s in related[:1]]
        related = related[1:]
        lines.append(say(f"文件没有专门面向{labels}的资金支持措施，以下面向各类企业或组织的措施按其条件适用：",
                         f"The document has no funding measure of its own for {labels}; these measures, open to any "
                         "enterprise or organisation, apply on their conditions:"))
    else:
        lines.append(say(f"按您的情况（{labels}），最相关的支持措施：", f"Best fits for {labels}:")
                     if top else say(f"按您的情况（{labels}），没有找到适用的资金支持措施。",
                                     f"For you ({labels}), no measure with money applies."))
    first_fit = len(lines)
    lines += [_fit_line(f, lang, result.currency) for f in top]
    failed = [f for f in result.misfits if f.outcome is not None]
    if failed:
        lines.append(say("按您提供的数字不符合：", "Not met with the figures you gave: ") + say("；", "; ").join(
            f"{named(f.measure)}{say('（', ' (')}{_misfit_reason(book, f, lang)}{say('）', ')')}" for f in failed[:2]))
    if denied := [f for f in result.misfits if f.denied]:
        lines.append(say("按您所说不符合：", "Not met by what you say: ") + say("；", "; ").join(_denied_line(f, lang)
                                                                                          for f in denied))
    if rest or related:
        lines.append(say(f"另有{len(rest) + len(related)}项可能相关，点下方“更多”按钮查看。",
                         f"{len(rest) + len(related)} more may be relevant: tap “More” below."))
    if result.currency and not any(f.foreign for f in top):
        lines.append(say(f"文件按人民币计算，也没有规定汇率：外币金额（“{result.currency}”）我不折算、不用于测算。",
                         "The document computes in RMB and sets no exchange rate: I do not convert an amount in a "
                         "foreign currency or compute with it."))
    policies = list(dict.fromkeys(book.policy(f.outcome.measure) for f in result.fits))
    tail = render.validity_notes(policies, _today(svc), lang)
    priced = [f for f in result.fits if f.priced]
    if len(priced) > 1:            # the same enterprise meeting several measures gets the highest one
        best = max(priced, key=lambda f: f.total)
        tail.insert(0, render.no_double(book.policy(best.outcome.measure), replace(best.outcome, amount=best.total),
                                        lang))
    elif len(top) > 1:
        tail.insert(0, say("同一项目符合本文件多项措施时能否叠加，文件未载明（其就高不重复原则针对同时符合本市其他政策的情形）。",
                           "Whether these measures add up, the document does not say (its 就高不重复 rule is about "
                           "other Hangzhou policies)."))
    more = say("更多：", "More: ")
    buttons = [Button(named(f.outcome.measure), POLICY(f"m:{f.outcome.measure.id}")) for f in top]
    buttons += [Button(f"{more}{s.en.title if en else s.title}"[:40 if en else 20], POLICY(f"s:{s.id}")) for s in related]
    buttons += [Button(f"{more}{named(f.outcome.measure)}"[:40 if en else 20], POLICY(f"m:{f.outcome.measure.id}"))
                for f in rest][:max(0, MAX_BUTTONS - len(buttons))]
    def joined() -> str:
        return "\n".join(lines) + ("\n\n" + "\n".join(tail) if tail else "")
    text = joined()
    if len(text) > PHONE_CHARS and top:        # one phone screen: each measure's conditions are behind its button
        lines[first_fit:first_fit + len(top)] = [_fit_line(f, lang, result.currency, with_conditions=False) for f in top]
        lines.insert(first_fit + len(top), say("（各项的条件请点下方对应按钮查看。）", "(Tap a measure below for its conditions.)"))
        text = joined()
    return policy_reply(text, buttons=buttons, sources=list(dict.fromkeys(_cite(svc, f.outcome.measure, lang) for f in top)))


def parts_reply(svc: Services, msg: Incoming) -> Reply | None:
    """Several parts, each one measure with its own figure: each priced with its own cap; added up when they are
    for different institutions (the measures' beneficiaries differ), else the highest one (就高不重复)."""
    book = svc.kb.policy
    outcomes = None if msg.english else parts(book, msg.text)
    if not outcomes:
        return None
    blocks = ["\n".join(render.outcome_lines(o)) for o in outcomes]
    if len({tuple(o.measure.beneficiaries) for o in outcomes}) == len(outcomes):
        whose = "；".join(f"{render.article(o.measure)} {o.measure.title}：{o.measure.beneficiary}" for o in outcomes)
        blocks.append(f"以上{len(outcomes)}项分属不同主体（{whose}），各自计算、各有上限 → 合计最高可获 "
                      f"{fmt_money(sum(o.amount for o in outcomes))}。")
    elif render.different_things(outcomes):
        blocks.append(render.added_up(outcomes))
    else:
        best = max(outcomes, key=lambda o: o.amount)
        blocks.append(render.no_double(book.policy(best.measure), best))
    policies = [book.policy(o.measure) for o in outcomes]
    blocks += render.validity_notes(policies, _today(svc))
    return Reply("\n\n".join(blocks), intent="calc", confidence=0.9,
                 sources=list(dict.fromkeys(_cite(svc, o.measure) for o in outcomes)))


def describe_and_match(svc: Services, description: str, lead: str = "", lang: str = "zh", typed: str = "") -> Reply:
    """`description` as the Chinese extractor reads it (English questions translated by the caller, `typed` the
    words as written). A description that asks nothing and prices one measure on its own figures
    ("我们是新设立的金融租赁总部，实收资本3亿") is that measure's quick-check."""
    result = match(svc.kb.policy, description, typed)
    priced = [f for f in result.fits if f.priced]
    if not lead and len(priced) == 1 and not priced[0].items and not result.currency \
            and not ASKING.search(typed or description):
        return _priced_alone(svc, priced[0], result, lang)
    return match_reply(svc, description, result, lead, lang)


def _priced_alone(svc: Services, fit: Fit, result: Suitability, lang: str) -> Reply:
    """The arithmetic of the one measure the description's figures price, the other candidates behind buttons."""
    book, m = svc.kb.policy, fit.outcome.measure
    others = [f.outcome.measure for f in result.fits if f is not fit][:MAX_BUTTONS - 1]
    blocks = ["\n".join(render.outcome_lines(fit.outcome, lang))]
    if others:
        blocks.append(f"{len(others)} more measures may fit you: tap below." if lang == "en"
                      else f"另有{len(others)}项措施可能与贵单位相关，点下方按钮查看。")
    blocks += render.validity_notes([book.policy(m)], _today(svc), lang)
    buttons = [original_button_for(m, lang)] + [Button(f"{render.article(o, lang)} {render.title(o, lang)}", POLICY(f"m:{o.id}"))
                                                for o in others]
    return render.reply("calc", "\n\n".join(blocks), confidence=0.9, buttons=buttons, sources=[_cite(svc, m, lang)])


async def mine(svc: Services, msg: Incoming) -> Reply:
    """Match the stored profile, or explain how to describe oneself."""
    profile = await svc.store.users.profile(msg.user_key)
    if profile and profile.description:
        return describe_and_match(svc, for_reading(profile.description, svc.kb.policy, msg.lang),
                                  msg.say("您保存的单位情况：", "Your saved profile: ") + profile.description, msg.lang)
    return policy_reply(msg.say("还没有您的单位情况。" + ASK_TYPE + "\n也可以用 /profile 保存，以后直接问“适合我们的政策有哪些”。",
                          "I have no profile of yours yet. " + ASK_TYPE_EN + "\nYou can also save one with /profile."),
                  confidence=0.6, buttons=[Button(msg.say("保存单位情况", "Save my profile"), "/profile")])


# ── free text and /policy ───────────────────────────────────────────────────────────────────────────────

def _own_figure(figure) -> bool:
    """A figure the enterprise gives of itself: not a word misread as a number ("十三五") nor the "一家" of
    "我们是一家银行"."""
    return figure.error is None and not (figure.kind == "count" and figure.value == 1)


def _names_a_plan(svc: Services, msg: Incoming) -> bool:
    """The message names a document without policy measures (a plan, the yearbook): what it asks is that
    document's content, for the FAQ to answer or decline."""
    measured = {p.doc for p in svc.kb.policy.policies.values()}
    return any(e in svc.kb.knowledge.documents and e not in measured for e in msg.reading.entities)


def _faq_knows(svc: Services, msg: Incoming) -> bool:
    """Directions without money defer to a confident FAQ answer (the planning documents live there)."""
    reading = msg.reading
    best, _ = faq.choose(svc, reading, reading.ranked())
    return best is not None


def _article_number(raw: str) -> int:
    if raw.isascii():
        return int(raw)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    tens, _, ones = raw.partition("十")
    if "十" not in raw:
        return digits[raw]
    return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)


def article_reply(svc: Services, number_: int, lang: str = "zh", asked: str = "") -> Reply | None:
    """"第12条讲什么": the article's measures (sentence, conditions, amounts) and what the document says there;
    with the words `asked` ("第7条要动态发布哪些指数"), the article's passage sharing the longest phrase with them first."""
    book = svc.kb.policy
    measures = [m for m in book.measures if m.article == number_]
    articles = _numbered_articles(svc)
    said = [e for e in articles if f"第{number_}条" in e.source.section]
    if passage := _article_passage(svc, number_, asked):
        said = [passage, *(e for e in said if e is not passage)]
    if not measures and not said:
        return _no_such_article(book, articles, number_, lang)
    en = lang == "en"
    # what the article says first: its answer points below to the measures' amounts
    blocks = [(e.in_english() if en else e).answer for e in said[:2]] + [render.detail(m, lang) for m in measures]
    policies = list(dict.fromkeys(book.policy(m) for m in measures))
    blocks += render.validity_notes(policies, _today(svc), lang) if policies else []
    sources = [svc.kb.knowledge.cite(e.source, lang) for e in said[:2]] + [_cite(svc, m, lang) for m in measures]
    return policy_reply("\n\n".join(blocks), buttons=faq.quick_check_buttons(measures, lang, 3),
                  sources=list(dict.fromkeys(sources)))


def _article_passage(svc: Services, number_: int, asked: str):
    """The FAQ entry on the article ("第14条", "（四）14.") whose answer holds the longest phrase of `asked` (at
    least PASSAGE_MIN characters once the question's scaffold is dropped), or None."""
    docs = {p.doc for p in svc.kb.policy.policies.values()}
    own = re.compile(rf"第{number_}条|）{number_}\.(?!、)")
    entries = [e for e in svc.kb.knowledge.faq if e.source.doc in docs and own.search(e.source.section)]
    runs = PHRASE.findall(svc.kb.policy.patterns["scaffold"].sub(" ", ARTICLE.sub(" ", asked)))

    def shared(answer: str) -> int:
        return max((size for run in runs for size in range(len(run), PASSAGE_MIN - 1, -1)
                    if any(run[i:i + size] in answer for i in range(len(run) - size + 1))), default=0)
    best = max(entries, key=lambda e: shared(e.answer), default=None)
    return best if best is not None and shared(best.answer) else None


def _numbered_articles(svc: Services) -> list:
    return [e for e in svc.kb.knowledge.faq if e.source.doc == "opinions-2023" and ARTICLE.search(e.source.section)]


def _last_article(book: PolicyBook, articles: list) -> int:
    return max([m.article for m in book.measures] + [_article_number(a or b) for e in articles
                                                     for a, b in ARTICLE.findall(e.source.section)], default=0)


def _articles_count(book: PolicyBook, last: int, lang: str) -> str:
    doc = next(iter(book.policies.values()))
    if lang == "en":
        return f"{doc.en.number if doc.en else doc.number} has {last} numbered measures (articles 1–{last})"
    return f"{doc.number}的具体措施共{last}条（第1—{last}条）"


def _no_such_article(book: PolicyBook, articles: list, number_: int, lang: str) -> Reply | None:
    """"第19条是什么" of a document whose numbered measures end at 第18条: it says how many there are."""
    last = _last_article(book, articles)
    if not last or number_ <= last:
        return None
    said = _articles_count(book, last, lang)
    return policy_reply(f"{said}; there is no article {number_}." if lang == "en" else f"{said}，没有第{number_}条。")


def _count_reply(svc: Services, msg: Incoming) -> Reply | None:
    """"文件一共有几条具体措施": how many numbered measures the document has, with the overview's buttons."""
    book = svc.kb.policy
    last = _last_article(book, _numbered_articles(svc))
    if not last:
        return None
    reply = overview(svc, msg.lang)
    reply.text = f"{_articles_count(book, last, msg.lang)}{'.' if msg.english else '。'}\n\n{reply.text}"
    return reply


def articles_reply(svc: Services, numbers: list[int], lang: str = "zh") -> Reply | None:
    """Several articles asked at once: each of their measures on one line with its rule; None unless every article
    named has measures."""
    book = svc.kb.policy
    measures = [[m for m in book.measures if m.article == n] for n in numbers]
    if not all(measures):
        return None
    found = [m for of_one in measures for m in of_one]
    sep = ": " if lang == "en" else "："
    lines = [f"· {render.article(m, lang)} {render.title(m, lang)}{sep}{render.rule_text(m, lang)}" for m in found]
    policies = list(dict.fromkeys(book.policy(m) for m in found))
    return policy_reply("\n\n".join(["\n".join(lines), *render.validity_notes(policies, _today(svc), lang)]),
                  buttons=faq.quick_check_buttons(found, lang, 8),
                  sources=list(dict.fromkeys(_cite(svc, m, lang) for m in found)))


# "5000万含本数吗", "超过5%是怎么算的": a figure the measures state, asked about without naming the measure;
# and "征信公司有什么补贴": the measures a question names alike. At most this many are set out in full.
QUOTED_MAX = 3



def _quoting(book: PolicyBook, reading: Reading) -> list:
    """The measures stating every figure of the question (a bound, a tier, a cap, an amount or the rate), when few do."""
    said = [(f.kind == "money", f.value) for f in reading.figures if f.value is not None
            and f.kind != "number"]
    if not said or len(said) != len(reading.figures) or not (book.patterns["quote_asks"].search(reading.text) or reading.about_policy()):
        return []
    found = [m for m in book.measures if set(said) <= m.stated_figures() | {(False, getattr(m.rule, "rate", None))}]
    found = [m for m in found if m.id in reading.scores] or found      # "征信200万次": the measure it names
    return found if len(found) <= QUOTED_MAX else []


def quotes_the_rule(book: PolicyBook, reading: Reading) -> bool:
    """"金融科技子公司那条，5000万是含本数吗": every figure is one a named measure states, asked about in the words
    of a quote ("含", "门槛"), no amount asked: the rule is answered, nothing computed."""
    return bool(reading.figures) and bool(reading.candidates()) and not reading.asks_amount() \
        and bool(book.patterns["quote_asks"].search(reading.text)) \
        and any(m.id in reading.scores for m in _quoting(book, reading))


def details_reply(svc: Services, measures: list, lang: str) -> Reply:
    """Each measure's sentence, who benefits, its rule and conditions: nothing computed for the asker."""
    book = svc.kb.policy
    policies = list(dict.fromkeys(book.policy(m) for m in measures))
    blocks = [render.detail(m, lang) for m in measures] + [render.no_double(p, lang=lang) for p in policies]
    blocks += render.validity_notes(policies, _today(svc), lang)
    return policy_reply("\n\n".join(blocks), confidence=0.8,
                  buttons=[Button(f"{render.article(m, lang)} {render.title(m, lang)}", POLICY(f"m:{m.id}")) for m in measures],
                  sources=list(dict.fromkeys(_cite(svc, m, lang) for m in measures)))


# Which policies a kind of institution gets, asked without "我们是…" ("公司" alone names no kind).
GENERIC = ("企业", "公司", "集团")


def _names_a_kind(text: str, book: PolicyBook) -> bool:
    """A kind of institution named by more than a bare 企业/公司/集团."""
    found = set(beneficiary_types(text, book)) - {"organization"}
    return bool(found - {"enterprise"}) or ("enterprise" in found and any(
        w in text for w in book.types["enterprise"].words if w not in GENERIC))


def _about_the_kind(book: PolicyBook, reading: Reading) -> bool:
    """"征信公司能拿哪些补贴": every word that named a measure lies within a word naming a kind of institution, and
    that kind has more measures than those named: the question is about all of them. ("金融科技子公司有补助吗"
    names the one measure for its kind: that measure answers.)"""
    kinds = scan(reading.text, cue_index(book)["types"])
    hits = scan(reading.text, cue_index(book)["keywords"])
    if not hits or not all(any(ks <= start and end <= ke for ks, ke, _ in kinds) for start, end, _ in hits):
        return False
    named = {kind for _, _, kind in kinds}
    return any(m.id not in reading.scores for m in book.measures if named & set(m.beneficiaries))


def _unstated_procedure(policy: PolicyDoc, msg: Incoming) -> str:
    """In English the document's sentence is only referred to (its dates are in the validity note): it is long."""
    lead = policy.en.lead_department if policy.en else policy.lead_department
    return msg.say(f"{policy.number}没有载明申请流程、申报材料、受理窗口和申报、拨付时间。原文：“{policy.lead_text}”"
                   f"具体办法以{policy.lead_department}牵头制定的细则为准，请向{policy.lead_department}咨询。",
                   f"{policy.number} does not state an application procedure, the materials, where to apply or when "
                   f"to apply or be paid: its detailed rules are to be drawn up under the lead of the {lead}; please "
                   "ask them.")


def original_button(msg: Incoming, measure_id: str) -> Button:
    return Button(msg.say("查看原文与条件", "Original text and conditions"), POLICY(f"m:{measure_id}"))


def original_button_for(measure: Measure, lang: str) -> Button:
    return Button("Original text and conditions" if lang == "en" else "查看原文与条件", POLICY(f"m:{measure.id}"))


def _procedure_of(svc: Services, msg: Incoming, measure: Measure, unstated: str) -> Reply:
    """How to apply for a measure: the documents are silent, said first; the measure's amount and conditions,
    its text a tap away."""
    policy = svc.kb.policy.policy(measure)
    amount = f"{render.heading(measure, msg.lang)} {render.estimate(measure, msg.lang)}"
    notes = render.validity_notes([policy], _today(svc), msg.lang)
    text = "\n\n".join([unstated, "\n".join([amount, *render.conditions(measure, msg.lang)]), *notes])
    if len(text) > PHONE_CHARS:        # the conditions too are behind the button then
        text = "\n\n".join([unstated, amount, *notes])
    reply = measure_reply(svc, measure, lang=msg.lang)
    return replace(reply, text=text, intent="fallback", confidence=0.5,
                   buttons=[original_button(msg, measure.id), *reply.buttons])


PHONE_CHARS = 600      # a reply longer than this scrolls on a phone screen
# Kinds of organisation the policies have no measure of their own for.
NO_MEASURE_KINDS = ("律师事务所", "律所", "会计师事务所", "税务师事务所")


def _no_measure_reply(svc: Services, msg: Incoming, kind: str) -> Reply:
    """"律师事务所有补贴吗": no measure names the kind; the measures for any organisation may still apply."""
    book = svc.kb.policy
    open_to_all = [m for m in book.measures if ROOT_TYPE in m.beneficiaries]
    named = msg.say("、", "; ").join(f"{render.article(m, msg.lang)} {render.title(m, msg.lang)}" for m in open_to_all)
    policies = list(book.policies.values())
    text = msg.say(f"{'、'.join(p.number for p in policies)}没有专门针对{kind}的资金支持条款，文件未载明{kind}可享受的补贴。"
                   f"面向各类组织的措施按其条件适用：{named}。",
                   f"{', '.join(p.number for p in policies)} has no support measure of its own for a {kind}, and "
                   f"states no subsidy for one. The measures open to any organisation apply on their conditions: "
                   f"{named}.")
    text += msg.say(f"\n也可以{handoff.way(svc, msg)}。", f"\nYou can also {handoff.way(svc, msg)}.")
    return handoff.with_offer(svc, msg, Reply(text, intent="fallback", confidence=0.5,
                                              buttons=[Button(f"{render.article(m, msg.lang)} {render.title(m, msg.lang)}",
                                                              POLICY(f"m:{m.id}")) for m in open_to_all[:3]]))


def _procedure_reply(svc: Services, msg: Incoming) -> Reply:
    """What the document says of its detailed rules, that it states no procedure, materials or deadline, and
    the way to a person."""
    blocks = []
    for policy in svc.kb.policy.policies.values():
        blocks.append(_unstated_procedure(policy, msg))
        blocks += render.validity_notes([policy], _today(svc), msg.lang)
    blocks.append(msg.say(f"也可以{handoff.way(svc, msg)}。", f"You can also {handoff.way(svc, msg)}."))
    return Reply("\n\n".join(blocks), intent="fallback", confidence=0.5)


def _about_another_body(svc: Services, msg: Incoming, reading: Reading) -> bool:
    """"加入联盟需要什么材料": a procedure of something the question names (the alliance, the committee) that
    is no policy document, with no word of support: answered for that body, not from the policy."""
    named = msg.reading.entities if msg.reading else []
    docs = {p.doc for p in svc.kb.policy.policies.values()}
    return bool(named) and not docs & set(named) and not holds_any(reading.text, svc.kb.policy.words["support"])


def _scope_reply(svc: Services, msg: Incoming, reading: Reading) -> Reply | None:
    """"2号文适用于上海吗", "我们不在运河财富小镇，能享受2号文吗": where the document applies."""
    book = svc.kb.policy
    if not book.patterns["applies"].search(msg.text) or not (holds_any(reading.text, book.words["doc_refs"])
                                                             or book.patterns["doc_named_en"].search(msg.text)):
        return None
    other = reading.place
    if other is None and not book.patterns["local_place"].search(reading.text):
        return None
    policies = list(book.policies.values())
    blocks = [render.scope(p, other, msg.lang) for p in policies] + render.validity_notes(policies, _today(svc), msg.lang)
    return policy_reply("\n\n".join(blocks), confidence=0.8,
                  sources=[svc.kb.knowledge.cite(Source(doc=p.doc, section=p.section), msg.lang) for p in policies])


def _ruled_out(svc: Services, msg: Incoming, reading: Reading) -> tuple[list, str] | None:
    """The measures a question names while the asker's own words rule their conditions out, and those words:
    an English question's (policy_ruled_out.yaml), or a measure's not_when left by the quick-check to the FAQ
    ("Can a bank branch…" asks what the documents never state of a bank branch)."""
    book = svc.kb.policy
    if msg.english and reading.candidates() \
            and (said := book.ruling_out(msg.text, True, list(map(book.measure, reading.candidates())))):
        return list(map(book.measure, reading.candidates())), said
    if reading.ruled_out and not reading.candidates() and faq.asks_unstated(svc, msg):
        return list(map(book.measure, reading.ruled_out)), next(iter(reading.ruled_out.values()))
    return None


def _not_met_reply(svc: Services, msg: Incoming, measures: list, said: str) -> Reply:
    """Each measure's conditions quoted, and that as described they are not met."""
    book, lang = svc.kb.policy, msg.lang
    lines = []
    for m in measures:
        name = f"{render.article(m, lang)} {render.title(m, lang)}"
        lines.append(msg.say(
            f"您提到“{said}”：按原文，{name}的条件是：{'；'.join(c.text for c in m.conditions)}。按您所说不符合，"
            f"这项{m.money}不适用；如理解有误，请补充说明。",
            f"You mention “{said}”: under the original text, {name} requires: "
            f"{'; '.join(f'{render.condition_text(m, c, lang)} ({c.text})' for c in m.conditions)}. As you describe "
            f"it, this is not met, so this {m.en.money if m.en else m.money} does not apply; if I misread you, "
            f"please tell me more."))
    lines += render.validity_notes(list(dict.fromkeys(map(book.policy, measures))), _today(svc), lang)
    return policy_reply("\n\n".join(lines), confidence=0.7,
                  buttons=[Button(f"{render.article(m, lang)} {render.title(m, lang)}", POLICY(f"m:{m.id}")) for m in measures],
                  sources=[_cite(svc, m, lang) for m in measures])




def _listed_abroad(book: PolicyBook, reading: Reading, msg: Incoming) -> bool:
    """"REITs listing in Hong Kong": a listing venue elsewhere, for a measure whose own text covers 境内外交易所 (a
    Chinese question's venue is read by the extractor)."""
    return msg.english and bool(book.patterns["listed_en"].search(msg.text)) and any(
        "境内外" in book.measure(i).text for i in reading.candidates())


NAMED_INPUT_MIN = 3     # characters of an input's name that say which measure it is ("资管规模", not "规模")


def _named_inputs(book: PolicyBook, reading: Reading) -> list[str]:
    """The measures one of whose inputs the question names by a name of its own, in file order."""
    owners = {tag for word, tag in cue_index(book)["cue_owners"].occurring(reading.text) if len(word) >= NAMED_INPUT_MIN}
    return [m.id for m in book.measures if m.id in owners]


def _asked_measures(book: PolicyBook, reading: Reading, msg: Incoming) -> list:
    if m := ARTICLE.search(msg.folded):
        return [x for x in book.measures if x.article == _article_number(m[1] or m[2])]
    return [book.measure(i) for i in reading.candidates()[:QUOTED_MAX]]


# "场外交易市场要创建什么板": a phrase of the question found in few of the document's reviewed FAQ answers.
PASSAGE_MIN, PASSAGE_MAX, PASSAGE_SPREAD = 3, 10, 2
PHRASE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


def _passage(svc: Services, msg: Incoming) -> Reply | None:
    """The one FAQ answer from a policy document holding the longest phrase of the question that at most
    PASSAGE_SPREAD of them hold, when the FAQ's own matching found none."""
    book = svc.kb.policy
    docs = {p.doc for p in book.policies.values()}
    entries = [e for e in svc.kb.knowledge.faq if e.source.doc in docs]
    best = None
    for run in PHRASE.findall(book.patterns["scaffold"].sub(" ", msg.folded)):
        for size in range(min(PASSAGE_MAX, len(run)), PASSAGE_MIN - 1, -1):
            if best and size <= best[0]:
                break
            for start in range(len(run) - size + 1):
                holders = [e for e in entries if run[start:start + size] in e.answer]
                if 0 < len(holders) <= PASSAGE_SPREAD:
                    best = (size, holders[0])
                    break
    if best is None:
        return None
    entry = best[1]
    policies = [p for p in svc.kb.policy.policies.values() if p.doc == entry.source.doc]
    return policy_reply("\n\n".join([entry.answer, *render.validity_notes(policies, _today(svc))]), confidence=0.6,
                  sources=[svc.kb.knowledge.cite(entry.source)])


def once_or_yearly_reply(svc: Services, measures: list, lang: str) -> Reply:
    """"每年都能拿吗": whether each measure pays once or yearly, in its article's words, before its details."""
    reply = details_reply(svc, measures, lang)
    reply.text = "\n".join(render.once_or_yearly(m, lang) for m in measures) + "\n\n" + reply.text
    return reply


def _once_or_yearly_all(svc: Services, lang: str) -> Reply:
    """Which measures pay once and which yearly, by article, when the question names none."""
    book = svc.kb.policy
    paying = [m for m in book.measures if m.rule.type != "unquantified"]
    once = [m for m in paying if "一次性" in m.money]
    yearly = [m for m in paying if m not in once and any("年度" in c or "每年" in c for c in m.text.split("。"))]

    def names(ms: list) -> str:
        return ("; " if lang == "en" else "、").join(f"{render.article(m, lang)} {render.title(m, lang)}" for m in ms)
    lines = [f"Most of the measures of {p.en.number if p.en else p.number} are one-off grants (一次性): {names(once)}."
             if lang == "en" else f"{p.number}的资金支持措施多数是一次性的：{names(once)}。"
             for p in book.policies.values()]
    if yearly:
        lines.append(f"Paid per year (年度/每年): {names(yearly)}." if lang == "en"
                     else f"按年度给予（原文写有“年度”或“每年”）：{names(yearly)}。")
    lines.append("Tell me which measure you mean for its wording." if lang == "en"
                 else "请告诉我您问的是哪一项，我给您看原文。")
    policies = list(book.policies.values())
    return policy_reply("\n".join(lines + [""] + render.validity_notes(policies, _today(svc), lang)), confidence=0.7,
                  sources=[svc.kb.knowledge.cite(Source(doc=p.doc, section=p.section), lang) for p in policies])


@lru_cache(maxsize=4096)          # asked of most free text; the same texts come again
def _summary_named(book: PolicyBook, text: str):
    """The policy summary (a direction of support) whose longest keyword the text holds, or None."""
    summary = max(book.summaries, key=lambda s: max((len(k) for k in s.keywords if k.lower() in text), default=0))
    return summary if any(k.lower() in text for k in summary.keywords) else None


def _ask_further(svc: Services, msg: Incoming) -> str:
    """The closing line of a don't-know: the way to a person."""
    return msg.say("如需进一步了解，可以", "To ask further, you can ") + handoff.way(svc, msg) + msg.say("。", ".")


def other_issuer(book: PolicyBook, msg: Incoming, reading: Reading) -> str | None:
    """The words asking a subsidy of the district's or the province's own ("拱墅区自己的补贴"), with no figure of the
    user's: the documents hold only the city's policy."""
    m = None if any(f.kind == "money" for f in reading.figures) else book.patterns["other_issuer"].search(msg.text)
    return m.group(0) if m else None


async def _other_issuer_reply(svc: Services, msg: Incoming, reading: Reading, said: str) -> Reply:
    book = svc.kb.policy
    policies = list(book.policies.values())
    numbers = "、".join(p.number for p in policies)
    text = msg.say(f"资料中的补贴政策只有杭州市的{numbers}。您问到的“{said}”，资料中没有记载，所以我不给出金额。",
                   f"The only subsidy policy in the documents is the city of Hangzhou's {numbers}. What you ask "
                   f"(“{said}”) is not stated in them, so I give no amount.")
    blocks = [text, *(render.no_double(p, lang=msg.lang) for p in policies),
              _ask_further(svc, msg)]
    buttons = [Button(f"{render.article(m, msg.lang)} {render.title(m, msg.lang)}", POLICY(f"m:{m.id}"))
               for m in map(book.measure, reading.candidates()[:2])]
    return await handoff.unanswered(svc, msg, Reply("\n\n".join(blocks), intent="fallback", confidence=0.6,
                                                    buttons=buttons))


async def answer(svc: Services, msg: Incoming) -> Reply | None:
    book = svc.kb.policy
    text = for_reading(msg.text, book, msg.lang)
    reading = read(text, book)
    if scoped := _scope_reply(svc, msg, reading):
        return scoped
    if said := other_issuer(book, msg, reading):
        return await _other_issuer_reply(svc, msg, reading, said)
    if not msg.english and book.patterns["article_asked"].search(reading.text) and not reading.candidates() \
            and (naming := policy_facts.article_naming(svc, msg)):
        return naming                    # "运河财富小镇在文件第几条出现": the article that names it
    if not msg.english and policy_facts.asks_yearly_caps(svc, reading.text) and not reading.figures \
            and not reading.candidates():       # "哪几条补贴提到了年度封顶"
        return policy_facts.yearly_caps(svc)
    procedure = bool(book.patterns["procedure"].search(msg.text))
    if book.patterns["every_year"].search(msg.folded) and not reading.figures and not procedure \
            and (asked := _asked_measures(book, reading, msg)):
        return once_or_yearly_reply(svc, asked, msg.lang)
    if book.patterns["every_year"].search(msg.folded) and not reading.figures and not reading.candidates() \
            and any(w in reading.text for w in book.words["support"]) and not any(w in reading.text for w in book.words["town"]):
        return _once_or_yearly_all(svc, msg.lang)          # "这个补贴是一次性的还是每年给": no measure named
    if reading.about_policy() and not reading.figures and (ruled := _ruled_out(svc, msg, reading)):
        return _not_met_reply(svc, msg, *ruled)          # "Can a bank branch get the HQ subsidy?": not met, said so
    if (reading.elsewhere() and not _listed_abroad(book, reading, msg)) or faq.asks_unstated(svc, msg):
        return None
    if book.patterns["procedure"].search(msg.text) and not reading.figures and not reading.candidates() \
            and not book.patterns["validity_asked"].search(reading.text):
        if _about_another_body(svc, msg, reading):
            return await faq.procedure_of_body(svc, msg)
        if "细则" in reading.text:        # "有没有实施细则": the document says who draws them up, an answer
            return replace(_procedure_reply(svc, msg), intent="policy")
        return await handoff.unanswered(svc, msg, _procedure_reply(svc, msg))
    if book.patterns["basis_asked"].search(reading.text) and not reading.figures and not reading.candidates() \
            and 0 < len(owners := _named_inputs(book, reading)) <= QUOTED_MAX:            # "资管规模按什么口径"
        return measure_reply(svc, book.measure(owners[0]), confidence=0.8, lang=msg.lang) if len(owners) == 1 \
            else details_reply(svc, list(map(book.measure, owners)), msg.lang)
    if book.patterns["condition_asked"].search(reading.text) and not reading.figures \
            and not holds_any(reading.text, book.words["other_sources"]) \
            and 0 < len(asked := reading.candidates()) <= QUOTED_MAX:        # "评级机构业务量要多少笔": its conditions
        return measure_reply(svc, book.measure(asked[0]), confidence=0.8, lang=msg.lang) if len(asked) == 1 \
            else details_reply(svc, list(map(book.measure, asked)), msg.lang)
    if quotes_the_rule(book, reading):
        return details_reply(svc, [m for m in _quoting(book, reading) if m.id in reading.scores], msg.lang)
    kind = next((k for k in NO_MEASURE_KINDS if k in reading.text), None)
    if kind and not reading.candidates() and holds_any(reading.text, book.words["support"]) \
            and not holds_any(reading.text, book.words["town"]):
        return _no_measure_reply(svc, msg, kind)
    if book.patterns["articles_counted"].search(msg.folded) and not reading.figures and not reading.candidates() \
            and (holds_any(reading.text, ("文件", *book.words["doc_refs"]))
                 or (msg.english and book.patterns["doc_named_en"].search(msg.text))) \
            and not _faq_knows(svc, msg) and (counted := _count_reply(svc, msg)):
        return counted                   # "文件一共有几条具体措施"
    numbers = list(dict.fromkeys(_article_number(a or b) for a, b in ARTICLE.findall(msg.folded)))
    if len(numbers) > 1 and not reading.figures and not reading.candidates() \
            and (reply := articles_reply(svc, numbers, msg.lang)):
        return reply                     # "第6条和第13条分别补多少": a line per measure of each
    if (m := ARTICLE.search(msg.folded)) and not reading.figures and not reading.candidates() \
            and len(msg.folded) <= ARTICLE_ONLY * (3 if msg.english else 1) \
            and (reply := article_reply(svc, _article_number(m[1] or m[2]), msg.lang, msg.folded)):
        return reply                     # a question about the article itself, naming nothing more specific
    if len(numbers) == 1 and not any(map(_own_figure, reading.figures)) and not reading.candidates() \
            and _article_passage(svc, numbers[0], msg.folded) \
            and (reply := article_reply(svc, numbers[0], msg.lang, msg.folded)):
        return reply                     # "第7条要动态发布哪些指数？": the article's passage holding the words asked
    if SELF_DESCRIPTION.search(text) and beneficiary_types(text, book) and not reading.figures \
            and not reading.candidates() and any(w in reading.text for w in book.words["doc_validity"]) \
            and any(w in reading.text for w in book.words["doc_refs"]):
        return document_reply(svc, msg.lang, _asked_years(svc, msg), reading.text)   # "我们是券商，2号文还能申报吗"
    if SELF_DESCRIPTION.search(text) and beneficiary_types(text, book):
        # "我们是私募基金，想问下小镇核心区在哪" asks the FAQ; a self-description (with its figures) asks
        # for matching.
        asked = text if msg.english else "，".join(msg.reading.questions)     # an English question's cue words
        asks_policy = not ASKING.search(text) or holds_any(asked, book.words["policy_asks"]) \
            or any(_own_figure(f) for f in reading.figures)
        if (asks_policy or not _faq_knows(svc, msg)) and not _names_a_plan(svc, msg):
            return describe_and_match(svc, text, lang=msg.lang, typed=msg.text)
    if reading.figures and holds_any(reading.text, book.words["support"]) and _names_a_kind(text, book) \
            and gives_own_figure(book, text):
        return describe_and_match(svc, text, lang=msg.lang, typed=msg.text)   # "我们基金公司规模突破250亿，有补助吗"
    if book.patterns["type_asks"].search(reading.text) and (not reading.candidates() or _about_the_kind(book, reading)) \
            and _names_a_kind(text, book) and not _names_a_plan(svc, msg):
        return describe_and_match(svc, text, lang=msg.lang, typed=msg.text)     # "券商在杭州能享受哪些政策": match the type
    if book.patterns["asks_mine"].search(text):
        return await mine(svc, msg)
    # "我们是征信公司，哪条跟我们有关": the asker's own kind and which measure is theirs
    about_policy = reading.about_policy() or (bool(reading.own) and bool(book.patterns["which_fits"].search(reading.text)))
    doc_words = holds_any(reading.text, book.words["doc_words"]) or (msg.english and book.patterns["doc_words_en"].search(msg.text))
    doc_named = holds_any(reading.text, book.words["doc_refs"]) or (msg.english and book.patterns["doc_named_en"].search(msg.text))
    stacking = holds_any(reading.text, book.words["doc_stacking"]) and (book.patterns["other_policy"].search(reading.text)
                                                                        or msg.english and not reading.candidates())
    if doc_words and (about_policy or doc_named or stacking):    # "拱墅区也补了，市里这个还能叠加吗"
        reply = document_reply(svc, msg.lang, _asked_years(svc, msg), reading.text)
        if not book.patterns["rules_issued"].search(msg.text):
            return reply
        rules = "\n".join(render.rules_unstated(p, msg.lang) for p in book.policies.values())
        if RULES_BY_WHOM.search(msg.text) or not RULES_WHAT_OR_WHEN.search(msg.text):
            reply.text = f"{rules}\n\n{reply.text}"       # "细则谁来定", "出台了吗": what the document says answers it
            return reply
        # what the rules say or when they came out, which the documents do not hold: said first, a "don't know"
        reply.text = "\n\n".join([rules, reply.text, _ask_further(svc, msg)])
        return await handoff.unanswered(svc, msg, replace(reply, intent="fallback"))
    candidates = reading.candidates()
    if len(candidates) > 1 and about_policy and not (book.patterns["procedure"].search(msg.text) or ASKS_WHEN.search(reading.text)):
        return details_reply(svc, list(map(book.measure, candidates[:QUOTED_MAX])), msg.lang)
    if candidates and (about_policy or book.patterns["procedure"].search(msg.text)):
        reply = measure_reply(svc, book.measure(candidates[0]), confidence=0.9 if len(candidates) == 1 else 0.7,
                              lang=msg.lang)
        unstated = _unstated_procedure(book.policy(book.measure(candidates[0])), msg)
        if book.patterns["procedure"].search(msg.text):       # the documents are silent on what was asked: said first, a "don't know"
            reply = await handoff.unanswered(svc, msg, _procedure_of(svc, msg, book.measure(candidates[0]), unstated))
        elif ASKS_WHEN.search(reading.text):
            reply.text += "\n\n" + unstated
        reply.buttons += [Button(f"{render.article(m, msg.lang)} {render.title(m, msg.lang)}", POLICY(f"m:{m.id}"))
                          for m in map(book.measure, candidates[1:4])]
        return reply
    if not candidates and (quoted := _quoting(book, reading)):
        return details_reply(svc, quoted, msg.lang)
    summary = _summary_named(book, reading.text)
    if summary and about_policy:     # support asked of a direction: the policy summary
        support = holds_any(reading.text, book.words["support"]) and not holds_any(reading.text, book.words["town"])
        amount = holds_any(reading.text, book.words["amount_asks"]) and (not msg.english or bool(PAID_EN.search(msg.text)))
        if _faq_knows(svc, msg) and not (support or amount):
            return None
        reply = _summary_reply(svc, summary, msg.lang)
        if not amount:
            return reply
        # "高端金融人才住房补贴给多少钱": a direction without money states no amount; saying so is a "don't know"
        reply.text = msg.say("文件对此没有规定补助或奖励金额，以下是相关原文。\n\n",
                             "The documents don't set an amount for this; here is what they say.\n\n") + reply.text \
            + "\n\n" + _ask_further(svc, msg)
        return await handoff.unanswered(svc, msg, replace(reply, intent="fallback"))
    if holds_any(reading.text, book.words["overview"]) and not holds_any(reading.text, book.words["town"]):
        return overview(svc, msg.lang)
    if holds_any(reading.text, book.words["document_only"]) \
            and not holds_any(reading.text, book.words["other_sources"]) \
            and not _faq_knows(svc, msg):
        return document_reply(svc, msg.lang, _asked_years(svc, msg), reading.text)   # "施行日期是哪天": the document's own facts
    if not msg.english and holds_any(reading.text, ("文件", *book.words["doc_refs"])) \
            and not holds_any(reading.text, book.words["town"] + book.words["other_sources"]) and not _faq_knows(svc, msg):
        return _passage(svc, msg)
    return None


async def command(svc: Services, msg: Incoming) -> Reply:
    """/policy: overview (and the stored profile's matches); /policy <描述或问题>: answer that."""
    question = msg.text.partition(" ")[2].strip()
    if question:
        readable = for_reading(question, svc.kb.policy, msg.lang)
        if beneficiary_types(readable, svc.kb.policy) and not read(readable, svc.kb.policy).candidates():
            return describe_and_match(svc, readable, lang=msg.lang, typed=question)
        reply = await answer(svc, replace(msg, text=question))
        if reply:
            return reply
    reply = overview(svc, msg.lang)
    if await svc.store.users.profile(msg.user_key):
        reply.buttons.insert(0, Button(msg.say("按我保存的单位情况匹配", "Match my saved profile"), POLICY("mine")))
    return reply
