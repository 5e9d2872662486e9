"""The trainee's JupyterLab: French, on the home notebook, without instructor tools."""

from __future__ import annotations

import http.cookiejar
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cpts_training.lab import (
    DISABLED_LAB_EXTENSIONS,
    HOME_NOTEBOOK,
    course_notebooks,
    lab_command,
    prepare_trainee_space,
    trainee_environment,
)
from cpts_training.paths import modules_dir
from tests.helpers import course_server, trainee_lab
from tests.helpers import http_get as _get


def test_space_gets_every_course_notebook(tmp_path: Path) -> None:
    space = prepare_trainee_space(tmp_path / "stagiaire")
    expected = {HOME_NOTEBOOK} | {
        p.name for p in course_notebooks(modules_dir()) if p.name != "accueil.ipynb"
    }
    assert set(space.copied) == expected
    assert space.home.is_file()
    assert space.kept == []


def test_trainee_work_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "stagiaire"
    prepare_trainee_space(target)
    work = target / "00_prise_en_main.ipynb"
    work.write_text("mon travail", encoding="utf-8")
    space = prepare_trainee_space(target)
    assert "00_prise_en_main.ipynb" in space.kept
    assert work.read_text(encoding="utf-8") == "mon travail"
    assert "votre travail n'est pas écrasé" in space.report()


def test_settings_speak_french_and_hide_nbgrader(tmp_path: Path) -> None:
    target = tmp_path / "stagiaire"
    prepare_trainee_space(target)
    env = trainee_environment(target, base={"PATH": "/usr/bin"})
    page_config = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig" / "page_config.json"
    assert json.loads(page_config.read_text())["disabledExtensions"] == {
        "@jupyter/nbgrader": True,
        "@jupyterlab/extensionmanager-extension": True,
    }
    locale = (
        Path(env["JUPYTERLAB_SETTINGS_DIR"])
        / "@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    )
    assert json.loads(locale.read_text())["locale"] == "fr_FR"
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)


def test_disabled_instructor_tools_are_locked(tmp_path: Path) -> None:
    """A disabled plugin that is not locked can be enabled again from JupyterLab's UI."""
    target = tmp_path / "stagiaire"
    prepare_trainee_space(target)
    env = trainee_environment(target, base={"PATH": "/usr/bin"})
    page_config = json.loads(
        (Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig" / "page_config.json").read_text()
    )
    expected = dict.fromkeys(DISABLED_LAB_EXTENSIONS, True)
    assert page_config["disabledExtensions"] == expected
    assert page_config["lockedExtensions"] == expected


def test_lab_command_opens_the_home_notebook(tmp_path: Path) -> None:
    command = lab_command(tmp_path, port=9999, open_browser=False, token="")
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in command
    assert f"--LabApp.default_url=/lab/tree/{HOME_NOTEBOOK}" in command
    assert "--no-browser" in command and "--ServerApp.port=9999" in command


@pytest.fixture(scope="module")
def running_lab(tmp_path_factory: pytest.TempPathFactory):
    with trainee_lab(tmp_path_factory.mktemp("lab") / "espace") as base:
        yield base


def test_launch_command_serves_french_lab_on_the_home_notebook(running_lab: str) -> None:
    status, page, _ = _get(f"{running_lab}/lab")
    assert status == 200
    assert '"@jupyter/nbgrader"' in page  # listed among the disabled extensions
    status, _, headers = _get(f"{running_lab}/")
    assert status == 302 and headers["Location"].startswith(f"/lab/tree/{HOME_NOTEBOOK}")
    status, body, _ = _get(
        f"{running_lab}/lab/api/settings/@jupyterlab/translation-extension:plugin"
    )
    assert status == 200 and json.loads(body)["settings"]["locale"] == "fr_FR"
    status, body, _ = _get(f"{running_lab}/lab/api/translations/fr_FR")
    assert status == 200 and json.loads(body)["data"]
    assert _get(f"{running_lab}/formgrader")[0] == 404
    assert _get(f"{running_lab}/api/terminals")[0] == 404  # no terminal for trainees
    status, body, _ = _get(f"{running_lab}/api/contents/{HOME_NOTEBOOK}")
    assert status == 200 and "Accueil" in body


def _post_json(base: str, path: str, payload: dict[str, str]) -> tuple[int, dict[str, object]]:
    """POST as JupyterLab's page does: with the ``_xsrf`` cookie the server set."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    opener.open(f"{base}/lab", timeout=10).read()
    xsrf = next(cookie.value for cookie in cookies if cookie.name == "_xsrf")
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "X-XSRFToken": xsrf},
        method="POST",
    )
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_running_lab_refuses_to_enable_instructor_tools(running_lab: str) -> None:
    status, body, _ = _get(f"{running_lab}/lab/api/plugins")
    assert status == 200
    assert set(DISABLED_LAB_EXTENSIONS) <= set(json.loads(body)["lockRules"])
    # A plugin id of the locked extension that does not exist: should the lock ever fail,
    # the server would only record a harmless name in the interpreter's configuration.
    status, answer = _post_json(
        running_lab,
        "/lab/api/plugins",
        {"cmd": "enable", "plugin_name": "@jupyter/nbgrader:plugin-de-test-inexistant"},
    )
    assert status == 500 and "verrouillés" in str(answer["message"])


def test_trainer_grade_command_opens_formgrader(tmp_path: Path) -> None:
    from cpts_training.trainer.workspace import init_workspace

    workspace = init_workspace(tmp_path / "espace")
    with course_server(["assessment", "grade", "--workspace", str(workspace)]) as base:
        status, _, headers = _get(f"{base}/")
        assert status == 302 and headers["Location"].startswith("/formgrader")
        status, page, _ = _get(f"{base}/formgrader")
        assert status == 200 and "formgrader" in page.lower()
        status, body, _ = _get(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert json.loads(body)["settings"]["locale"] == "fr_FR"
