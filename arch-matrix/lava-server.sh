#!/bin/bash
# lava-server.sh [CELL]: one cell's qemu job through a whole LAVA, here and
# thrown away after: Debian's lava-server 2023.01 (gunicorn on a free
# loopback port, its scheduler) on a PostgreSQL 15 of its own in a temporary
# directory (a socket, no TCP), a lava-worker with one qemu device
# (LAVA's qemu.jinja2). The job is submitted with lavacli through a
# temporary identity and collected as a lab's job is (lava.sh collect-job),
# into RESULTS. Everything runs in the LAVA root (lava-deps.sh) and stops
# when the job is collected or fails. CELL: default x86_64-7.3-default.
#   lava-server.sh inside TMP PORT   the server side, in the root (internal)
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

here=$IRQBENCH_ROOT/arch-matrix
art=$IRQBENCH_ROOT/build/lava
WORKER=irqbench-worker
DEVICE=qemu-01
USER_NAME=irqbench

# ---- in the root: the server, until TMP/stop appears
inside() {
	local tmp=$1 port=$2 token wtoken
	# what the EXIT trap stops: globals, the trap runs after this returns
	pids=() pg=$1/pg bin=/usr/lib/postgresql/15/bin
	# lava-server's settings through its environment: nothing of the
	# root's /etc changes, every state lives in TMP
	export LAVA_YAML_SETTINGS_DATABASES="{default: {ENGINE: django.db.backends.postgresql, NAME: lavaserver, USER: lavaserver, PASSWORD: irqbench, HOST: '$pg', PORT: '5432'}}"
	export LAVA_SETTINGS_MEDIA_ROOT=$tmp/media/ LAVA_SETTINGS_DEVICES_PATH=$tmp/devices
	SECRET_KEY=$(head -c 33 /dev/urandom | base64)
	export SECRET_KEY
	stop() {
		local p
		for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
		wait 2>/dev/null || true
		runuser -u postgres -- "$bin/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true
	}
	trap stop EXIT
	mkdir -p "$pg" "$tmp/media" "$tmp/devices" "$tmp/worker"
	chown postgres "$pg"
	run_logged "$tmp/initdb.log" runuser -u postgres -- "$bin/initdb" -D "$pg/data" -A trust -U postgres --no-sync
	run_logged "$tmp/pg_ctl.log" runuser -u postgres -- "$bin/pg_ctl" -D "$pg/data" -l "$pg/postgresql.log" \
		-o "-c listen_addresses='' -k $pg -c fsync=off" -w start
	run_logged "$tmp/createdb.log" runuser -u postgres -- psql -h "$pg" -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE lavaserver LOGIN PASSWORD 'irqbench'" -c "CREATE DATABASE lavaserver OWNER lavaserver"
	run_logged "$tmp/migrate.log" lava-server manage migrate --noinput
	run_logged "$tmp/users.log" lava-server manage users add "$USER_NAME" --superuser --staff --passwd irqbench
	token=$(lava-server manage tokens add --user "$USER_NAME")
	run_logged "$tmp/device-types.log" lava-server manage device-types add qemu
	wtoken=$(lava-server manage workers add "$WORKER" | sed -n 's/^Token: //p')
	# the device: LAVA's own template, nothing of irqbench's
	echo "{% extends 'qemu.jinja2' %}" >"$tmp/devices/$DEVICE.jinja2"
	run_logged "$tmp/devices.log" lava-server manage devices add --device-type qemu --worker "$WORKER" "$DEVICE"
	gunicorn3 lava_server.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 120 \
		--log-file "$tmp/gunicorn.log" >"$tmp/gunicorn.out" 2>&1 &
	pids+=($!)
	lava-server manage lava-scheduler --level DEBUG --log-file "$tmp/scheduler.log" >"$tmp/scheduler.out" 2>&1 &
	pids+=($!)
	lava-worker --name "$WORKER" --url "http://127.0.0.1:$port/" --token "$wtoken" --ping-interval 2 \
		--worker-dir "$tmp/worker" --log-file "$tmp/worker.log" --level DEBUG >"$tmp/worker.out" 2>&1 &
	pids+=($!)
	echo "$token" >"$tmp/token"
	touch "$tmp/ready"
	while [ ! -e "$tmp/stop" ]; do
		for p in "${pids[@]}"; do
			kill -0 "$p" 2>/dev/null || die "a server process ($p) exited: see $tmp/*.log"
		done
		sleep 1
	done
}

