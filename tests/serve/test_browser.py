"""The gallery in a real browser: headless Chromium from Debian's packages (``chromium`` and
``chromium-driver``, installed by ``.ci/install-browser``) driven by Selenium. It loads the
gallery, fills a form, submits it, reads the table, sees the chart drawn, follows a link to
an entity page; and the same with JavaScript off. Screenshots go to
``$CLUSTERGRAPH_SCREENSHOTS`` (default: the test's tmp folder), for a person to look at."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from clustergraph.catalog import saved_query
from clustergraph.query import run
from clustergraph.render import human
from clustergraph.store import load

from .conftest import Server

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1300,1400")


def _have_browser() -> bool:
    return Path(CHROMIUM).exists() and Path(DRIVER).exists()


if not _have_browser():
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI: chromium and chromedriver are needed (run .ci/install-browser)")
    pytest.skip("no chromium/chromedriver here (apt-get install chromium chromium-driver)",
                allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

#: While a page is replaced, an element found on the old one goes stale: keep waiting.
_RACES = (NoSuchElementException, StaleElementReferenceException)
#: Also raced, as a plain WebDriverException: "Node with given id does not belong to the
#: document" (seen in CI when the editor's script replaced the results while they were read)
_DOM_RACES = (*_RACES, WebDriverException)


def _wait_url(driver, part: str) -> None:  # noqa: ANN001
    WebDriverWait(driver, 20, ignored_exceptions=_RACES).until(lambda d: part in d.current_url)


def _wait_text(driver, text: str) -> None:  # noqa: ANN001
    WebDriverWait(driver, 20, ignored_exceptions=_DOM_RACES).until(
        lambda d: text in d.find_element(By.TAG_NAME, "body").text)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CLUSTERGRAPH_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _browser(javascript: bool):  # noqa: ANN202
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="clustergraph-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver, profile


@pytest.fixture(params=[True, False], ids=["javascript-on", "javascript-off"])
def browser(request: pytest.FixtureRequest):
    driver, profile = _browser(request.param)
    yield driver, request.param
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _table(driver) -> list[list[str]]:  # noqa: ANN001
    rows = driver.find_elements(By.CSS_SELECTOR, "table#results tbody tr")
    return [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]


def test_gallery_form_table_chart_and_entity_page(server: Server, browser, shots: Path) -> None:  # noqa: ANN001
    driver, javascript = browser
    tag = "js" if javascript else "nojs"
    kg = load()

    driver.get(server.url + "queries")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("class") == (
        "js" if javascript else "no-js")
    driver.save_screenshot(str(shots / f"gallery-{tag}.png"))
    driver.find_element(By.LINK_TEXT, "Which policies are active in a given year?").click()
    _wait_url(driver, "/query/policies-active-in-year")
    assert driver.find_element(By.TAG_NAME, "h1").text == \
        "Which policies are active in a given year?"

    # fill the form: a year, the country from its drop-down (labels, not IRIs; optional,
    # "every country" first and chosen until another is)
    country = Select(driver.find_element(By.ID, "p-country"))
    assert country.first_selected_option.text == "— every country —"
    assert driver.find_element(By.ID, "p-country").get_attribute("required") is None
    country.select_by_visible_text("Belgium")
    year = driver.find_element(By.ID, "p-year")
    year.clear()
    year.send_keys("2006")
    driver.find_element(By.CSS_SELECTOR, "form#params button[type=submit]").click()
    _wait_url(driver, "year=2006")
    driver.save_screenshot(str(shots / f"policies-2006-{tag}.png"))

    expected = run(saved_query("policies-active-in-year"),
                   {"country": "<http://publications.europa.eu/resource/authority/country/BEL>",
                    "year": "2006"}, kg=kg, labels=True)
    want = [[human(t, expected.labels) for t in row] for row in expected.rows]
    assert _table(driver) == want and len(want) == 2
    assert driver.find_element(By.ID, "permalink").get_attribute("href").endswith(
        "/query/policies-active-in-year?country=country%3ABEL&year=2006")

    # a chart over every country: bars under a heading for each country
    driver.get(server.url + "query/instrument-mix")
    svg = driver.find_element(By.CSS_SELECTOR, "figure#chart svg")
    assert [g.text for g in svg.find_elements(By.CSS_SELECTOR, "text.group")] == [
        "Belgium", "Denmark", "France", "Norway", "Poland"]
    assert len(svg.find_elements(By.CSS_SELECTOR, "rect.bar")) == 24
    assert svg.size["height"] > 600
    driver.save_screenshot(str(shots / f"instrument-mix-every-{tag}.png"))
    # one country's (its code typed in the address): an SVG drawn with bars of non-zero size
    driver.get(server.url + "query/instrument-mix?country=BE")
    svg = driver.find_element(By.CSS_SELECTOR, "figure#chart svg")
    assert svg.size["width"] > 300 and svg.size["height"] > 50
    bars = driver.find_elements(By.CSS_SELECTOR, "figure#chart svg rect.bar")
    assert len(bars) == 4 and all(b.size["width"] > 10 for b in bars)
    assert Select(driver.find_element(By.ID, "p-country")).first_selected_option.text == \
        "Belgium"
    driver.save_screenshot(str(shots / f"instrument-mix-{tag}.png"))

    # sort by a column header link, then follow a link in the table to the entity page
    driver.find_element(By.LINK_TEXT, "financialInstruments").click()
    _wait_url(driver, "sort=financialInstruments")
    driver.find_element(By.LINK_TEXT, "financialInstruments ▲").click()
    _wait_url(driver, "desc=1")
    assert [r[1] for r in _table(driver)] == ["Walloon Region Competitive Clusters Policy",
                                               "Flanders Innovation Clusters Policy"]
    driver.find_element(By.LINK_TEXT, "Flanders Innovation Clusters Policy").click()
    _wait_url(driver, "/id/policy/")
    assert driver.current_url == server.url + "id/policy/be-flanders-innovation-clusters"
    assert driver.find_element(By.TAG_NAME, "h1").text == "Flanders Innovation Clusters Policy"
    assert "Belgium 2023, section 3" in driver.find_element(By.CLASS_NAME, "provenance").text
    driver.save_screenshot(str(shots / f"policy-page-{tag}.png"))

    driver.get(server.url + "country/BEL")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Belgium"
    driver.save_screenshot(str(shots / f"country-BEL-{tag}.png"))


def test_editor_runs_a_query(server: Server, browser, shots: Path) -> None:  # noqa: ANN001
    driver, javascript = browser
    driver.get(server.url + "editor")
    text = driver.find_element(By.ID, "query-text")
    text.clear()
    text.send_keys("PREFIX cg: <https://w3id.org/clustergraph/ontology#>\n"
                   "SELECT (COUNT(?p) AS ?policies) WHERE { ?p a cg:ClusterPolicy ; "
                   "cg:coversArea/cg:country? <http://publications.europa.eu/resource/"
                   "authority/country/BEL> }")
    driver.find_element(By.CSS_SELECTOR, "form#editor button[type=submit]").click()
    _wait_text(driver, "1 row")
    WebDriverWait(driver, 20, ignored_exceptions=_DOM_RACES).until(
        lambda d: _table(d) == [["2"]])  # a timeout if the table never reads 2
    driver.save_screenshot(str(shots / f"editor-{'js' if javascript else 'nojs'}.png"))
