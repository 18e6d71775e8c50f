"""A text scanned again for names gets the same names, in a list of its own."""
from __future__ import annotations

from faq.gazetteer import Terms


def test_a_text_scanned_again_gets_the_same_names_in_a_list_of_its_own():
    terms = Terms([("运河财富小镇", "town"), ("小镇", "town"), ("联盟", "alliance")])
    first = terms.occurring("运河财富小镇和联盟")
    assert first == [("运河财富小镇", "town"), ("小镇", "town"), ("联盟", "alliance")]
    first.clear()
    assert terms.occurring("运河财富小镇和联盟") == [("运河财富小镇", "town"), ("小镇", "town"), ("联盟", "alliance")]
    assert terms.occurring("联盟") == [("联盟", "alliance")]
