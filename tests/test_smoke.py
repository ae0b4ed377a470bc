async def test_smoke(kasse):
    r = await kasse.client.get("/api/v4/nothing")
    assert r.status_code == 404, r.text
    assert r.json() == {"error": "Not Found"}
