#!/bin/sh
# make run: arcd on an embedded SQLite database (run/arc.db) with demo
# units, and arc-loadgen playing a handful of homes that press pendants,
# lose mains and report low batteries. Ctrl-C stops everything.
set -eu
BUILD=${BUILD:-build}
PORT=${ARC_PORT:-7009}
METRICS=${ARC_METRICS_PORT:-9109}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p run
DB=run/arc.db
KEY=ascii:AAAAAAAAAAAAAAAA

if [ ! -f "$DB" ]; then
	"$BUILD"/arcctl -D "$DB" init
	i=0
	while [ $i -lt 8 ]; do
		"$BUILD"/arcctl -D "$DB" unit add $((100000 + i)) \
		    --client "demo-$i" --interval 120
		i=$((i + 1))
	done
	"$BUILD"/arcctl -D "$DB" unit add 200000 --key "$KEY" \
	    --client demo-encrypted --interval 120
fi

"$BUILD"/arcd -d -v -D "$DB" -L dc09-tcp=127.0.0.1:$PORT \
    -L dc09-udp=127.0.0.1:$PORT -L metrics=127.0.0.1:$METRICS &
arcd=$!
lg1=
lg2=
cleanup() {
	trap - INT TERM EXIT
	[ -n "$lg1" ] && kill "$lg1" 2>/dev/null
	[ -n "$lg2" ] && kill "$lg2" 2>/dev/null
	kill "$arcd" 2>/dev/null
	wait 2>/dev/null
	echo "stopped; the database stays in $DB"
}
trap cleanup INT TERM EXIT
sleep 1
# Eight homes: about one event every few seconds, NULL polls every 60 s.
"$BUILD"/arc-loadgen --target 127.0.0.1:$PORT --units 8 \
    --first-account 100000 --rate 0.3 --duration 86400 --heartbeat 60 \
    --mix pendant=40,fall=5,smoke=5,mains=25,battery=15,restore=10 \
    >run/loadgen.log 2>&1 &
lg1=$!
# One home with an AES-128 key (encrypted *ADM-CID).
"$BUILD"/arc-loadgen --target 127.0.0.1:$PORT --units 1 \
    --first-account 200000 --key "$KEY" --rate 0.05 --duration 86400 \
    >run/loadgen-aes.log 2>&1 &
lg2=$!
cat <<MSG

arc is running: DC-09 on 127.0.0.1:$PORT (TCP and UDP), metrics on
http://127.0.0.1:$METRICS/metrics. Simulated units report below.
In another terminal:   $BUILD/arcctl -D $DB events --since -10m
Ctrl-C stops arcd and the simulated units.

MSG
wait "$arcd"
