"""The Gradio Blocks UI: layout and wiring only; what each button does lives in `demo/handlers.py`.

Tabs: Chat · Scan (photo, live webcam, enroll "my gym") · Video (equipment timeline, rep counter) ·
Training plan · Nutrition · Library · My data. The 中文/English switch relabels every component and
sets the language of answers, cards and plans. A secret user id the server issues, kept in the browser
(BrowserState), ties a visitor to their saved profile, history and "my gym" photos, which they can delete.
Every event that reads or changes that data first passes the one access rule (services/access.py):
the id must be one this server issued to this browser (or the caller holds the operator token).
"""
from __future__ import annotations

import gradio as gr
import pandas as pd

from config import Settings

from services.access import AccessDenied

from . import handlers as h
from .texts import EXAMPLES, t, choices

CSS = """
#fitnesslm-header h1 {margin-bottom: 0}
#fitnesslm-header {align-items: center}
.gif-gallery img {object-fit: contain}
#chatbot .placeholder {text-align: left}
/* a phone: the message box must be on the first screen (390 x 844) */
@media (max-width: 640px) {
  #fitnesslm-header {flex-wrap: nowrap !important; gap: 4px}
  #fitnesslm-header h1 {font-size: 1.15rem !important}
  #fitnesslm-header .intro, #fitnesslm-header p {display: none}
  #lang-switch {min-width: 0 !important}
  #lang-switch .wrap {gap: 2px}
  #lang-switch > span, #lang-switch .block-info {display: none}
  #chatbot {height: 44vh !important; min-height: 240px}
  .example-btn {font-size: 0.75rem !important}
}
"""


def status_markdown(report: dict, lang: str = "en") -> str:
    """What a visitor needs to know from the /health report: nothing when all is well, otherwise one plain
    sentence about what does not work (engineering detail stays in /health)."""
    problems = []
    llm = (report.get("llm") or {}).get(report.get("llm_backend"), {})
    if not llm.get("ready"):
        problems.append(t("problem_llm", lang))
    elif (report.get("llm") or {}).get("openai", {}).get("ready") is False:
        problems.append(t("problem_server", lang))
    if not all((report.get("models_installed") or {}).values()):
        problems.append(t("problem_models", lang))
    if "error" in (report.get("knowledge") or {}):
        problems.append(t("problem_knowledge", lang))
    return "⚠️ " + " ".join(problems) if problems else ""


# BrowserState encrypts in the browser with a key that is published in /config: it is no secret, so a
# fixed one (ids survive restarts). What protects the id is services/access.py, not this key.
BROWSER_STATE_KEY = "fitnesslm-user-v2"


class _Labels:
    """Components whose text follows the language switch: (component, key, kind)."""

    def __init__(self):
        self.items: list[tuple] = []

    def __call__(self, component, key: str, kind: str = "label"):
        self.items.append((component, key, kind))
        return component

    def updates(self, lang: str) -> list:
        out = []
        for _comp, key, kind in self.items:
            if kind == "label":
                out.append(gr.update(label=t(key, lang)))
            elif kind == "value":
                out.append(gr.update(value=t(key, lang)))
            elif kind == "heading":
                out.append(gr.update(value=f"### {t(key, lang)}"))
            elif kind == "box":      # a text box: its label and its placeholder
                out.append(gr.update(label=t(key, lang), placeholder=t(key.replace("_box", "_placeholder"), lang)))
            elif kind == "choices":
                out.append(gr.update(choices=choices(key, lang), label=t(key, lang)))
            elif kind == "headers":
                out.append(gr.update(headers=[t(k, lang) for k in key.split(",")]))
        return out


def _header(lang: str) -> str:
    return f"# {t('title', lang)}\n<span class='intro'>{t('intro', lang)}</span>"


def _page_lang(request, default: str) -> str:
    """The browser's preferred language (Accept-Language) when it is Chinese or English, else the default."""
    accept = (request.headers.get("accept-language") or "").lower() if request is not None else ""
    for part in accept.split(","):
        code = part.split(";")[0].strip()
        if code.startswith("zh"):
            return "zh"
        if code.startswith("en"):
            return "en"
    return default


def _frame(rows: list[list], header_keys: str, lang: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[t(k, lang) for k in header_keys.split(",")])


