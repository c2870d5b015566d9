"""End to end: start `python app.py` on 127.0.0.1 and drive every tab in real headless Chromium.

Needs Debian's chromium (`.ci/run` installs it when missing) and the `playwright` package (driver only;
no browser download: it launches /usr/bin/chromium). Screenshots go to the test's temp folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from bench.app import free_port, start_app, stop_app

    data = tmp_path_factory.mktemp("data")
    port = free_port()
    try:
        proc, _, _ = start_app(port, data, data / "app.log", timeout_s=120,
                               extra_env={"FITNESSLM_LLM_BACKEND": "local", "FITNESSLM_LLM_URL": ""})
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(app_url, browser):
    pg = browser.new_page(viewport={"width": 1280, "height": 1000})
    pg.set_default_timeout(90_000)
    pg.goto(app_url, wait_until="domcontentloaded")
    pg.wait_for_selector("#chat-input textarea")
    yield pg
    pg.close()


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_chat_answers_an_equipment_question_with_a_trace(page, tmp_path):
    box = page.locator("#chat-input textarea")
    box.fill("How do I use the leg press?")
    box.press("Enter")
    bot = page.locator("#chatbot")
    bot.get_by_text("Tools used").first.wait_for()   # the folded tool trace, added when the answer is complete
    text = bot.inner_text()
    assert "leg press" in text.lower() and "Safety" in text
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)


def test_scan_tab_recognises_an_uploaded_photo(page, tmp_path):
    _tab(page, "📷 Scan")
    photo = tmp_path / "not_equipment.png"
    img = Image.new("RGB", (320, 240), (235, 210, 160))
    ImageDraw.Draw(img).ellipse((80, 40, 240, 200), fill=(200, 60, 40))  # a red ball on sand: not gym equipment
    img.save(photo)
    page.locator("#scan-photo input[type=file]").set_input_files(str(photo))
    page.wait_for_timeout(1000)
    page.locator("#identify").click()
    card = page.locator("#scan-card")
    card.locator("p, li").first.wait_for()
    text = card.inner_text().lower()
    assert any(w in text for w in ("not gym equipment", "not sure", "doesn't look", "closest")), text
    page.screenshot(path=str(tmp_path / "scan.png"), full_page=True)


def test_scan_picker_pick_card_add_to_my_gym_then_recognised(page, tmp_path):
    """Upload → picker (known only from the shipped photos: not sure) → pick → card → add to my gym →
    the same photo is then recognised with a card."""
    from indexes.default_gallery import thumbnail

    _tab(page, "📷 Scan")
    photo = tmp_path / "leg_press.jpg"
    photo.write_bytes(thumbnail("leg_press_machine").read_bytes())
    page.locator("#scan-photo input[type=file]").set_input_files(str(photo))
    page.wait_for_timeout(1000)
    page.locator("#identify").click()
    card = page.locator("#scan-card")
    card.get_by_text("not sure").first.wait_for()
    picker = page.locator("#scan-picker img")
    picker.first.wait_for()
    assert picker.count() == 5
    picker.first.click()                                    # the top candidate: the leg press
    card.get_by_text("Add this photo to my gym").first.wait_for()
    assert "leg press" in card.inner_text().lower()
    page.locator("#scan-add").click()
    page.locator("#scan-add-result").get_by_text("leg_press_machine").first.wait_for()
    page.locator("#identify").click()
    card.get_by_text("sure)").first.wait_for()              # "This looks like a Leg press machine (99% sure)."
    assert "leg press" in card.inner_text().lower()
    page.screenshot(path=str(tmp_path / "picker.png"), full_page=True)


def test_training_form_makes_a_week(page, tmp_path):
    _tab(page, "🏋️ Training plan")
    page.locator("#make-plan").click()
    table = page.locator("#training-table")
    page.wait_for_function("document.querySelectorAll('#training-table [role=gridcell]').length > 40")
    assert "Sets" in table.inner_text()
    summary = page.locator("#training-summary").inner_text()
    assert "not medical advice" in summary.lower() and "Week 4" in summary   # disclaimer and the deload week
    page.screenshot(path=str(tmp_path / "training.png"), full_page=True)
    before = table.inner_text()
    page.locator("#another-variation").click()       # same profile, other exercises
    page.wait_for_function("(before) => document.querySelector('#training-table').innerText !== before", arg=before)
    assert "Sets" in table.inner_text()
    page.locator("#swap-exercise input").click()      # swap the first exercise of day 1
    page.get_by_role("option").first.click()
    page.locator("#swap-btn").click()
    page.locator("#training-summary").get_by_text("Day 1:").first.wait_for()
    assert "→" in page.locator("#training-summary").inner_text() and "Sets" in table.inner_text()


def test_nutrition_form_makes_targets_and_meals(page, tmp_path):
    _tab(page, "🥗 Nutrition")
    page.locator("#make-nutrition").click()
    page.locator("#nutrition-summary").get_by_text("kcal").first.wait_for()
    page.wait_for_function("document.querySelectorAll('#meal-table [role=gridcell]').length > 20")
    assert "Protein" in page.locator("#nutrition-summary").inner_text()
    page.screenshot(path=str(tmp_path / "nutrition.png"), full_page=True)


def test_library_finds_squat_demonstrations(page, tmp_path):
    _tab(page, "📚 Library")
    page.locator("#gif-query textarea, #gif-query input").first.fill("squat")
    page.locator("#gif-search").click()
    page.locator("#gif-result").get_by_text("squat").first.wait_for()
    page.wait_for_function("document.querySelectorAll('.gif-gallery img').length > 0")
    page.screenshot(path=str(tmp_path / "library.png"), full_page=True)


def test_language_switch_relabels_the_page(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})   # a first visit: the welcome is shown
    page.set_default_timeout(90_000)
    page.goto(app_url, wait_until="domcontentloaded")
    page.wait_for_selector("#chat-input textarea")
    page.locator("#lang-switch").get_by_text("中文").click()
    page.get_by_role("tab", name="💬 对话").wait_for()
    body = page.inner_text("body")
    assert "中英双语健身助手" in body and "你好，我是你的健身助手" in body
    assert "Knowledge" not in body and "知识库:" not in body   # no engineering status when all is well
    page.screenshot(path=str(tmp_path / "zh.png"), full_page=True)
    page.close()


SHOTS = Path(os.environ.get("FITNESSLM_E2E_SHOTS", tempfile.gettempdir())) / "fitnesslm-e2e"


@pytest.mark.parametrize("size, locale", [((1366, 900), "en-US"), ((390, 844), "zh-CN")])
def test_first_screen_welcomes_in_the_page_language_with_the_input_visible(app_url, browser, size, locale):
    """What a first visitor sees: a short welcome with what to try, in their browser's language, no status
    line, and the message box on the first screen (also on a phone)."""
    width, height = size
    if True:   # one fresh context per screen: its own cookie, storage and Accept-Language
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                      is_mobile=width < 600, has_touch=width < 600)
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(app_url, wait_until="domcontentloaded")
        box = page.locator("#chat-input textarea")
        box.wait_for()
        welcome = "你好，我是你的健身助手" if locale.startswith("zh") else "Hi, I'm your fitness assistant"
        page.get_by_text(welcome).first.wait_for()
        page.wait_for_function("!/\\d\\s*s$/.test(document.querySelector('#status').innerText.trim())")  # load done
        body = page.inner_text("body")
        assert ("照片" in body and "计划" in body) if locale.startswith("zh") else \
            all(w in body for w in ("photo", "plan", "question"))
        assert "Knowledge:" not in body and "equipment 47" not in body and not page.locator("#status").inner_text().strip()
        rect = box.bounding_box()
        assert rect and rect["y"] + rect["height"] <= height, rect       # the input is on the first screen
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"first-{width}x{height}.png"))
        context.close()
