# PyApp Server for docker-compose.yml: the server jar on Debian 12 with Python 3 (venv)
# and nginx. Build the jar first: ./mvnw -DskipTests package
FROM debian:12-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends openjdk-17-jre-headless python3 python3-venv \
		python3-pip-whl python3-setuptools-whl python3-wheel-whl git util-linux procps ca-certificates \
	&& rm -rf /var/lib/apt/lists/*
COPY target/pyapp-server.jar /usr/share/pyapp/pyapp-server.jar
COPY bin/ /usr/share/pyapp/bin/
ENV PYAPP_HOME=/srv/pyapp
VOLUME /srv/pyapp
EXPOSE 8800
# umask 077: everything the server creates is private unless it says otherwise (the JVM
# cannot set its own umask)
ENTRYPOINT ["/bin/sh", "-c", "umask 077 && exec java -jar /usr/share/pyapp/pyapp-server.jar \"$@\"", "pyapp-server"]
