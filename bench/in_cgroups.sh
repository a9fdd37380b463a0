#!/bin/sh
# Runs a command inside fresh cgroup v1 groups three levels deep, as PyApp places an app's
# daemon (issue 14 cross runs): bench/in_cgroups.sh CONTROLLERS COMMAND...
# CONTROLLERS is a comma-separated list such as cpu,memory,pids. The groups
# ($CGROUP_PARENT/<pid>, CGROUP_PARENT defaults to pyapp-bench/app) are left empty when the
# command ends; remove them with rmdir.
set -eu
controllers=$1
shift
for c in $(echo "$controllers" | tr , ' '); do
	dir=/sys/fs/cgroup/$c/${CGROUP_PARENT:-pyapp-bench/app}/$$
	mkdir -p "$dir"
	echo $$ >"$dir/cgroup.procs"
done
exec "$@"
