#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz/ (clang, ASan + UBSan) against a
# libsgd.a built the same way, seeds a corpus, and runs each target for a
# bounded time.  FUZZ_SECONDS (default 60) per target; FUZZ_JOBS unused.
# Fails if a target fails to build or libFuzzer reports a crash.
# fuzz_actions reads its input as a sequence of API actions and checks the
# compile cache, the IR diff, the store and packet verdicts after each
# (tests/fuzz/fuzz_actions.c).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-build-fuzz}
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
pkgs="libnftnl libmnl libnl-3.0 libnl-route-3.0 libmicrohttpd jansson sqlite3 libcrypto"
libs="$(pkg-config --libs $pkgs) -lpthread"
pkg-config --exists libsystemd && libs="$libs $(pkg-config --libs libsystemd)"

command -v clang >/dev/null || { echo "fuzz: clang is missing (scripts/install-deps.sh)" >&2; exit 1; }
# The library, instrumented for coverage (fuzzer-no-link) and sanitizers.
CFLAGS="-O1 -g $san -fsanitize=fuzzer-no-link" make -s CC=clang BUILD="$build" "$build/libsgd.a"

mkdir -p "$build/fuzz"
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	clang -O1 -g $san -fsanitize=fuzzer -std=gnu11 -D_GNU_SOURCE -Iinclude \
		$(pkg-config --cflags $pkgs) -o "$build/fuzz/$name" "$t" "$build/libsgd.a" $libs
done

seed() { # seed <dir> <name> <printf-format...>
	local d=$1 n=$2; shift 2
	mkdir -p "$d"
	printf "$@" >"$d/$n"
}
c="$build/fuzz/corpus"
rm -rf "$c"
seed "$c/fuzz_request" unix '\x03GET\n/?Action=DescribeSecurityGroups&RegionId=cn-hangzhou&Format=XML\nHost: localhost\n'
seed "$c/fuzz_request" form '\x03POST\n/\nContent-Type: application/x-www-form-urlencoded\n\nAction=DescribeSecurityGroups&Version=2014-05-26&Permissions.1.PortRange=22%%2F22'
seed "$c/fuzz_request" v1 '\x00GET\n/?AccessKeyId=LTAIexample0001&Action=DescribeSecurityGroups&SignatureMethod=HMAC-SHA1&SignatureNonce=n1&SignatureVersion=1.0&Timestamp=2023-10-26T10%%3A22%%3A32Z&Version=2014-05-26&Signature=AAAA\nHost: 127.0.0.1\n'
seed "$c/fuzz_request" v3 '\x00POST\n/?RegionId=cn-hangzhou\nHost: 127.0.0.1:8780\nx-acs-action: DescribeSecurityGroups\nx-acs-version: 2014-05-26\nx-acs-date: 2023-10-26T10:22:32Z\nx-acs-signature-nonce: abc\nx-acs-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nAuthorization: ACS3-HMAC-SHA256 Credential=LTAIexample0001,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00\n'
seed "$c/fuzz_signature" v3 'ACS3-HMAC-SHA256 Credential=LTAIexample0001,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce,Signature=0123\nRegionId=cn-hangzhou&Description=a%%20b\n2023-10-26T10:22:32Z\nnonce-1\nx-acs-action\n'
# fuzz_actions: byte 0 configures, then opcode, caller and operand bytes per
# action (tests/fuzz/fuzz_actions.c); web and refuse walk most actions once,
# icmp6 authorizes ICMP from IPv6 sources to a local interface.
seed "$c/fuzz_actions" web '\x00\x00\x00\x00\x00\x00\x15\x03\x01\x00\x08\x00\x04\x00\x00\x01\x00\x00\x00\x00\x01\x02\x00\x02\x01\x03\x02\x45\x01\x06\x01\x02\x00\x04\x01\x03\x00\x0d\x00\x02\x02\x02\x01\x01\x01\x00\x04\x00\x00\x00\x00\x00\x00\x0c\x00\x02\x00\x03\x00\x02\x03\x00\x09\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x18\x00\x01\x00\x01\x04\x00\x01\x00\x00\x00\x00\x09\x00\x03\x02\x00\x02\x01\x03\x00\x0b\x00\x01\x00\x22\x44\x00\x04\x00\x11\x00\x04\x02\x01\x01\x03\x01\x00\x04\x00\x00\x00\x00\x00\x00\x00\x06\x02\x06\x00\x01\x03\x00\x12\x00\x00\x06\x02\x01\x00\x1a\x00\x01\x00\x00\x03\x00\x00\x01\x00\x1b\x03\x00\x31\x00\x17\x03\x00\x02\x00\x01'
seed "$c/fuzz_actions" refuse '\x03\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x15\x03\x03\x00\x01\x0c\x00\x04\xc0\x00\x01\x00\x00\x00\x00\x00\x02\x00\x02\x01\x03\x00\x00\x01\x06\x00\x02\x00\x02\x01\x03\x00\x04\x00\x00\x01\x00\x00\x00\x00\x00\x02\x00\x02\x01\x03\x00\x00\x01\x06\x00\x02\x00\x02\x01\x03\x00\x09\x00\x00\x00\x00\x01\x00\x0e\x00\x00\x00\x00\x0d\x00\x03\x03\x00\x01\x03\x01\x04\x01\x00\x0e\x00\x00\x05\x00\x01\x01\x00\x10\x00\x00'
seed "$c/fuzz_actions" icmp6 '\x00\x00\x00\x00\x00\x00\x15\x03\x01\x00\x08\x00\x04\x00\x00\x00\x00\x00\x04\x06\x00\x02\x07\x01\x03\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00\x03\x00\x00\x00\x00'
seed "$c/fuzz_signature" v1 'x\nAccessKeyId=LTAIexample0001&Signature=abc%%3D&SignatureMethod=HMAC-SHA1\n2023-10-26T10:22:32.5Z\nn\n\nbody'

fail=0
for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	mkdir -p "$build/fuzz/artifacts/$name"
	echo "fuzz: $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len=8192 -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/$name/" \
		"$c/$name" >"$build/fuzz/$name.log" 2>&1; then
		echo "fuzz: $name FAILED, see $build/fuzz/$name.log and $build/fuzz/artifacts/$name/" >&2
		tail -40 "$build/fuzz/$name.log" >&2
		fail=1
	else
		grep -E 'stat::number_of_executed_units|cov:' "$build/fuzz/$name.log" | tail -2
	fi
done
exit $fail
