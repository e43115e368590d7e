import pytest

from outreach.emails import normalise_email
from outreach.render import check_template, render


def test_variables_and_fallbacks():
    text = "Hi {{firstName|there}}, {{ company | your team }} and {{role}}."
    assert render(text, {"firstName": "Sam", "company": "Acme"}) == "Hi Sam, Acme and ."
    assert render(text, {"firstName": "  "}) == "Hi there, your team and ."
    assert render("{{plan}}", {"plan": 3}) == "3"


@pytest.mark.parametrize("bad", ["Hi {{firstName", "Hi }}", "{{ first name }}", "{{{x}}}"])
def test_malformed_templates_are_refused(bad):
    with pytest.raises(ValueError):
        check_template(bad)


def test_email_normalisation():
    assert normalise_email("  Sam@Example.COM ") == "sam@example.com"
    assert normalise_email("Jörg@Bücher.de") == "jörg@bücher.de"
    for bad in ("not-an-email", "a@b", "x" * 400 + "@example.com", "a b@example.com"):
        with pytest.raises(ValueError):
            normalise_email(bad)
