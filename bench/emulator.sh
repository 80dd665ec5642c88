#!/bin/sh
# Emulator throughput, whole process: runs bench/transfer (plain data,
# download into io.Discard) against each emulator binary given, with
# --data-dir on loopback, in direct S3 and classic mode, ROUNDS times,
# alternating the binaries so that a noisy machine affects them alike.
# Usage: bench/emulator.sh TRANSFER_BIN 'EMULATOR_BIN [FLAGS]'... (env SIZE, ROUNDS, PORT)
set -eu
transfer=$1
shift
size=${SIZE:-1073741824}
rounds=${ROUNDS:-3}
port=${PORT:-18080}
export DRACOON_EMULATOR_ADMIN_PASSWORD='Bench-Admin-Password-1'
for round in $(seq "$rounds"); do
	for emu in "$@"; do
		for s3 in true false; do
			dir=$(mktemp -d)
			# shellcheck disable=SC2086 # $emu is a command with its flags
			$emu --addr "127.0.0.1:$port" --data-dir "$dir" --s3="$s3" >/dev/null 2>&1 &
			pid=$!
			sleep 1
			out=$("$transfer" -url "http://127.0.0.1:$port" -size "$size" -dest "" | awk '{print $(NF-1)}' | paste -sd' ')
			echo "round=$round emulator='$(basename "$emu")' s3=$s3 upload/download MB/s: $out"
			kill "$pid"
			wait "$pid" 2>/dev/null || true
			rm -rf "$dir"
		done
	done
done
