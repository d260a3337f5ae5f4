#!/bin/sh
# make run: arcd on an embedded SQLite database (run/arc.db) with demo
# clients, units, responders and an operator, a self-signed TLS pair for
# the console, and arc-loadgen playing the homes: pendant presses, falls,
# smoke, mains lost, low batteries. Ctrl-C stops everything.
set -eu
umask 077	# the database, the TLS key, the password: ours alone
BUILD=${BUILD:-build}
PORT=${ARC_PORT:-7009}
CPORT=${ARC_CONSOLE_PORT:-7010}
METRICS=${ARC_METRICS_PORT:-9109}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p run
DB=run/arc.db
KEY=ascii:AAAAAAAAAAAAAAAA
ctl() { "$BUILD"/arcctl -D "$DB" "$@"; }

if [ ! -f run/cert.pem ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout run/key.pem -out run/cert.pem -days 365 \
	    -subj /CN=localhost 2>/dev/null
fi
chmod 600 run/key.pem	# arcd refuses a key others can read
cat >run/arc.conf <<CONF
[arcd]
database = $DB
listen = dc09-tcp=127.0.0.1:$PORT
listen = dc09-udp=127.0.0.1:$PORT
listen = console=127.0.0.1:$CPORT
listen = metrics=127.0.0.1:$METRICS
tls_cert = run/cert.pem
tls_key = run/key.pem
CONF

if [ ! -f "$DB" ]; then
	ctl init
	ctl client import arc/demo-clients.csv
	i=0
	while [ $i -lt 9 ]; do
		acct=$((100000 + i))
		[ $i -eq 8 ] && acct=200000
		if [ $i -eq 8 ]; then
			ctl unit add $acct --key "$KEY" --interval 120
		else
			ctl unit add $acct --interval 120
		fi
		ctl unit link $acct C-000$((i + 1))
		ctl zone add $acct 001 pendant
		ctl zone add $acct 002 "fall detector"
		ctl zone add $acct 010 "smoke detector, hall"
		ctl zone add $acct 000 "home unit"
		r=$(ctl responder add --name "Family contact $((i + 1))" \
		    --phones "+44 7700 9000$((10 + i))" --relation daughter \
		    --availability "evenings" | awk '{print $NF}')
		ctl client link-responder C-000$((i + 1)) "$r"
		i=$((i + 1))
	done
	# 10,000 more homes (no clients) for arc-loadgen --scenario storm.
	sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1
	    FROM n WHERE i < 9999) INSERT INTO unit (account, interval)
	    SELECT printf('%X', 3145728 + i), 3600 FROM n;"
	pw=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	printf '%s\n' "$pw" >run/operator.pw
	chmod 600 run/operator.pw
	ctl operator add demo --name "Demo Operator" --password-file \
	    run/operator.pw
	ctl operator add super --name "Demo Supervisor" --role supervisor \
	    --password-file run/operator.pw
fi

"$BUILD"/arcd -d -v -f run/arc.conf &
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
    --first-account 100000 --rate 0.2 --duration 86400 --heartbeat 60 \
    --mix pendant=40,fall=10,smoke=5,mains=25,battery=10,restore=10 \
    >run/loadgen.log 2>&1 &
lg1=$!
# One home with an AES-128 key (encrypted *ADM-CID).
"$BUILD"/arc-loadgen --target 127.0.0.1:$PORT --units 1 \
    --first-account 200000 --key "$KEY" --rate 0.02 --duration 86400 \
    >run/loadgen-aes.log 2>&1 &
lg2=$!
cat <<MSG

arc is running: DC-09 on 127.0.0.1:$PORT (TCP and UDP), operator consoles
on 127.0.0.1:$CPORT (TLS, self-signed), metrics on
http://127.0.0.1:$METRICS/metrics. Simulated homes report below.

Answer the alarms in another terminal:
    $BUILD/arc-console -k -u demo -p run/operator.pw 127.0.0.1:$CPORT
  operator: demo   password: $(cat run/operator.pw)   (supervisor: super, same password)
Stored events:  $BUILD/arcctl -D $DB events --since -10m
A power cut (5,000 "mains lost" in 30 s, then a reconnect wave) over
10,000 more homes, while pendants keep being pressed:
    $BUILD/arc-loadgen --target 127.0.0.1:$PORT --scenario storm \\
        --units 10000 --first-account 300000 --sources 4 --rate 2 --duration 60
Ctrl-C stops arcd and the simulated homes.

MSG
wait "$arcd"
