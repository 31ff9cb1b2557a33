#!/usr/bin/env bash
# Installs InfluxDB 1.x (Debian bookworm's `influxdb` package, binary `influxd`) for the tests, when missing.
# The tests start their own private influxd (test/influx-setup.ts), so the package's system service must not
# start: a policy-rc.d that refuses every start is put in place for the install when the machine has none,
# and a system influxd that started anyway is stopped again.
set -euo pipefail

command -v influxd >/dev/null 2>&1 && exit 0

echo "test: installing influxdb (apt)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  # Exit 101 = "action forbidden by policy": invoke-rc.d and deb-systemd-invoke then leave the service alone.
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi

$sudo apt-get install -y --no-install-recommends influxdb >/dev/null 2>&1 ||
  { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends influxdb >/dev/null; }

# Belt and braces: if an init system started influxd regardless, stop it (it would hold ports 8086/8088).
pidfile=/var/run/influxdb/influxd.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  $sudo invoke-rc.d --force influxdb stop >/dev/null 2>&1 || $sudo kill "$(cat "$pidfile")" || true
fi
if [ -d /run/systemd/system ]; then
  $sudo systemctl stop influxdb.service >/dev/null 2>&1 || true
fi

command -v influxd >/dev/null 2>&1 || { echo "test: influxdb did not install influxd" >&2; exit 1; }
