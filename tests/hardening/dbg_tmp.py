from .targets import Env, CADRE, ADMIN, HANDLER, first_power_item, evaluation_round
from .formkit import post_forms, csrf_token
def post(env, url, data, page=None):
    html = env.client.get(page or url).get_data(as_text=True)
    f = [f for f in post_forms(html, page or url) if f.action == url][0]
    vals = dict(f.defaults()); vals.update(data)
    r = env.client.post(url, data=vals)
    return r.status_code
def test_dbg(app, client, login_as):
    env = Env(app, client, login_as)
    st = first_power_item(env)
    env.sign_in(CADRE)
    u = f"/publish/powers/{st['item_id']}/edit"
    print("risk ²", post(env, u, {"risks": "²|高|风险|控制"}))
    print("decision ²", post(env, "/publish/disclosures/new/decision", {"title": "t", "matter": "m", "committees-expected": "²"}))
    env.sign_in(ADMIN)
    print("deadlines ²", post(env, "/admin/deadlines", {"warn_days": "²"}))
    print("deadlines ①", post(env, "/admin/deadlines", {"conclude_days": "①"}))
    st = evaluation_round(env)
    env.sign_in(None)
    html = client.get("/ballot").get_data(as_text=True)
    tok = csrf_token(html)
    r = client.post("/ballot", data={"csrf_token": tok, "code": st["codes"][0], "step": "vote", "report_²": "satisfied"})
    print("ballot report_²", r.status_code)
