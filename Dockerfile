# PyApp Server for docker-compose.yml: the server jar on Debian 12 with Python 3 (venv)
# and uWSGI with its Python 3 plugin (nginx runs in its own container). Build the jars
# first: ./mvnw -DskipTests package
FROM debian:12-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends openjdk-17-jre-headless python3 python3-venv \
		python3-pip-whl python3-setuptools-whl python3-wheel-whl git util-linux procps ca-certificates \
		bubblewrap uwsgi-core uwsgi-plugin-python3 \
	&& rm -rf /var/lib/apt/lists/*
COPY target/pyapp-server.jar target/pyapp-cli.jar /usr/share/pyapp/
COPY bin/ /usr/share/pyapp/bin/
COPY scripts/cds.sh scripts/server-java.sh /usr/share/pyapp/scripts/
# The class-data-sharing archives, trained here: an archive is only valid for the JVM
# that wrote it (the image's), and for the jars at these paths
RUN bash /usr/share/pyapp/scripts/cds.sh server /usr/share/pyapp \
	&& bash /usr/share/pyapp/scripts/cds.sh cli /usr/share/pyapp \
	&& ln -s /usr/share/pyapp/bin/pyapp /usr/local/bin/pyapp
ENV PYAPP_HOME=/srv/pyapp
VOLUME /srv/pyapp
EXPOSE 8800
# umask 077: everything the server creates is private unless it says otherwise (the JVM
# cannot set its own umask); the JVM settings of scripts/run.sh (scripts/server-java.sh),
# which JAVA_OPTS overrides
ENTRYPOINT ["bash", "-c", "umask 077 && source /usr/share/pyapp/scripts/server-java.sh && server_java auto /usr/share/pyapp && exec \"${SERVER_JAVA[@]}\" \"$@\"", "pyapp-server"]
