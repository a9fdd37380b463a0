"""The app (metadata.yaml: entry factory). Mounted below a path, it sees it as
SCRIPT_NAME: url_for() and redirects stay below it, and the session cookie is scoped
to it (two apps on one host name keep their own)."""
import hmac
import secrets

from flask import Flask, abort, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from . import settings
from .db import Note, Session


class MountSessionInterface(SecureCookieSessionInterface):
    """The session cookie's path is the mount path, not /."""

    def get_cookie_path(self, app):
        return (request.script_root or "") + "/"


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.SECRET_KEY
    app.session_interface = MountSessionInterface()

    def csrf_token():
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return session["csrf"]

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["title"] = settings.TITLE

    @app.before_request
    def check_csrf():
        if request.method == "POST":
            token = request.form.get("csrf_token", "")
            if not hmac.compare_digest(token, session.get("csrf", "")):
                abort(400, "the form's CSRF token is missing or wrong")

    @app.get("/")
    def home():
        with Session() as db:
            notes = db.scalars(select(Note).order_by(Note.id)).all()
        return render_template("home.html", user=session.get("user"), notes=notes)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            if request.form.get("username") == "admin" and hmac.compare_digest(
                    request.form.get("password", ""), settings.ADMIN_PASSWORD):
                session["user"] = "admin"
                return redirect(url_for("home"))
            error = "wrong user name or password"
        return render_template("login.html", error=error)

    @app.post("/logout")
    def logout():
        session.pop("user", None)
        return redirect(url_for("home"))

    @app.post("/notes")
    def add_note():
        if session.get("user") != "admin":
            abort(403)
        with Session.begin() as db:
            db.add(Note(text=request.form.get("text", "")[:500]))
        return redirect(url_for("home"))

    @app.get("/health")
    def health():
        return "ok"

    return app
