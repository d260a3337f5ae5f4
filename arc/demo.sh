#!/bin/sh
# make run: arcd on an embedded SQLite database (run/arc.db) with demo
# clients, units, responders and an operator, a self-signed TLS pair for
# the console, arc-loadgen playing the homes: pendant presses, falls,
# smoke, mains lost, low batteries, a Mosquitto broker on loopback for
# the responders' pages and two arc-responder --auto playing responders
# (one declines, one accepts and visits). Ctrl-C stops everything.
set -eu
umask 077	# the database, the TLS key, the password: ours alone
BUILD=${BUILD:-build}
PORT=${ARC_PORT:-7009}
CPORT=${ARC_CONSOLE_PORT:-7010}
METRICS=${ARC_METRICS_PORT:-9109}
MQTT=${ARC_MQTT_PORT:-7883}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p run
DB=run/arc.db
KEY=ascii:AAAAAAAAAAAAAAAA
ctl() { "$BUILD"/arcctl -D "$DB" "$@"; }
DECLINES="Demo responder (declines)"
ACCEPTS="Demo responder (accepts)"
responder_id() {
	sqlite3 "$DB" "SELECT id FROM responder WHERE name = '$1'"
}

# The two demo responders, first on the lists of C-0001..C-0008 (C-0009's
# family contact is paged first: a person can answer it), and the mobile
# team (mobile_team = TEAM, paged after a client's own for levels L2, L4).
demo_responders() {
	rd=$(ctl responder add --name "$DECLINES" --phones "+44 7700 900201" \
	    --relation neighbour --availability "any time")
	ra=$(ctl responder add --name "$ACCEPTS" --phones "+44 7700 900202" \
	    --relation "mobile team" --availability "24/7")
	for c in 1 2 3 4 5 6 7 8; do
		ctl client link-responder C-000$c "$rd" >/dev/null
		ctl client link-responder C-000$c "$ra" >/dev/null
	done
	[ -n "$(sqlite3 "$DB" "SELECT id FROM client WHERE ref = 'TEAM'")" ] ||
	    ctl client add TEAM --name "Mobile team" >/dev/null
	ctl client link-responder TEAM "$ra" >/dev/null
}

if [ ! -f run/cert.pem ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout run/key.pem -out run/cert.pem -days 365 \
	    -subj /CN=localhost 2>/dev/null
fi
chmod 600 run/key.pem	# arcd refuses a key others can read

arcd=
lg1=
lg2=
broker=
rp1=
rp2=
cleanup() {
	trap - INT TERM EXIT
	for p in $rp1 $rp2 $lg1 $lg2 $arcd $broker; do
		kill "$p" 2>/dev/null || :
	done
	wait 2>/dev/null
	echo "stopped; the database stays in $DB"
}
trap cleanup INT TERM EXIT

# The broker for the responders' pages: on $MQTT, or the next free of ten
# ports (another demo, or a broker of the machine's, may hold it).
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
n=0
while [ $n -lt 10 ]; do
	cat >run/mosquitto.conf <<CONF
user $(id -un)
listener $MQTT 127.0.0.1
allow_anonymous true
persistence false
log_dest file $top/run/mosquitto.log
CONF
	"$MOSQUITTO" -c run/mosquitto.conf >/dev/null 2>&1 &
	broker=$!
	sleep 0.5
	kill -0 "$broker" 2>/dev/null && break
	wait "$broker" 2>/dev/null || :
	broker=
	MQTT=$((MQTT + 1))
	n=$((n + 1))
done
if [ -z "$broker" ]; then
	echo "no MQTT broker (see run/mosquitto.log): responders are not paged"
fi

cat >run/arc.conf <<CONF
[arcd]
database = $DB
listen = dc09-tcp=127.0.0.1:$PORT
listen = dc09-udp=127.0.0.1:$PORT
listen = console=127.0.0.1:$CPORT
listen = metrics=127.0.0.1:$METRICS
tls_cert = run/cert.pem
tls_key = run/key.pem
mobile_team = TEAM
CONF
[ -n "$broker" ] && printf 'mqtt_host = 127.0.0.1\nmqtt_port = %s\n' \
    "$MQTT" >>run/arc.conf

if [ ! -f "$DB" ]; then
	ctl init
	ctl client import arc/demo-clients.csv
	demo_responders
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
# A database from before the demo responders: after the family contacts.
[ -n "$(responder_id "$ACCEPTS")" ] || demo_responders


"$BUILD"/arcd -d -v -f run/arc.conf &
arcd=$!
sleep 1
if [ -n "$broker" ]; then
	"$BUILD"/arc-responder -p "$MQTT" -i "$(responder_id "$DECLINES")" \
	    --auto decline --delay 4 >run/responder-declines.log 2>&1 &
	rp1=$!
	"$BUILD"/arc-responder -p "$MQTT" -i "$(responder_id "$ACCEPTS")" \
	    --auto accept --delay 6 >run/responder-accepts.log 2>&1 &
	rp2=$!
fi
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
Responders are paged over MQTT (127.0.0.1:$MQTT): send a responder from
the console and the demo responders answer (run/responder-*.log): one
declines after 4 s, the next accepts after 6 s, then says arrived, entry
and clear 6 s apart. C-0009 (account 200000) pages its family contact
first; answer its pages yourself:
    $BUILD/arc-responder -p $MQTT -i $(responder_id "Family contact 9")
Ctrl-C stops arcd, the simulated homes, the broker and the responders.

MSG
wait "$arcd"
