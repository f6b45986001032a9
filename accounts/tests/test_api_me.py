def test_me_tells_the_user_and_their_company(buyer, api_as):
    body = api_as(buyer).get("/api/v1/me/").json()

    assert (body["username"], body["side"]) == ("buyer", "buyer")
    assert body["company"]["legal_name"] == "Hanse Trading GmbH"
    assert body["company"]["country"] == "DE"


def test_me_for_staff_has_no_company(staff, api_as):
    body = api_as(staff).get("/api/v1/me/").json()

    assert (body["side"], body["company"]) == (None, None)


def test_me_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/me/").status_code == 401
