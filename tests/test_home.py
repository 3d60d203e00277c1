"""The home page: for respondents first, and the way in for staff (issue 17)."""


def test_the_home_page_links_to_the_staff_login(client):
    client.set_cookie("lang", "nb")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/login"' in page and "Logg inn" in page
    assert "For ansatte som driver undersøkelsene" in page
