"""What an app prints inside a request (``pyapp_runtime.capture``): shipped as records
with the request's path through ``logship``'s shipper, or left on the real stream.

    PYTHONPATH=src/main/resources/python /usr/bin/python3 -m unittest discover -s src/test/python
"""
import io
import os
import sys
import tempfile
import threading
import traceback
import types
import unittest
from unittest import mock



def _hello(environ, start_response):
    # the same app as test_wsgi_shim's, whichever of the two imports the shim first
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


_entry = types.ModuleType("pyapp_capture_test_entry")
_entry.application = _hello
sys.modules[_entry.__name__] = _entry
os.environ.setdefault("PYAPP_ENTRY", _entry.__name__ + ":application")
os.environ.pop("PYAPP_LOG_SOCKET", None)
os.environ.pop("PYAPP_TMP_PATH", None)

from pyapp_runtime import capture, context, logship, wsgi  # noqa: E402


class FakeShipper:
    """logship's shipper as capture sees it: offer() queues, unless failing or full."""

    def __init__(self):
        self.records = []
        self.failing = False
        self.full = False

    def offer(self, record):
        if self.full:
            return False
        self.records.append(record)
        return True


def environ(path):
    return {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1"}


def serve(application, path):
    """What a WSGI server does: call, iterate the body, close it."""
    result = application(environ(path), lambda status, headers, exc_info=None: None)
    try:
        return b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()


class CaptureTests(unittest.TestCase):

    def setUp(self):
        self.shipper = FakeShipper()
        patcher = mock.patch.object(logship, "_handler", types.SimpleNamespace(shipper=self.shipper))
        patcher.start()
        self.addCleanup(patcher.stop)
        self.real_out = io.StringIO()
        self.real_err = io.StringIO()
        self.out = capture.RequestStream(self.real_out, "stdout", 20)
        self.err = capture.RequestStream(self.real_err, "stderr", 30)
        self.addCleanup(capture.PENDING.clear)

    def app(self, body):
        """A WSGI app that runs body(out, err) and answers a list."""
        def application(env, start_response):
            body(self.out, self.err)
            start_response("200 OK", [])
            return [b"ok"]
        return wsgi.wrap(application, measure=True)

    def lines(self):
        return [(r[1], r[2], r[3], r[6]) for r in self.shipper.records]

    def test_a_print_inside_a_request_is_a_record_with_the_path(self):
        serve(self.app(lambda out, err: print("hello from the view", file=out)), "/hello")
        self.assertEqual(self.lines(), [(20, "stdout", "hello from the view", "/hello")])
        record = self.shipper.records[0]
        self.assertIsNone(record[4])
        self.assertEqual(record[5], threading.current_thread().name)
        self.assertIsInstance(record[0], float)
        self.assertEqual(self.real_out.getvalue(), "")

    def test_stderr_lines_are_warnings(self):
        serve(self.app(lambda out, err: print("careful", file=err)), "/warn")
        self.assertEqual(self.lines(), [(30, "stderr", "careful", "/warn")])
        self.assertEqual(self.real_err.getvalue(), "")

    def test_whole_lines_only_and_the_rest_is_shipped_when_the_request_ends(self):
        def body(out, err):
            out.write("one, ")
            out.write("still one\ntwo\r\nthree")
            self.assertEqual(self.lines(), [(20, "stdout", "one, still one", "/p"), (20, "stdout", "two", "/p")])
            out.writelines(["; three goes on", "\nfour"])
        serve(self.app(body), "/p")
        self.assertEqual([line[2] for line in self.lines()], ["one, still one", "two", "three; three goes on", "four"])
        self.assertEqual(capture.PENDING, {})

    def test_the_rest_of_a_streamed_body_is_shipped_when_the_server_closes_it(self):
        def application(env, start_response):
            start_response("200 OK", [])
            yield b"a"
            self.out.write("printed while streaming")
            yield b"b"
        self.assertEqual(serve(wsgi.wrap(application, measure=False), "/stream"), b"ab")
        self.assertEqual(self.lines(), [(20, "stdout", "printed while streaming", "/stream")])

    def test_the_rest_is_shipped_when_the_app_raises(self):
        def application(env, start_response):
            self.err.write("half a line")
            raise ValueError("boom")
        with self.assertRaises(ValueError):
            serve(wsgi.wrap(application, measure=True), "/raise")
        self.assertEqual(self.lines(), [(30, "stderr", "half a line", "/raise")])

    def test_a_print_outside_a_request_goes_to_the_real_stream(self):
        print("at import", file=self.out)
        print("a warning at import", file=self.err)
        self.assertEqual(self.real_out.getvalue(), "at import\n")
        self.assertEqual(self.real_err.getvalue(), "a warning at import\n")
        self.assertEqual(self.shipper.records, [])

    def test_threads_keep_their_own_lines_and_paths(self):
        barrier = threading.Barrier(4)

        def body(out, err):
            out.write("from ")
            barrier.wait(5)
            out.write(context.request_path.get() + "\n")
        threads = [threading.Thread(target=serve, args=(self.app(body), "/t%d" % i)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertEqual(sorted(line[2:] for line in self.lines()),
                         [("from /t%d" % i, "/t%d" % i) for i in range(4)])

    def test_without_shipping_lines_go_to_the_real_stream(self):
        with mock.patch.object(logship, "_handler", None):
            serve(self.app(lambda out, err: print("not installed", file=out)), "/a")
        self.shipper.failing = True
        serve(self.app(lambda out, err: print("sender failing", file=out)), "/b")
        self.shipper.failing = False
        self.shipper.full = True
        serve(self.app(lambda out, err: out.write("queue full, and no newline")), "/c")
        self.assertEqual(self.real_out.getvalue(), "not installed\nsender failing\nqueue full, and no newline\n")
        self.assertEqual(self.shipper.records, [])

    def test_a_real_shipper_that_cannot_reach_its_socket_is_not_offered_lines(self):
        with tempfile.TemporaryDirectory() as tmp:
            shipper = logship._Shipper(os.path.join(tmp, "missing.sock"), "app", "1.0", "worker")
            self.assertFalse(shipper._send(b"{}\n"))
            self.assertFalse(shipper.offer(("record",)))
            with mock.patch.object(logship, "_handler", types.SimpleNamespace(shipper=shipper)):
                self.assertIsNone(logship.available_shipper())
                serve(self.app(lambda out, err: print("kept", file=out)), "/d")
        self.assertEqual(self.real_out.getvalue(), "kept\n")

    def test_a_long_partial_line_is_shipped_at_the_bound_and_a_long_line_in_pieces(self):
        def body(out, err):
            for _ in range(capture.MAX_PARTIAL // 1024):
                out.write("x" * 1024)
            out.write("y" * (capture.MAX_PARTIAL + 10) + "\n")
        serve(self.app(body), "/long")
        self.assertEqual([line[2] for line in self.lines()],
                         ["x" * capture.MAX_PARTIAL, "y" * capture.MAX_PARTIAL, "y" * 10])
        self.assertLessEqual(capture.MAX_PARTIAL, logship.MAX_MESSAGE)

    def test_blank_lines_are_no_records(self):
        serve(self.app(lambda out, err: print("\nfirst\n\n  \nsecond\n", file=out)), "/blank")
        self.assertEqual([line[2] for line in self.lines()], ["first", "second"])

    def test_a_printed_traceback_is_one_record_with_its_chained_ones(self):
        def body(out, err):
            print("before", file=err)
            try:
                try:
                    raise KeyError("inner")
                except KeyError:
                    raise ValueError("outer")
            except ValueError:
                traceback.print_exc(file=err)
            print("after", file=err)
            traceback.print_stack(file=err, limit=1)  # not a traceback: indented lines

        serve(self.app(body), "/tb")
        records = [(r[3], r[4]) for r in self.shipper.records]
        self.assertEqual([message for message, _ in records][:3], ["before", "ValueError: outer", "after"])
        exception = records[1][1]
        self.assertTrue(exception.startswith("Traceback (most recent call last):\n"), exception)
        self.assertIn("KeyError: 'inner'", exception)
        self.assertIn("During handling of the above exception, another exception occurred:", exception)
        self.assertTrue(exception.endswith("\nValueError: outer"), exception)
        self.assertEqual({r[6] for r in self.shipper.records}, {"/tb"})

    def test_a_traceback_left_open_is_shipped_when_the_request_ends(self):
        def body(out, err):
            err.write("Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n")
        serve(self.app(body), "/open")
        self.assertEqual([(r[3], r[4]) for r in self.shipper.records],
                         [('  File "x.py", line 1, in <module>',
                           'Traceback (most recent call last):\n  File "x.py", line 1, in <module>')])

    def test_everything_else_is_the_real_streams(self):
        real = open(os.devnull, "w")
        self.addCleanup(real.close)
        stream = capture.RequestStream(real, "stdout", 20)
        self.assertEqual(stream.fileno(), real.fileno())
        self.assertFalse(stream.isatty())
        self.assertEqual(stream.encoding, real.encoding)
        self.assertIs(stream.buffer, real.buffer)
        self.assertEqual(stream.mode, "w")
        stream.flush()
        self.assertEqual(stream.write("outside\n"), 8)
        with self.assertRaises(TypeError):
            stream.write(b"bytes")

    def test_install_wraps_both_streams_once_only_when_records_are_shipped(self):
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.object(sys, "stdout", out), mock.patch.object(sys, "stderr", err), \
                mock.patch.object(capture, "_installed", False):
            with mock.patch.object(logship, "_handler", None):
                self.assertFalse(capture.install())
                self.assertIs(sys.stdout, out)
            self.assertTrue(capture.install())
            self.assertIsInstance(sys.stdout, capture.RequestStream)
            self.assertIsInstance(sys.stderr, capture.RequestStream)
            wrapped = sys.stdout
            self.assertTrue(capture.install())
            self.assertIs(sys.stdout, wrapped)
            token = context.request_path.set("/installed")
            try:
                print("printed")
                print("complained", file=sys.stderr)
            finally:
                context.request_path.reset(token)
        self.assertEqual(self.lines(), [(20, "stdout", "printed", "/installed"),
                                        (30, "stderr", "complained", "/installed")])
        self.assertEqual(out.getvalue() + err.getvalue(), "")


if __name__ == "__main__":
    unittest.main()
