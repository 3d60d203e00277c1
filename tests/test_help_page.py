"""The help page (issue 17): what each role does where, linked from the staff menu, with the
reader's own role opened, in the reader's language."""

import pytest

from tests.conftest import log_in


@pytest.mark.parametrize(("who", "open_role"), [("unit", "Enhetsleder"),
                                                ("network", "Nettverksleder"),
                                                ("organisation", "Organisasjonsadministrator")])
def test_the_help_page_opens_the_readers_own_role(app, client, make_account, make_survey,
                                                  who, open_role):
    survey = make_survey("psfs")
    scope = {"unit": {"units": (survey.unit_id,)}, "network": {"networks": (1,)},
             "organisation": {"organisations": (1,)}}[who]
    make_account("leder@kommune.no", **scope)
    client.set_cookie("lang", "nb")
    log_in(client, "leder@kommune.no")
    overview = client.get("/admin/").text
    assert 'href="/admin/help"' in overview and ">Hjelp<" in overview
    page = client.get("/admin/help").text
    opened = page[page.index("<details class=\"help-role\" open"):]
    assert opened.index(open_role) < opened.index("</summary>")
    assert "færre enn 5" in page and "Ny periode" in page
