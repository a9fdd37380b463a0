"""The runtime's WSGI shim (``pyapp_runtime.wsgi``) and what it counts
(``pyapp_runtime.metrics``), without a server: the WSGI calls a server makes, by hand.

    PYTHONPATH=src/main/resources/python /usr/bin/python3 -m unittest discover -s src/test/python

Run by ``WsgiShimIT``.
"""
import contextvars
import os
import subprocess
import sys
import tempfile
import threading
import time
import types
import unittest

_entry = types.ModuleType("pyapp_shim_test_entry")


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


_entry.application = _hello
sys.modules[_entry.__name__] = _entry
os.environ["PYAPP_ENTRY"] = _entry.__name__ + ":application"
os.environ.pop("PYAPP_LOG_SOCKET", None)
os.environ.pop("PYAPP_TMP_PATH", None)

from pyapp_runtime import context, metrics, wsgi  # noqa: E402


def environ(path="/", script_name="", **extra):
    env = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": script_name, "PATH_INFO": path, "QUERY_STRING": "",
           "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1"}
    env.update(extra)
    return env


class Server:
    """What a WSGI server does with the callable: call it, iterate the body, close it."""

    def __init__(self):
        self.calls = []

    def start_response(self, status, headers, exc_info=None):
        self.calls.append((status, headers, exc_info))
        return self.write

    def write(self, data):
        pass

    def serve(self, application, env):
        result = application(env, self.start_response)
        try:
            return b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()


def taken():
    """What the shim counted since the last call: ({status: count}, number of durations)."""
    shipped = metrics.take()
    if shipped is None:
        return {}, 0
    return shipped["requests"], sum(shipped["buckets"])