# free_port: a loopback port nothing listens on now
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for WHAT SECONDS CMD...: until CMD succeeds, or die saying WHAT
wait_for() {
	local what=$1 limit=$2 t0
	shift 2
	t0=$(date +%s)
	until "$@"; do
		[ $(($(date +%s) - t0)) -lt "$limit" ] || die "$what: not within ${limit}s"
		sleep 1
	done
}

server_alive() { kill -0 "$spid" 2>/dev/null || die "the LAVA server stopped: $(tail -n 5 "$tmp/server.log")"; }
ready() { server_alive && [ -e "$tmp/ready" ]; }
# the XML-RPC endpoint answers a GET with an HTTP error, which proves it is up
curl_code() {
	/usr/bin/python3 -c "
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen('http://127.0.0.1:$port/RPC2', timeout=5)
except urllib.error.HTTPError:
    sys.exit(0)
except OSError:
    sys.exit(1)
"
}
job_state() { lavacli -i irqbench-local jobs show "$jid" --yaml | irqpy lava field /dev/stdin state; }
finished() {
	server_alive
	state=$(job_state) || return 1
	[ "$state" = Finished ]
}

outside() {
	local cell=${1:-x86_64-7.3-default} arch kernel config rest t0 limit line
	rest=${cell#*-}
	arch=${cell%%-*} kernel=${rest%%-*} config=${rest#*-}
	# every variable checked by the cell generator; a skipped cell says why
	line=$(ARCHS=$arch KERNELS=$kernel CONFIGS=$config irqpy cells cells) || exit 3
	[[ $line == run$'\t'* ]] || refuse "$cell does not run: ${line##*$'\t'}"
	irqbench_env
	export REQUEST
	"$here/lava-deps.sh" check
	"$here/lava-deps.sh" client
	"$here/lava-deps.sh" path >/dev/null
	"$here/build-cell.sh" "$arch" "$kernel" "$config" "$art/$cell"
	tmp=$(mktemp -d /tmp/irqbench-lava-server.XXXXXX)
	chmod 755 "$tmp"
	spid=
	# whatever happens, the server stops and its directory goes
	trap 'touch "$tmp/stop"; [ -z "$spid" ] || { timeout 60 tail --pid="$spid" -f /dev/null || kill "$spid"; }; [ -n "${LAVA_SERVER_KEEP:-}" ] || rm -rf "$tmp"' EXIT
	ARCHS=$arch KERNELS=$kernel CONFIGS=$config irqpy lava render "$tmp/jobs" --cell "$cell" \
		--device-types qemu >/dev/null
	port=$(free_port)
	t0=$(date +%s.%N)
	starting "$cell" server "lava-server on 127.0.0.1:$port, PostgreSQL 15 in $tmp (logs there)"
	LAVA_BINDS=$tmp "$here/lava-deps.sh" run /bin/bash "$here/lava-server.sh" inside "$tmp" "$port" \
		>"$tmp/server.log" 2>&1 &
	spid=$!
	wait_for "the LAVA server's setup" 300 ready
	wait_for "the LAVA server's HTTP" 120 curl_code
	progress "$cell" server "${t0%.*}" "up in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s"
	export HOME=$tmp/home
	mkdir -p "$HOME"
	lavacli identities add irqbench-local --uri "http://127.0.0.1:$port/RPC2" \
		--username "$USER_NAME" --token "$(cat "$tmp/token")"
	jid=$(lavacli -i irqbench-local jobs submit "$tmp/jobs/$cell.qemu.yaml")
	limit=$(($(irqpy lava timeout "$tmp/jobs/$cell.qemu.yaml") + 120))
	t0=$(date +%s.%N)
	starting "$cell" server "job $jid submitted to $DEVICE, at most ${limit}s"
	wait_for "LAVA job $jid" "$limit" finished
	progress "$cell" server "${t0%.*}" "job $jid $state in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s (submit to finish)"
	LAVA_IDENTITY=irqbench-local "$here/lava.sh" collect-job "$jid"
}

case ${1:-} in
inside)
	[ $# = 3 ] || die "usage: lava-server.sh inside TMP PORT"
	inside "$2" "$3"
	;;
*) outside "$@" ;;
esac
