"""The scripts `lz init` writes into .gitlab-ci.yml, run here as GitLab would run them (sh, the job's variables),
against a real register repository and a stand-in for GitLab's notes API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from lianzheng_cli.write.scaffold import scaffold

BIN = Path(sys.executable).parent
MARKER = "<!-- lz-diff -->"
TOKEN = "glpat-0123456789abcdefghij"


def shell_env(**variables: str) -> dict[str, str]:
    """The job's environment: lz on PATH, no proxy for the local stand-in, hermetic git."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env.update({"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "NO_PROXY": "*", "NO_COLOR": "1",
                "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"})
    env.pop("LZ_LANG", None)
    env.update(variables)
    return env


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=shell_env(), check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "register"
    scaffold(root, year=2025)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "甲某某")
    git(root, "config", "user.email", "jia@example.org")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "登记簿初稿")
    return root


def job(repo: Path, name: str) -> dict:
    return yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))[name]


def test_lint_job_writes_the_code_quality_report_and_fails_on_errors(repo):
    report, text = job(repo, "lz-lint")["script"]
    env = shell_env()
    clean = sh(report, repo, env)
    assert clean.returncode == 0, clean.stderr
    assert json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []
    assert sh(text, repo, env).returncode == 0
    bgs = repo / "registers/departments/bgs.yaml"
    bgs.write_text(bgs.read_text(encoding="utf-8").replace("status: 落实中", "status: 做完了"), encoding="utf-8")
    broken = sh(report, repo, env)
    assert broken.returncode == 0, broken.stderr  # exit 1 (errors found) still gives the artifact
    issues = json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(i["check_name"], i["severity"], i["location"]["path"]) for i in issues] == [
        ("LZ013", "major", "registers/departments/bgs.yaml")]
    logged = sh(text, repo, env)
    assert logged.returncode == 1
    assert logged.stdout.startswith("registers/departments/bgs.yaml:")
    missing = sh(report.replace("lz lint", "lz lint --select LZ99"), repo, env)
    assert missing.returncode != 0  # a usage error (exit 2) fails the job instead of giving an empty report


def test_diff_job_compares_with_where_the_merge_request_started(repo, tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "feature")
    bgs = repo / "registers/departments/bgs.yaml"
    bgs.write_text(bgs.read_text(encoding="utf-8").replace("status: 落实中", "status: 已落实"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "措施已落实")
    # main moves on after the merge request started: its change is not the merge request's
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(origin), str(other))
    git(other, "config", "user.name", "乙某某")
    git(other, "config", "user.email", "yi@example.org")
    theirs = other / "registers/departments/bgs.yaml"
    theirs.write_text(theirs.read_text(encoding="utf-8").replace("title: 用印审核把关不严", "title: 用印审核不严格"),
                      encoding="utf-8")
    git(other, "commit", "-q", "-am", "改写风险点名称")
    git(other, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "--detach")  # CI checks out the commit, not the branch
    env = shell_env(CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    fetch, compare, show, _ = job(repo, "lz-diff")["script"]
    for script in (fetch, compare, show):
        done = sh(script, repo, env)
        assert done.returncode == 0, done.stdout + done.stderr
    comment = (repo / "lz-diff.md").read_text(encoding="utf-8")
    assert "已落实" in comment
    assert "用印审核不严格" not in comment  # main's own change since the merge request started
    against_tip = sh('lz diff origin/main WORKTREE --format markdown', repo, env).stdout
    assert "用印审核不严格" in against_tip  # what comparing with the tip of main would have wrongly shown


class FakeGitLab:
    """Just enough of GitLab's REST API: the token's user, and a merge request's notes."""

    def __init__(self, notes: list[dict]):
        self.notes = notes
        self.requests: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                url = urlsplit(self.path)
                fake.requests.append((method, url.path))
                if self.headers.get("PRIVATE-TOKEN") != TOKEN:
                    return self._reply(401, {"message": "401 Unauthorized"})
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length)) if length else None
                notes = "/api/v4/projects/42/merge_requests/5/notes"
                if method == "GET" and url.path == "/api/v4/user":
                    return self._reply(200, {"id": 7, "username": "project_42_bot"})
                if method == "GET" and url.path == notes:
                    page = int(parse_qs(url.query).get("page", ["1"])[0])
                    return self._reply(200, fake.notes[(page - 1) * 100: page * 100])
                if method == "POST" and url.path == notes:
                    note = {"id": 1000 + len(fake.notes), "body": data["body"], "author": {"id": 7}, "system": False}
                    fake.notes.append(note)
                    return self._reply(201, note)
                if method == "PUT" and url.path.startswith(notes + "/"):
                    note = next(n for n in fake.notes if n["id"] == int(url.path.rsplit("/", 1)[1]))
                    note["body"] = data["body"]
                    return self._reply(200, note)
                return self._reply(404, {"message": "404 Not Found"})

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PUT(self):
                self._handle("PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v4"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gitlab():
    others = [{"id": i, "body": f"评论 {i}", "author": {"id": 9}, "system": False} for i in range(1, 121)]
    others[3]["body"] = MARKER + "\n别人引用的旧评论"  # by another user: never edited
    fake = FakeGitLab(others)
    yield fake
    fake.server.shutdown()


def test_comment_job_posts_once_then_updates_its_own_comment(repo, gitlab):
    post = job(repo, "lz-diff")["script"][-1]
    env = shell_env(CI_API_V4_URL=gitlab.url, CI_MERGE_REQUEST_PROJECT_ID="42", CI_MERGE_REQUEST_IID="5",
                    LZ_GITLAB_TOKEN=TOKEN)
    (repo / "lz-diff.md").write_text("### 登记簿变更\n\n第一次\n", encoding="utf-8")
    first = sh(post, repo, env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.strip() == "已在合并请求中发表变更比对评论"
    mine = [n for n in gitlab.notes if n["author"]["id"] == 7]
    assert [n["body"] for n in mine] == [f"{MARKER}\n### 登记簿变更\n\n第一次\n"]

    (repo / "lz-diff.md").write_text("### 登记簿变更\n\n第二次\n", encoding="utf-8")
    gitlab.requests.clear()
    second = sh(post, repo, env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.strip() == f"已更新合并请求中的变更比对评论（评论 {mine[0]['id']}）"
    assert [n["body"] for n in gitlab.notes if n["author"]["id"] == 7] == [f"{MARKER}\n### 登记簿变更\n\n第二次\n"]
    assert gitlab.notes[3]["body"] == MARKER + "\n别人引用的旧评论"
    assert ("PUT", f"/api/v4/projects/42/merge_requests/5/notes/{mine[0]['id']}") in gitlab.requests
    assert not any(method == "POST" for method, _ in gitlab.requests)


def test_comment_job_without_a_token_only_logs(repo, gitlab):
    post = job(repo, "lz-diff")["script"][-1]
    (repo / "lz-diff.md").write_text("### 登记簿变更\n", encoding="utf-8")
    env = shell_env(CI_API_V4_URL=gitlab.url, CI_MERGE_REQUEST_PROJECT_ID="42", CI_MERGE_REQUEST_IID="5")
    env.pop("LZ_GITLAB_TOKEN", None)
    done = sh(post, repo, env)
    assert done.returncode == 0
    assert "未设置CI/CD变量 LZ_GITLAB_TOKEN" in done.stdout
    assert gitlab.requests == []