class WsgiShimTests(unittest.TestCase):

    def setUp(self):
        taken()
        self.seen = []

    def hello(self, env, start_response):
        self.seen.append(context.request_path.get())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hello"]

    def test_counts_a_list_body_when_the_app_returns_and_clears_the_path(self):
        body = Server().serve(wsgi.wrap(self.hello, measure=True), environ("/a/b"))
        self.assertEqual(body, b"hello")
        self.assertEqual(self.seen, ["/a/b"])
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({"200": 1}, 1))

    def test_returns_the_apps_list_itself(self):
        body = [b"x"]

        def app(env, start_response):
            start_response("204 No Content", [])
            return body

        self.assertIs(wsgi.wrap(app, measure=True)(environ(), Server().start_response), body)
        self.assertEqual(taken(), ({"204": 1}, 1))

    def test_path_is_script_name_and_path_info(self):
        Server().serve(wsgi.wrap(self.hello, measure=True), environ("/x", script_name="/mount"))
        self.assertEqual(self.seen, ["/mount/x"])

    def test_moves_apaches_mount_prefix_to_script_name(self):
        seen = []

        def app(env, start_response):
            seen.append((env["SCRIPT_NAME"], env["PATH_INFO"], "PYAPP_SCRIPT_NAME" in env,
                         context.request_path.get()))
            start_response("200 OK", [])
            return []

        shim = wsgi.wrap(app, measure=False)
        Server().serve(shim, environ("/mount/page", PYAPP_SCRIPT_NAME="/mount"))
        Server().serve(shim, environ("/mount", PYAPP_SCRIPT_NAME="/mount"))
        Server().serve(shim, environ("/mountain", PYAPP_SCRIPT_NAME="/mount"))
        self.assertEqual(seen, [("/mount", "/page", False, "/mount/page"), ("/mount", "", False, "/mount"),
                                ("", "/mountain", False, "/mountain")])

    def test_a_missing_path_info_is_empty_as_other_web_servers_send_it(self):
        seen = []

        def app(env, start_response):
            seen.append((env["SCRIPT_NAME"], env["PATH_INFO"]))
            start_response("200 OK", [])
            return []

        for measure in (False, True):
            env = environ(script_name="/mount")
            del env["PATH_INFO"]
            Server().serve(wsgi.wrap(app, measure=measure), env)
        self.assertEqual(seen, [("/mount", ""), ("/mount", "")])

    def test_an_app_that_raises_before_start_response_counts_as_500(self):
        def app(env, start_response):
            raise KeyError("boom")

        with self.assertRaises(KeyError):
            wsgi.wrap(app, measure=True)(environ(), Server().start_response)
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({"500": 1}, 1))

    def test_an_app_that_raises_after_start_response_counts_the_status_it_gave(self):
        def app(env, start_response):
            start_response("200 OK", [])
            raise KeyError("boom")

        with self.assertRaises(KeyError):
            wsgi.wrap(app, measure=True)(environ(), Server().start_response)
        self.assertEqual(taken(), ({"200": 1}, 1))

    def test_start_response_with_exc_info_counts_the_last_status_and_passes_exc_info_on(self):
        def app(env, start_response, keyword=False):
            start_response("200 OK", [])
            try:
                raise ValueError("late")
            except ValueError:
                if keyword:
                    start_response("500 Internal Server Error", [], exc_info=sys.exc_info())
                else:
                    start_response("500 Internal Server Error", [], sys.exc_info())
            return [b"error"]

        for keyword in (False, True):
            server = Server()
            body = server.serve(wsgi.wrap(lambda e, s: app(e, s, keyword), measure=True), environ())
            self.assertEqual(body, b"error")
            self.assertEqual([status for status, _, _ in server.calls], ["200 OK", "500 Internal Server Error"])
            self.assertIsNone(server.calls[0][2])
            self.assertIs(server.calls[1][2][0], ValueError)
        self.assertEqual(taken(), ({"500": 2}, 2))

    def test_start_response_returns_the_servers_write(self):
        server = Server()
        writes = []

        def app(env, start_response):
            writes.append(start_response("200 OK", []))
            return []

        wsgi.wrap(app, measure=True)(environ(), server.start_response)
        self.assertEqual(writes, [server.write])

    def test_a_generator_that_starts_the_response_when_iterated_is_counted_when_closed(self):
        events = []

        def app(env, start_response):
            events.append(("called", context.request_path.get()))
            start_response("201 Created", [])
            events.append(("started", context.request_path.get()))
            yield b"a"
            yield b"b"

        result = wsgi.wrap(app, measure=True)(environ("/gen"), Server().start_response)
        self.assertEqual(events, [])
        self.assertEqual(taken(), ({}, 0))
        self.assertEqual(list(result), [b"a", b"b"])
        self.assertEqual(events, [("called", "/gen"), ("started", "/gen")])
        self.assertEqual(taken(), ({}, 0))
        self.assertEqual(context.request_path.get(), "/gen")
        result.close()
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({"201": 1}, 1))

    def test_closing_a_generator_early_runs_its_finally(self):
        events = []

        def app(env, start_response):
            start_response("200 OK", [])
            try:
                yield b"a"
                yield b"b"
            finally:
                events.append("finally")

        result = wsgi.wrap(app, measure=True)(environ(), Server().start_response)
        iterator = iter(result)
        self.assertEqual(next(iterator), b"a")
        result.close()
        self.assertEqual(events, ["finally"])
        self.assertEqual(taken(), ({"200": 1}, 1))

    def test_an_exception_during_iteration_counts_the_status_given_once_closed(self):
        def app(env, start_response):
            start_response("200 OK", [])
            yield b"a"
            raise KeyError("mid-body")

        result = wsgi.wrap(app, measure=True)(environ(), Server().start_response)
        with self.assertRaises(KeyError):
            list(result)
        self.assertEqual(taken(), ({}, 0))
        result.close()
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({"200": 1}, 1))

    def test_a_generator_that_raises_before_start_response_counts_as_500(self):
        def app(env, start_response):
            raise KeyError("first")
            yield b"never"

        result = wsgi.wrap(app, measure=True)(environ(), Server().start_response)
        with self.assertRaises(KeyError):
            list(result)
        result.close()
        self.assertEqual(taken(), ({"500": 1}, 1))

    def test_closes_an_iterable_body_once_and_counts_it_once(self):
        closed = []

        class Body:
            def __iter__(self):
                return iter([b"x", b"y"])

            def close(self):
                closed.append(context.request_path.get())

        def app(env, start_response):
            start_response("404 Not Found", [])
            return Body()

        body = Server().serve(wsgi.wrap(app, measure=True), environ("/missing"))
        self.assertEqual(body, b"xy")
        # the app's close() still runs with the request's path
        self.assertEqual(closed, ["/missing"])
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({"404": 1}, 1))

    def test_a_failing_close_still_counts_and_clears_the_path(self):
        class Body:
            def __iter__(self):
                return iter([])

            def close(self):
                raise OSError("close failed")

        def app(env, start_response):
            start_response("200 OK", [])
            return Body()

        result = wsgi.wrap(app, measure=True)(environ(), Server().start_response)
        with self.assertRaises(OSError):
            result.close()
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({"200": 1}, 1))

    def test_without_measuring_counts_nothing_but_keeps_the_path_and_closes(self):
        closed = []

        def app(env, start_response):
            start_response("200 OK", [])
            try:
                yield context.request_path.get().encode()
            finally:
                closed.append(True)

        shim = wsgi.wrap(app, measure=False)
        self.assertEqual(Server().serve(shim, environ("/quiet")), b"/quiet")
        self.assertEqual(Server().serve(wsgi.wrap(self.hello, measure=False), environ("/list")), b"hello")
        with self.assertRaises(KeyError):
            wsgi.wrap(lambda e, s: {}["x"], measure=False)(environ(), Server().start_response)
        self.assertEqual(closed, [True])
        self.assertIsNone(context.request_path.get())
        self.assertEqual(taken(), ({}, 0))

    def test_measures_by_default_unless_pyapp_metrics_is_0(self):
        for value, expected in (("1", "True"), ("0", "False"), ("off", "False")):
            env = dict(os.environ, PYAPP_METRICS=value)
            out = subprocess.run([sys.executable, "-c", "from pyapp_runtime import metrics; print(metrics.ENABLED)"],
                                 env=env, check=True, capture_output=True, text=True).stdout.strip()
            self.assertEqual(out, expected, value)
        saved = metrics.ENABLED
        metrics.ENABLED = False
        try:
            shim = wsgi.wrap(self.hello)
        finally:
            metrics.ENABLED = saved
        Server().serve(shim, environ())
        self.assertEqual(taken(), ({}, 0))
        Server().serve(wsgi.wrap(self.hello), environ())
        self.assertEqual(taken(), ({"200": 1}, 1))

    def test_the_module_serves_its_entry_wrapped(self):
        self.assertEqual(Server().serve(wsgi.application, environ()), b"hello")
        self.assertEqual(taken(), ({"200": 1}, 1) if metrics.ENABLED else ({}, 0))

    def test_an_app_that_exits_while_it_is_loaded_fails_to_load(self):
        # a worker that just ended would be started again by its master, endlessly
        for name, body in (("pyapp_shim_test_exits", "import sys\nsys.exit('SECRET not set')\n"),
                           ("pyapp_shim_test_factory_exits",
                            "import sys\ndef create():\n    sys.exit(0)\n")):
            sys.modules.pop(name, None)
            finder = _SourceFinder(name, body)
            sys.meta_path.insert(0, finder)
            try:
                kind, attribute = ("factory", "create") if "factory" in name else ("wsgi", "application")
                with self.assertRaises(RuntimeError) as raised:
                    wsgi.load_entry(name + ":" + attribute, kind)
            finally:
                sys.meta_path.remove(finder)
                sys.modules.pop(name, None)
            expected = "SECRET not set" if kind == "wsgi" else "0"
            self.assertEqual(str(raised.exception),
                             "the app exited while it was loaded (SystemExit: %s)" % expected)

    def test_a_process_that_ends_while_it_loads_the_app_fails_the_load_the_third_time_in_a_row(self):
        # os._exit at import cannot be caught: the shim counts the workers that ended
        # while they loaded, so that the master stops instead of starting them forever
        with tempfile.TemporaryDirectory() as tmp:
            app_dir = os.path.join(tmp, "app")
            os.mkdir(app_dir)

            def app(body):
                with open(os.path.join(app_dir, "pyapp_shim_test_dies.py"), "w") as out:
                    out.write(body)

            def load():
                shim = os.path.dirname(os.path.dirname(os.path.abspath(wsgi.__file__)))
                env = dict(os.environ, PYTHONPATH=os.pathsep.join((shim, app_dir)), PYAPP_TMP_PATH=tmp,
                           PYAPP_ENTRY="pyapp_shim_test_dies:application", PYTHONDONTWRITEBYTECODE="1")
                return subprocess.run([sys.executable, "-c", "import pyapp_runtime.wsgi"], env=env,
                                      capture_output=True, text=True, timeout=60)

            dies = "import os\nos._exit(7)\n"
            app(dies)
            self.assertEqual([load().returncode for _ in range(3)], [7, 7, 7])
            failed = load()
            self.assertEqual(failed.returncode, 1, failed.stderr)
            self.assertIn("RuntimeError: the app's process ended while it was loaded, 3 times in a row",
                          failed.stderr)
            # counted afresh after the failure (the next master), and after a load that worked
            self.assertEqual([load().returncode for _ in range(2)], [7, 7])
            app("def application(environ, start_response):\n    return []\n")
            loaded = load()
            self.assertEqual(loaded.returncode, 0, loaded.stderr)
            self.assertEqual(os.listdir(os.path.join(tmp, ".pyapp-loading")), [])
            app(dies)
            self.assertEqual([load().returncode for _ in range(3)], [7, 7, 7])

    def test_loads_in_two_sandboxes_with_the_same_pid_keep_their_own_marks(self):
        # an upgrade: the live daemon and the candidate beside it each load as pid 3 of
        # their own PID namespace; the live one's load ending removed the candidate's
        # mark, and the server, seeing no load under way, failed its health check early
        with tempfile.TemporaryDirectory() as tmp:
            marks = os.path.join(tmp, ".pyapp-loading")
            live, candidate = wsgi._LoadWatch(marks), wsgi._LoadWatch(marks)
            live._namespace, candidate._namespace = "4026532001", "4026532002"
            live.begin()
            candidate.begin()
            live.end(True)
            self.assertEqual(os.listdir(marks), ["4026532002-%d" % os.getpid()])
            candidate.end(True)
            self.assertEqual(os.listdir(marks), [])

    def test_marks_of_another_namespace_are_removed_once_stale(self):
        with tempfile.TemporaryDirectory() as tmp:
            marks = os.path.join(tmp, ".pyapp-loading")
            os.mkdir(marks)
            for name in ("1-3", "2-3"):
                open(os.path.join(marks, name), "w").close()
            old = time.time() - wsgi._LoadWatch.STALE_MARK - 60
            os.utime(os.path.join(marks, "1-3"), (old, old))
            watch = wsgi._LoadWatch(marks)
            watch.begin()
            watch.end(True)
            self.assertEqual(os.listdir(marks), ["2-3"])

    def test_an_asgi_app_is_refused_when_it_is_loaded(self):
        # FastAPI/Starlette and Django's ASGIHandler: an async __call__; or an async def
        body = ("class App:\n    async def __call__(self, scope, receive, send):\n        pass\n"
                "app = App()\n"
                "async def application(scope, receive, send):\n    pass\n"
                "class Wsgi:\n    def __call__(self, environ, start_response):\n        return []\n"
                "wsgi = Wsgi()\n")
        name = "pyapp_shim_test_asgi"
        finder = _SourceFinder(name, body)
        sys.meta_path.insert(0, finder)
        try:
            for attribute in ("app", "application"):
                with self.assertRaises(TypeError) as raised:
                    wsgi.load_entry(name + ":" + attribute)
                self.assertIn("is an ASGI app", str(raised.exception))
            self.assertTrue(callable(wsgi.load_entry(name + ":wsgi")))
        finally:
            sys.meta_path.remove(finder)
            sys.modules.pop(name, None)

    def test_threads_see_their_own_request_path(self):
        barrier = threading.Barrier(8)
        seen = {}

        def app(env, start_response):
            barrier.wait(5)
            seen[env["PATH_INFO"]] = context.request_path.get()
            start_response("200 OK", [])
            return []

        shim = wsgi.wrap(app, measure=True)
        threads = [threading.Thread(target=Server().serve, args=(shim, environ("/t%d" % i))) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertEqual(seen, {"/t%d" % i: "/t%d" % i for i in range(8)})
        self.assertEqual(taken(), ({"200": 8}, 8))

    def test_restores_an_outer_path(self):
        token = context.request_path.set("/outer")
        try:
            Server().serve(wsgi.wrap(self.hello, measure=True), environ("/inner"))
            self.assertEqual(context.request_path.get(), "/outer")
        finally:
            context.request_path.reset(token)


class _SourceFinder:
    """Imports one module from source text (no file on disk)."""

    def __init__(self, name, source):
        self.name = name
        self.source = source

    def find_spec(self, name, path=None, target=None):
        import importlib.util
        if name != self.name:
            return None
        return importlib.util.spec_from_loader(name, self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self.source, "<%s>" % self.name, "exec"), module.__dict__)


if __name__ == "__main__":
    unittest.main()