def build_ui(settings: Settings, services=None) -> gr.Blocks:
    from api.health import health_report
    from services import Services

    services = services or Services(settings)
    lang0 = settings.lang
    L = _Labels()
    with gr.Blocks(title="FitnessLM") as demo:
        user = gr.BrowserState("", storage_key="fitnesslm_user", secret=BROWSER_STATE_KEY)
        with gr.Row(elem_id="fitnesslm-header"):
            with gr.Column(scale=4, min_width=160):
                title = gr.Markdown(_header(lang0))
            with gr.Column(scale=1, min_width=120):
                lang = gr.Radio([("English", "en"), ("中文", "zh")], value=lang0, show_label=False,
                                elem_id="lang-switch", container=False)
        status = gr.Markdown(elem_id="status")

        with gr.Tabs():
            # -- Chat -----------------------------------------------------------------------------------
            with L(gr.Tab(t("tab_chat", lang0), id="chat"), "tab_chat"):
                chatbot = gr.Chatbot(height=460, elem_id="chatbot", label="FitnessLM", buttons=["copy"],
                                     placeholder=t("welcome", lang0), show_label=False)
                box = L(gr.MultimodalTextbox(file_types=["image"], file_count="single", elem_id="chat-input",
                                             label=t("chat_box", lang0), placeholder=t("chat_placeholder", lang0),
                                             sources=["upload"], interactive=False), "chat_box", "box")
                # enabled by `on_load` once this visitor's id is known: a message sent before it would have no owner
                with gr.Row():
                    L(gr.Markdown(t("examples", lang0)), "examples", "value")
                    example_buttons = [gr.Button(EXAMPLES[lang0][i], size="sm", elem_classes="example-btn")
                                       for i in range(len(EXAMPLES["en"]))]
                clear = L(gr.Button(t("clear", lang0), size="sm"), "clear", "value")

            # -- Scan -----------------------------------------------------------------------------------
            with L(gr.Tab(t("tab_scan", lang0), id="scan"), "tab_scan"):
                with gr.Row():
                    with gr.Column():
                        photo = L(gr.Image(sources=["upload", "webcam"], type="filepath", elem_id="scan-photo",
                                           label=t("photo", lang0)), "photo")
                        identify = L(gr.Button(t("identify", lang0), variant="primary", elem_id="identify"),
                                     "identify", "value")
                        cands = L(gr.Gallery(label=t("candidates", lang0), columns=5, height=170, allow_preview=False,
                                             elem_id="scan-picker"), "candidates")
                        picked_ids = gr.State([])
                        browse = L(gr.Dropdown(h.equipment_choices(services, lang0), value=None,
                                               label=t("browse_all", lang0), elem_id="scan-browse"), "browse_all")
                        add_btn = L(gr.Button(t("add_to_gym", lang0), elem_id="scan-add"), "add_to_gym", "value")
                        share_cb = L(gr.Checkbox(False, label=t("share_photo", lang0), elem_id="scan-share",
                                                 visible=bool(services.settings.shared_contributions)), "share_photo")
                        add_md = gr.Markdown(elem_id="scan-add-result")
                        L(gr.Markdown(t("photo_credit", lang0)), "photo_credit", "value")
                    with gr.Column():
                        card = gr.Markdown(elem_id="scan-card")
                        scan_gifs = L(gr.Gallery(label=t("demo_gifs", lang0), columns=2, height=260,
                                                 elem_classes="gif-gallery"), "demo_gifs")
                with gr.Accordion(t("live", lang0), open=False) as live_acc:
                    with gr.Row():
                        cam = gr.Image(sources=["webcam"], streaming=True, type="numpy", label=t("live", lang0))
                        live_md = gr.Markdown(t("live_idle", lang0))
                    live_state = gr.State(None)
                with gr.Accordion(t("enroll_title", lang0), open=False):
                    L(gr.Markdown(t("enroll_help", lang0)), "enroll_help", "value")
                    with gr.Row():
                        label_dd = L(gr.Dropdown(h.equipment_choices(services, lang0), allow_custom_value=True,
                                                 label=t("label", lang0), elem_id="enroll-label"), "label")
                        enroll_btn = L(gr.Button(t("enroll", lang0)), "enroll", "value")
                        remove_btn = L(gr.Button(t("remove", lang0), variant="stop"), "remove", "value")
                    enroll_md = gr.Markdown()
                    gym_table = L(gr.Dataframe(headers=[t("label", lang0), t("photos", lang0)], interactive=False,
                                               label=t("my_gym", lang0)), "my_gym")

            # -- Video ----------------------------------------------------------------------------------
            with L(gr.Tab(t("tab_video", lang0), id="video"), "tab_video"):
                with gr.Row():
                    with gr.Column():
                        video = L(gr.Video(sources=["upload"], label=t("video", lang0)), "video")
                        video_btn = L(gr.Button(t("analyze_video", lang0), variant="primary"), "analyze_video", "value")
                    with gr.Column():
                        video_md = gr.Markdown()
                        video_table = gr.Dataframe(interactive=False, label=t("timeline", lang0))
                L(gr.Markdown(f"### {t('pose_title', lang0)}"), "pose_title", "heading")
                with gr.Row():
                    from tools.reps import SPECS
                    exercise = L(gr.Dropdown([("auto", "auto")] + [(s.name_en, k) for k, s in SPECS.items()],
                                             value="auto", label=t("exercise", lang0)), "exercise")
                    pose_btn = L(gr.Button(t("count_reps", lang0)), "count_reps", "value")
                with gr.Row():
                    pose_md = gr.Markdown()
                    pose_img = L(gr.Image(label=t("overlay", lang0), interactive=False), "overlay")

            # -- Training plan --------------------------------------------------------------------------
            with L(gr.Tab(t("tab_training", lang0), id="training"), "tab_training"):
                with gr.Row():
                    tr_goal = L(gr.Radio(choices("goal", lang0), value="hypertrophy", label=t("goal", lang0)), "goal", "choices")
                    tr_exp = L(gr.Radio(choices("experience", lang0), value="beginner", label=t("experience", lang0)),
                               "experience", "choices")
                    tr_place = L(gr.Radio(choices("place", lang0), value="gym", label=t("place", lang0)), "place", "choices")
                with gr.Row():
                    tr_days = L(gr.Slider(1, 7, value=3, step=1, label=t("days", lang0), elem_id="tr-days"), "days")
                    tr_min = L(gr.Slider(15, 180, value=60, step=5, label=t("minutes", lang0)), "minutes")
                    tr_age = L(gr.Number(value=30, precision=0, label=t("age", lang0), elem_id="tr-age"), "age")
                    tr_sex = L(gr.Radio(choices("sex", lang0), value="male", label=t("sex", lang0)), "sex", "choices")
                tr_lim = L(gr.CheckboxGroup(choices("limitations", lang0), label=t("limitations", lang0)),
                           "limitations", "choices")
                with gr.Row():
                    tr_btn = L(gr.Button(t("make_plan", lang0), variant="primary", elem_id="make-plan"),
                               "make_plan", "value")
                    tr_var_btn = L(gr.Button(t("variation", lang0), elem_id="another-variation"), "variation", "value")
                    tr_today_btn = L(gr.Button(t("today_workout", lang0), elem_id="today-workout"), "today_workout",
                                     "value")
                tr_variation = gr.State(0)
                tr_md = gr.Markdown(elem_id="training-summary")
                tr_table = L(gr.Dataframe(interactive=False, wrap=True, label=t("week", lang0),
                                          elem_id="training-table"), "week")
                with gr.Row():
                    tr_swap_dd = L(gr.Dropdown(choices=[], label=t("swap_label", lang0), elem_id="swap-exercise",
                                               scale=3), "swap_label")
                    tr_swap_btn = L(gr.Button(t("swap_btn", lang0), elem_id="swap-btn", scale=1), "swap_btn", "value")
                tr_plan = gr.State(None)
                with gr.Row():
                    tr_chart = L(gr.BarPlot(x="x", y="y", label=t("weekly_sets", lang0), height=280, y_lim=[0, None],
                                            x_title=" ", y_title=t("sets_axis", lang0), x_label_angle=-35,
                                            sort="-y"), "weekly_sets")
                    tr_files = L(gr.File(file_count="multiple", label=t("downloads", lang0)), "downloads")
                tr_gifs = L(gr.Gallery(label=t("demo_gifs", lang0), columns=4, height=300,
                                       elem_classes="gif-gallery"), "demo_gifs")

            # -- Nutrition ------------------------------------------------------------------------------
            with L(gr.Tab(t("tab_nutrition", lang0), id="nutrition"), "tab_nutrition"):
                with gr.Row():
                    n_sex = L(gr.Radio(choices("sex", lang0), value="male", label=t("sex", lang0)), "sex", "choices")
                    n_age = L(gr.Number(value=30, precision=0, label=t("age", lang0), elem_id="n-age"), "age")
                    n_height = L(gr.Number(value=175, label=t("height", lang0), elem_id="n-height"), "height")
                    n_weight = L(gr.Number(value=70, label=t("weight", lang0), elem_id="n-weight"), "weight")
                    n_bf = L(gr.Number(value=None, label=t("body_fat", lang0)), "body_fat")
                with gr.Row():
                    n_act = L(gr.Dropdown(choices("activity", lang0), value="moderate", label=t("activity", lang0)),
                              "activity", "choices")
                    n_goal = L(gr.Radio(choices("n_goal", lang0), value="maintain", label=t("n_goal", lang0)),
                               "n_goal", "choices")
                    n_rate = L(gr.Number(value=0, label=t("rate", lang0)), "rate")
                    n_meals = L(gr.Slider(2, 6, value=3, step=1, label=t("meals", lang0)), "meals")
                with gr.Row():
                    n_diet = L(gr.Dropdown(choices("diet", lang0), value="omnivore", label=t("diet", lang0)), "diet", "choices")
                    n_cuisine = L(gr.Radio(choices("cuisine", lang0), value="any", label=t("cuisine", lang0)),
                                  "cuisine", "choices")
                    n_trained = L(gr.Checkbox(value=False, label=t("trained", lang0)), "trained")
                n_allergy = L(gr.CheckboxGroup(choices("allergies", lang0), label=t("allergies", lang0)),
                              "allergies", "choices")
                n_btn = L(gr.Button(t("make_nutrition", lang0), variant="primary", elem_id="make-nutrition"),
                          "make_nutrition", "value")
                with gr.Row():
                    n_md = gr.Markdown(elem_id="nutrition-summary")
                    n_chart = L(gr.BarPlot(x="x", y="y", label=t("macros", lang0), height=240, y_lim=[0, None],
                                           x_title=" ", y_title=t("kcal", lang0)), "macros")
                n_meals_table = L(gr.Dataframe(interactive=False, wrap=True, label=t("meal_plan", lang0),
                                               elem_id="meal-table"), "meal_plan")
                with gr.Row():
                    n_grocery = L(gr.Dataframe(interactive=False, label=t("grocery", lang0)), "grocery")
                    n_files = L(gr.File(file_count="multiple", label=t("downloads", lang0)), "downloads")

            # -- Library --------------------------------------------------------------------------------
            with L(gr.Tab(t("tab_library", lang0), id="library"), "tab_library"):
                with gr.Row():
                    q = L(gr.Textbox(label=t("search_gifs", lang0), elem_id="gif-query"), "search_gifs")
                    q_btn = L(gr.Button(t("search", lang0), elem_id="gif-search"), "search", "value")
                q_md = gr.Markdown(elem_id="gif-result")
                q_gallery = gr.Gallery(columns=3, height=320, elem_classes="gif-gallery", show_label=False)
                eq_dd = L(gr.Dropdown(h.equipment_choices(services, lang0), label=t("browse", lang0)), "browse")
                with gr.Row():
                    eq_md = gr.Markdown()
                    eq_gallery = gr.Gallery(columns=2, height=320, elem_classes="gif-gallery", show_label=False)

            # -- My data --------------------------------------------------------------------------------
            with L(gr.Tab(t("tab_data", lang0), id="data"), "tab_data"):
                L(gr.Markdown(t("data_help", lang0)), "data_help", "value")
                refresh = L(gr.Button(t("refresh", lang0)), "refresh", "value")
                profile_json = L(gr.JSON(label=t("profile", lang0)), "profile")
                history_table = L(gr.Dataframe(interactive=False, wrap=True, label=t("history", lang0)), "history")
                delete_btn = L(gr.Button(t("delete", lang0), variant="stop"), "delete", "value")
                delete_md = gr.Markdown()

        L(gr.Markdown(f"_{t('disclaimer', lang0)}_"), "disclaimer", "value")

        # -- wiring ---------------------------------------------------------------------------------------
        # A returning visitor finds the forms filled with what they entered last time.
        saved_fields = {"goal": tr_goal, "experience": tr_exp, "place": tr_place, "days_per_week": tr_days,
                        "minutes_per_session": tr_min, "age": tr_age, "sex": tr_sex, "limitations": tr_lim}
        saved_nutrition = {"sex": n_sex, "age": n_age, "height_cm": n_height, "weight_kg": n_weight,
                           "body_fat_pct": n_bf, "activity": n_act, "nutrition_goal": n_goal, "meals_per_day": n_meals, "diet": n_diet,
                           "cuisine": n_cuisine, "trained": n_trained, "allergies": n_allergy}
        form_fields = [*saved_fields.values(), *saved_nutrition.values()]

        def caller(request: gr.Request | None):
            if request is None:   # called in-process (tests, gradio's own examples): no door to pass
                return services.access.caller({"authorization": f"Bearer {settings.api_token}"}, {})
            return services.access.caller(request.headers, request.cookies)

        def owned(request: gr.Request | None, user_id, lang_value) -> str:
            """The one access rule for an event touching `user_id`'s data; refused → a clear error, no data."""
            try:
                return services.access.check_user(caller(request), user_id)
            except AccessDenied as exc:
                raise gr.Error(exc.message(lang_value)) from None

        def on_load(user_id, lang_value, request: gr.Request):
            try:
                user_id = services.access.user_for_page(caller(request), user_id)
            except AccessDenied as exc:
                raise gr.Error(exc.message(lang_value)) from None
            profile = h.saved_form_values(services, user_id)
            fills = [gr.update(value=profile[k]) if k in profile else gr.update()
                     for k in [*saved_fields, *saved_nutrition]]
            page_lang = _page_lang(request, lang_value)   # the welcome speaks the browser's language
            live = services.__dict__.get("backend")
            return [user_id, status_markdown(health_report(settings, live), page_lang),
                    gr.update(value=page_lang) if page_lang != lang_value else gr.update(),
                    gr.update(interactive=True), *fills]

        demo.load(on_load, [user, lang], [user, status, lang, box, *form_fields], api_name="status",
                  show_progress="hidden")   # no timer over the page while the visitor's data loads

        def on_lang(lang_value):
            header = _header(lang_value)
            eq_choices = h.equipment_choices(services, lang_value)
            live = services.__dict__.get("backend")
            return [header, status_markdown(health_report(settings, live), lang_value),
                    gr.update(placeholder=t("welcome", lang_value)), *L.updates(lang_value),
                    *[gr.update(value=EXAMPLES[lang_value][i]) for i in range(len(example_buttons))],
                    gr.update(choices=eq_choices), gr.update(choices=eq_choices)]

        labelled = [c for c, _k, _kind in L.items]
        lang.change(on_lang, lang, [title, status, chatbot, *labelled, *example_buttons, label_dd, eq_dd],
                    api_name=False, show_progress="hidden")

        # chat
        def chat(message, history, user_id, lang_value, request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            message = message or {}
            text = (message.get("text") or "").strip()
            files = message.get("files") or []
            image = files[0] if files else None
            history = list(history or [])
            if not text and image is None:
                yield history, gr.update()
                return
            if image is not None:
                history.append({"role": "user", "content": {"path": image}})
            if text:
                history.append({"role": "user", "content": text})
            history.append({"role": "assistant", "content": "…"})
            yield history, gr.update(value=None, interactive=False)
            answer = ""
            for event in services.chat(user_id, text, image):
                if event["type"] == "delta":
                    answer += event["text"]
                    history[-1] = {"role": "assistant", "content": answer}
                    yield history, gr.update()
                elif event["type"] == "turn":
                    turn = event["turn"]
                    history[-1] = {"role": "assistant", "content": turn.answer}
                    trace = h.trace_markdown(turn, turn.lang)
                    if trace:
                        history.insert(len(history) - 1, {"role": "assistant", "content": trace, "metadata": {
                            "title": t("tools_used", turn.lang), "status": "done"}})
                    for att in turn.attachments:
                        if att.get("type") == "gif" and att.get("path"):
                            history.append({"role": "assistant", "content": {"path": att["path"],
                                                                             "alt_text": att.get("caption", "")}})
                    for path in h.turn_files(turn):
                        history.append({"role": "assistant", "content": {"path": path}})
            yield history, gr.update(value=None, interactive=True)

        box.submit(chat, [box, chatbot, user, lang], [chatbot, box], api_name=False)
        for button in example_buttons:
            button.click(lambda value: {"text": value, "files": []}, button, box, api_name=False).then(
                chat, [box, chatbot, user, lang], [chatbot, box], api_name=False)
        clear.click(lambda: [], None, chatbot, api_name=False)

        # scan
        def on_scan(image, user_id, lang_value, request: gr.Request):
            out = h.scan(services, image, lang_value, owned(request, user_id, lang_value))
            picked = out["result"]["equipment_id"] if out.get("result") else None
            label = next((c for c in h.equipment_choices(services, lang_value) if picked and
                          c.startswith(picked + " · ")), None)
            return out["markdown"], out["picker"], out["ids"], out["gifs"], label, ""

        identify.click(on_scan, [photo, user, lang], [card, cands, picked_ids, scan_gifs, label_dd, add_md],
                       api_name="scan")

        def on_pick(ids, lang_value, evt: gr.SelectData):
            eq_id = ids[evt.index] if isinstance(evt.index, int) and evt.index < len(ids) else None
            if eq_id is None:
                return gr.update(), gr.update(), gr.update()
            md, gifs = h.open_card(services, eq_id, lang_value)
            label = next(c for c in h.equipment_choices(services, lang_value) if c.startswith(eq_id + " · "))
            return md, gifs, label

        def on_browse(choice, lang_value):
            if not choice:
                return gr.update(), gr.update(), gr.update()
            md, gifs = h.open_card(services, choice, lang_value)
            return md, gifs, choice

        cands.select(on_pick, [picked_ids, lang], [card, scan_gifs, label_dd], api_name=False)
        browse.input(on_browse, [browse, lang], [card, scan_gifs, label_dd], api_name=False)

        def on_add(img, label, share, user_id, lang_value, request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            return h.enroll(services, img, label, lang_value, user_id, bool(share)), gym_frame(user_id, lang_value)
        cam.stream(lambda frame, state, lang_value: h.live_scan(services, state, frame, lang_value),
                   [cam, live_state, lang], [live_md, live_state], stream_every=0.25, time_limit=120,
                   concurrency_limit=4, api_name=False)

        def gym_frame(user_id, lang_value):
            return _frame(h.gallery_rows(services, user_id), "label,photos", lang_value)

        def on_enroll(img, label, user_id, lang_value, request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            return h.enroll(services, img, label, lang_value, user_id), gym_frame(user_id, lang_value)

        def on_remove(label, user_id, lang_value, request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            return h.remove_label(services, label, lang_value, user_id), gym_frame(user_id, lang_value)

        def on_gym(user_id, lang_value, request: gr.Request):
            return gym_frame(owned(request, user_id, lang_value), lang_value)

        enroll_btn.click(on_enroll, [photo, label_dd, user, lang], [enroll_md, gym_table], api_name=False)
        add_btn.click(on_add, [photo, label_dd, share_cb, user, lang], [add_md, gym_table], api_name=False)
        remove_btn.click(on_remove, [label_dd, user, lang], [enroll_md, gym_table], api_name=False)
        live_acc.expand(on_gym, [user, lang], gym_table, api_name=False)

        # video
        def on_video(path, user_id, lang_value, request: gr.Request, progress=gr.Progress()):
            user_id = owned(request, user_id, lang_value)
            progress(0.1, desc="…")
            md, rows = h.video_timeline(services, path, lang_value, user_id)
            progress(1.0)
            return md, _frame(rows, "start,end,equipment,confidence", lang_value)

        video_btn.click(on_video, [video, user, lang], [video_md, video_table], api_name=False)
        pose_btn.click(lambda path, ex, lv: h.pose_check(path, ex, lv), [video, exercise, lang], [pose_md, pose_img],
                       api_name=False)

        # training
        def on_training(goal, exp, place, days, minutes, age, sex, lim, variation, user_id, lang_value,
                        request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            form = {"goal": goal, "experience": exp, "place": place, "days_per_week": days,
                    "minutes_per_session": minutes, "age": age, "sex": sex, "limitations": lim or []}
            return training_view(h.training_plan(services, user_id, form, int(variation or 0), lang_value), lang_value)

        def training_view(out, lang_value):
            table = _frame(out["rows"], "col_day,col_exercise,col_sets,col_reps,col_rest,col_load,col_tempo,col_cue",
                           lang_value)
            chart = pd.DataFrame(out["sets"], columns=["x", "y"])
            return (out["markdown"], table, chart, out["files"] or None, out["gifs"], out["plan"],
                    gr.update(choices=out["swaps"], value=None))

        def on_swap(plan, choice, user_id, lang_value, request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            return training_view(h.training_swap(services, user_id, plan, choice, lang_value), lang_value)

        tr_inputs = [tr_goal, tr_exp, tr_place, tr_days, tr_min, tr_age, tr_sex, tr_lim, tr_variation, user, lang]
        tr_outputs = [tr_md, tr_table, tr_chart, tr_files, tr_gifs, tr_plan, tr_swap_dd]
        tr_swap_btn.click(on_swap, [tr_plan, tr_swap_dd, user, lang], tr_outputs, api_name=False)
        tr_btn.click(lambda: 0, None, tr_variation, api_name=False).then(on_training, tr_inputs, tr_outputs,
                                                                          api_name=False)
        def on_today(goal, exp, place, days, minutes, age, sex, lim, variation, user_id, lang_value,
                     request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            form = {"goal": goal, "experience": exp, "place": place, "days_per_week": days,
                    "minutes_per_session": minutes, "age": age, "sex": sex, "limitations": lim or []}
            return h.training_today(services, user_id, form, lang_value)

        tr_today_btn.click(on_today, tr_inputs, tr_md, api_name=False)
        tr_var_btn.click(lambda v: int(v or 0) + 1, tr_variation, tr_variation, api_name=False).then(
            on_training, tr_inputs, tr_outputs, api_name=False)

        # nutrition
        def on_nutrition(sex, age, height, weight, bf, act, goal, rate, meals, diet, cuisine, trained, allergies,
                         user_id, lang_value, request: gr.Request):
            user_id = owned(request, user_id, lang_value)
            form = {"sex": sex, "age": age, "height_cm": height, "weight_kg": weight, "body_fat_pct": bf or None,
                    "activity": act, "goal": goal, "rate_kg_per_week": rate or None, "meals_per_day": meals,
                    "diet": diet, "cuisine": cuisine, "trained": bool(trained), "allergies": allergies or []}
            out = h.nutrition_plan(services, user_id, form, lang_value)
            return (out["markdown"], pd.DataFrame(out["macros"], columns=["x", "y"]),
                    _frame(out["meals"], "col_meal,col_food,col_grams,col_kcal,col_p,col_f,col_c", lang_value),
                    _frame(out["grocery"], "col_category,col_food,col_grams", lang_value), out["files"] or None)

        n_btn.click(on_nutrition, [n_sex, n_age, n_height, n_weight, n_bf, n_act, n_goal, n_rate, n_meals, n_diet,
                                   n_cuisine, n_trained, n_allergy, user, lang],
                    [n_md, n_chart, n_meals_table, n_grocery, n_files], api_name=False)

        # library
        q.submit(lambda query, lv: h.gif_search(query, lv), [q, lang], [q_md, q_gallery], api_name=False)
        q_btn.click(lambda query, lv: h.gif_search(query, lv), [q, lang], [q_md, q_gallery], api_name=False)
        eq_dd.change(lambda choice, lv: h.equipment_page(services, choice, lv), [eq_dd, lang], [eq_md, eq_gallery],
                     api_name=False)

        # my data
        def on_refresh(user_id, lang_value, request: gr.Request):
            profile, rows = h.my_data(services, owned(request, user_id, lang_value))
            return profile, _frame(rows, "col_when,col_kind,col_summary", lang_value)

        def on_delete(user_id, lang_value, request: gr.Request):
            """Delete everything, then carry on under a fresh id (the old one is forgotten too)."""
            message = h.delete_my_data(services, owned(request, user_id, lang_value), lang_value)
            return message, services.access.issue_user(caller(request))

        refresh.click(on_refresh, [user, lang], [profile_json, history_table], api_name=False)
        delete_btn.click(on_delete, [user, lang], [delete_md, user], api_name=False).then(
            on_refresh, [user, lang], [profile_json, history_table], api_name=False)
    return demo
