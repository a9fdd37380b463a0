#!/usr/bin/env python3
"""Paired A/B of Apache httpd configurations in front of one uWSGI started by hand (issue 14).

Each VARIANT is an Apache configuration: ``hand`` is PeersBenchmark's hand-written one
(mod_proxy_uwsgi, one ProxyPass, no access log); ``pyapp`` is what ApacheRenderer writes
for the peers benchmark's four apps (four name-based virtual servers, ``<Location>``
blocks, the X-Forwarded-* RequestHeaders, the buffered access log, its modules and
AddTypes; requests go to the first, a uWSGI app at ``/``). ``+FLAG`` removes one part of
it: ``+nolog`` (the access log), ``+unbuf`` (BufferedLogs), ``+noexpr`` (both
``RequestHeader ... expr=`` lines), ``+noxff`` / ``+noxfh`` (one of them), ``+nohdr``
(every RequestHeader and ProxyPreserveHost/ProxyAddHeaders), ``+fewmods`` (only the
modules the uWSGI path needs), ``+onevhost`` (one virtual server); ``hand+log`` adds the
access log to the hand-written one. ``@b`` / ``@c`` after a name sends it to a second /
third uWSGI started with the extra arguments in UWSGI_B / UWSGI_C (UWSGI_B_MODULE /
UWSGI_C_MODULE replace its WSGI module, e.g. ``pyapp_runtime.wsgi:application`` with
PYTHONPATH=src/main/resources/python PYAPP_ENTRY=hello:application; UWSGI_B_WRAP /
UWSGI_C_WRAP put a command in front of it, such as ``bench/in_cgroups.sh cpu,memory`` or
a ``bwrap ... --`` line, to measure what PyApp's sandbox and cgroups cost the daemon).

Every Apache and uWSGI runs in a session of its own; wrk -t2 -c32 pinned to the last
CPU; ROUNDS rounds of 1 s warm-up + SECONDS per variant, the order rotated and reversed
every other round. Prints req/s and the CPU time (user + system) of each variant's Apache
processes and of its uWSGI per request, each round and the medians, and each variant's
median per-round ratio of req/s to the first variant.

    flock /work/.heavy.lock bench/apache_ab.py SECONDS ROUNDS VARIANT...
    # SHAPE=t8 for uWSGI with 1 process x 8 threads (default p2: 2 processes)
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = "/usr/lib/apache2/modules"
HELLO = '''def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"Hello world\\n"]
'''
LOG = ('LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined\n'
       '{buffered}CustomLog "{dir}/logs/access.log" combined\n')


def add_types():
    golden = os.path.join(HERE, "src/test/resources/mount/golden/apache-uwsgi.conf")
    with open(golden) as f:
        return "".join(line for line in f if line.startswith("AddType "))


def load(module):
    return 'LoadModule %s_module "%s/mod_%s.so"\n' % (module, MODULES, module)


def config(variant, port, d, sock):
    base, *flags = variant.split("+")
    flags = set(flags)
    c = ('ServerRoot "{0}"\nDefaultRuntimeDir "{0}/run"\nPidFile "{0}/run/httpd.pid"\n'
         'ErrorLog "{0}/logs/error.log"\nLogLevel warn\n').format(d)
    log = LOG.replace("{dir}", d).replace("{buffered}", "" if "unbuf" in flags else "BufferedLogs On\n")
    if base == "hand":
        c += "".join(load(m) for m in ("mpm_event", "authz_core", "proxy", "proxy_uwsgi"))
        c += "User www-data\nGroup www-data\nServerName localhost\nKeepAlive On\nMaxKeepAliveRequests 10000\n"
        c += "Listen 127.0.0.1:%d\n" % port
        if "log" in flags:
            c += log
        return c + '<VirtualHost 127.0.0.1:%d>\n  ProxyPass "/" "unix:%s|uwsgi://localhost/"\n</VirtualHost>\n' % (
            port, sock)
    if base != "pyapp":
        raise SystemExit("unknown variant " + variant)
    modules = ["mpm_event", "authz_core", "mime", "alias", "dir", "headers", "expires", "proxy", "proxy_http", "env",
               "proxy_uwsgi"]
    if "fewmods" in flags:
        modules = ["mpm_event", "authz_core", "headers", "proxy", "proxy_http", "proxy_uwsgi"]
    c += "".join(load(m) for m in modules)
    c += "User www-data\nGroup www-data\nServerName localhost\n"
    if "fewmods" not in flags:
        c += "TypesConfig /dev/null\n"
    c += ("ServerTokens Prod\nServerSignature Off\nTraceEnable Off\nKeepAlive On\nMaxKeepAliveRequests 10000\n"
          "KeepAliveTimeout 65\n")
    c += 'DocumentRoot "%s/empty"\n' % d
    if "fewmods" not in flags:
        c += "DirectoryIndex index.html\n" + add_types()
    c += "<Directory />\n    Options FollowSymLinks\n    AllowOverride None\n    Require all denied\n</Directory>\n"
    if "nolog" not in flags:
        c += log
    c += "Listen 127.0.0.1:%d\n" % port
    for host in (["up2"] if "onevhost" in flags else ["up2", "gp2", "ut8", "gt8"]):
        c += "<VirtualHost 127.0.0.1:%d>\n    ServerName %s.bench\n" % (port, host)
        if "nohdr" not in flags:
            c += ("    ProxyPreserveHost On\n    RequestHeader unset X-Forwarded-Host early\n    ProxyAddHeaders On\n"
                  '    RequestHeader set X-Forwarded-Port "%d"\n    RequestHeader set X-Forwarded-Proto "http"\n' % port)
        c += '    <Location "/">\n'
        if host.startswith("u"):
            c += '        ProxyPass "unix:%s|uwsgi://localhost/"\n' % sock
            if not flags & {"nohdr", "noexpr", "noxff"}:
                c += '        RequestHeader append X-Forwarded-For "expr=%{REMOTE_ADDR}"\n'
            if not flags & {"nohdr", "noexpr", "noxfh"}:
                c += '        RequestHeader set X-Forwarded-Host "expr=%{HTTP_HOST}"\n'
        else:
            c += ('        ProxyPass "unix:%s/g.sock|http://localhost/" disablereuse=On\n'
                  "        RequestHeader unset SCRIPT_NAME\n" % d)
        c += "    </Location>\n</VirtualHost>\n"
    return c


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid):
    pids = [pid]
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    for child in out.split():
        pids += tree(int(child))
    return pids


def cpu(pid):
    ticks = {}
    for p in tree(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks[p] = int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return ticks


def spent_us(before, after):
    return sum(v - before.get(k, 0) for k, v in after.items()) * 1e6 / os.sysconf("SC_CLK_TCK")


def median(values):
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main():
    # a timeout's SIGTERM still runs the cleanup below (no daemon, server or group left)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    seconds, rounds, names = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    shape = os.environ.get("SHAPE", "p2")
    d = tempfile.mkdtemp(prefix="apache-ab.", dir="/tmp")
    os.chmod(d, 0o755)
    with open(os.path.join(d, "hello.py"), "w") as f:
        f.write(HELLO)
    procs = []

    def start(command, log):
        p = subprocess.Popen(["setsid"] + command, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        procs.append(p)
        return p

    try:
        uwsgi = {}
        for which in sorted({("b" if "@b" in n else "c" if "@c" in n else "a") for n in names}):
            sock = "%s/%s.sock" % (d, which)
            module = os.environ.get("UWSGI_%s_MODULE" % which.upper(), "hello:application")
            command = ["uwsgi", "--plugin", "python3", "--master", "--processes", "2" if shape == "p2" else "1",
                       "--enable-threads", "--chdir", d, "--module", module, "--socket", sock, "--chmod-socket=666",
                       "--disable-logging", "--listen", "1024"] + (["--threads", "8"] if shape == "t8" else [])
            command += os.environ.get("UWSGI_%s" % which.upper(), "").split()
            command = os.environ.get("UWSGI_%s_WRAP" % which.upper(), "").split() + command
            uwsgi[which] = (sock, start(command, "%s/uwsgi-%s.log" % (d, which)))
        servers = {}
        for name in names:
            which = "b" if "@b" in name else "c" if "@c" in name else "a"
            sd = "%s/apache-%d" % (d, len(servers))
            for sub in ("run", "logs", "empty"):
                os.makedirs(os.path.join(sd, sub))
            os.chmod(os.path.join(sd, "logs"), 0o777)
            port = free_port()
            with open(sd + "/httpd.conf", "w") as f:
                f.write(config(name.replace("@b", "").replace("@c", ""), port, sd, uwsgi[which][0]))
            servers[name] = (port, start(["/usr/sbin/apache2", "-f", sd + "/httpd.conf", "-DFOREGROUND"],
                                         sd + "/stdout.log"), uwsgi[which][1])
        time.sleep(3)

        def wrk(name, secs):
            host = "hand.bench" if name.startswith("hand") else "up2.bench"
            command = ["wrk", "-t2", "-c32", "-d%ds" % secs, "-H", "Host: " + host,
                       "http://127.0.0.1:%d/" % servers[name][0]]
            if os.cpu_count() > 1 and shutil.which("taskset"):
                command = ["taskset", "-c", str(os.cpu_count() - 1)] + command
            out = subprocess.run(command, capture_output=True, text=True).stdout
            if "Non-2xx" in out:
                raise SystemExit(name + " answers errors:\n" + out)
            return out

        for name in names:
            wrk(name, 2)
        results = {name: [] for name in names}
        for r in range(rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            if r % 2:
                order.reverse()
            for name in order:
                port, web, app = servers[name]
                wrk(name, 1)
                web0, app0 = cpu(web.pid), cpu(app.pid)
                out = wrk(name, seconds)
                web1, app1 = cpu(web.pid), cpu(app.pid)
                requests = int(re.search(r"(\d+) requests in", out).group(1))
                rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
                results[name].append((rps, spent_us(web0, web1) / requests, spent_us(app0, app1) / requests))
                print("round %d %-24s %8.0f req/s  CPU/request: web %6.1f us, app %5.1f us" % (
                    r + 1, name, rps, results[name][-1][1], results[name][-1][2]), flush=True)
        print("\n%-24s %8s %8s %8s  %s" % ("variant (median)", "req/s", "web us", "app us", "req/s ratio to " + names[0]))
        for name in names:
            each = results[name]
            ratio = median([each[i][0] / results[names[0]][i][0] for i in range(rounds)])
            print("%-24s %8.0f %8.1f %8.1f  %.3f" % (name, median([m[0] for m in each]), median([m[1] for m in each]),
                                                    median([m[2] for m in each]), ratio))
    finally:
        for p in procs:
            # uWSGI started by hand stops on SIGINT (SIGTERM reloads it); httpd on SIGTERM
            try:
                if "uwsgi" in p.args:
                    os.killpg(p.pid, signal.SIGINT)
                else:
                    os.kill(p.pid, signal.SIGTERM)
            except OSError:
                pass
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
