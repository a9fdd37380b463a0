#!/usr/bin/env bash
# Makes sure the Debian packages PyApp Server needs are installed.
#   scripts/packages.sh run    what the server needs: Java, python3 + venv, a web server,
#                              bubblewrap (the sandbox each app, hook and task runs in),
#                              uWSGI with its Python 3 plugin (the faster app server;
#                              without it every app runs on gunicorn)
#   scripts/packages.sh test   what the whole test suite needs: also apache2 (with
#                              mod_proxy_uwsgi), lighttpd, openssh-server, chromium and
#                              chromium-driver, nodejs (the UI scripts' tests),
#                              python3-prometheus-client
#   scripts/packages.sh bench  what bench/*.sh need: the test packages and wrk
# As root, missing packages are installed with apt-get; otherwise the exact command
# is printed and the script exits with 1.
set -euo pipefail

purpose=${1:-run}
packages=(openjdk-17-jdk-headless python3 python3-venv python3-pip-whl python3-setuptools-whl python3-wheel-whl nginx-light git util-linux iproute2 bubblewrap uwsgi-core uwsgi-plugin-python3)
if [ "$purpose" = test ] || [ "$purpose" = bench ]; then
	packages+=(apache2 libapache2-mod-proxy-uwsgi lighttpd lighttpd-mod-openssl openssh-server openssh-client chromium chromium-driver nodejs procps python3-prometheus-client)
fi
if [ "$purpose" = bench ]; then
	packages+=(wrk)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
# nginx-light is enough, but any nginx package will do
if printf '%s\n' "${missing[@]}" | grep -qx nginx-light && command -v nginx >/dev/null 2>&1; then
	missing=("${missing[@]/nginx-light}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "Missing Debian packages. Install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
echo "Installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# policy-rc.d keeps the packages' own services (nginx, apache2, lighttpd, sshd) from
# being started: the server and the tests start their own instances on 127.0.0.1
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -q --no-install-recommends "${missing[@]}"
