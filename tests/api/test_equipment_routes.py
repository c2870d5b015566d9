"""/v1/equipment: browse all machines, one card, and the picture each recognition candidate links to."""
from fastapi.testclient import TestClient

from api.app import create_api
from tests.api.test_v1 import BLUE, RED, assert_error, make_services, photo


def _client(tmp_path):
    svc = make_services(tmp_path)
    svc.gallery.enroll("chest_press_machine", [photo(RED, noise=i) for i in (1, 2, 3)])
    svc.gallery.enroll("leg_press_machine", [photo(BLUE, noise=i) for i in (1, 2, 3)])
    return svc, TestClient(create_api(services=svc))


def test_browse_all_lists_every_catalog_machine_with_a_picture_url(tmp_path):
    svc, client = _client(tmp_path)
    items = client.get("/v1/equipment", params={"lang": "zh"}).json()["items"]
    assert {i["id"] for i in items} == set(svc.kb.equipment)
    press = next(i for i in items if i["id"] == "leg_press_machine")
    assert press["name"] == svc.kb.equipment["leg_press_machine"].name.zh
    assert press["image"] == "/v1/equipment/leg_press_machine/image"


def test_a_card_and_a_picture_open_from_the_picker(tmp_path):
    _, client = _client(tmp_path)
    card = client.get("/v1/equipment/leg_press_machine").json()
    assert card["id"] == "leg_press_machine" and card["steps"] and card["safety"]
    pic = client.get("/v1/equipment/leg_press_machine/image")
    assert pic.status_code == 200 and pic.headers["content-type"] == "image/jpeg" and pic.content[:2] == b"\xff\xd8"
    assert_error(client.get("/v1/equipment/warp_drive"), 404, "unknown_equipment")
    assert_error(client.get("/v1/equipment/warp_drive/image"), 404, "unknown_equipment")
    assert_error(client.get("/v1/equipment/../x"), 404)


def test_recognition_candidates_carry_their_pictures(tmp_path):
    _, client = _client(tmp_path)
    out = client.post("/v1/recognize", files={"file": ("r.png", photo(RED, noise=7), "image/png")},
                      data={"lang": "en"}).json()
    assert out["candidates"][0]["id"] == "chest_press_machine"
    for cand in out["candidates"]:
        assert cand["image"] == f"/v1/equipment/{cand['id']}/image"
        assert client.get(cand["image"]).status_code == 200
