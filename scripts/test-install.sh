#!/usr/bin/env bash
# test-install.sh - `make install` into a scratch DESTDIR, check every file and
# its mode, run the installed programs, `make uninstall`, check nothing is left.
# Run by `make install-check` (part of `make check`); needs no root.
set -u
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
PREFIX=/opt/sgd-test        # not the default: the unit's ExecStart must follow it
SYSCONFDIR=/etc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root log=$tmp/log

pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAILED: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }

vars=(DESTDIR="$dest" PREFIX="$PREFIX" SYSCONFDIR="$SYSCONFDIR" BUILD="$BUILD")
files=(
	"0755 $PREFIX/sbin/sgd"
	"0755 $PREFIX/bin/sgctl"
	"0644 $PREFIX/share/man/man8/sgd.8"
	"0644 $PREFIX/share/man/man8/sgctl.8"
	"0644 $PREFIX/lib/systemd/system/sgd.service"
	"0644 $SYSCONFDIR/sgd/sgd.conf.example"
)

run() { # make TARGET: quiet unless it fails
	if "$MAKE" -s "$1" "${vars[@]}" >"$log" 2>&1; then ok; else
		bad "make $1"; cat "$log" >&2
	fi
}

run install
for f in "${files[@]}"; do
	mode=${f%% *} path=$dest${f#* }
	if [ -f "$path" ]; then
		got=$(stat -c %a "$path")
		check "$path: mode $got, want $mode" [ "$((8#$got))" -eq "$((8#$mode))" ]
	else
		bad "$path missing"
	fi
done

unit=$dest$PREFIX/lib/systemd/system/sgd.service
check "unit ExecStart is not $PREFIX/sbin/sgd" grep -q "^ExecStart=$PREFIX/sbin/sgd " "$unit"
check "sgd.conf.example differs from etc/sgd.conf.example" \
	cmp -s etc/sgd.conf.example "$dest$SYSCONFDIR/sgd/sgd.conf.example"
check "installed sgd --help" "$dest$PREFIX/sbin/sgd" --help >/dev/null
check "installed sgctl --help" "$dest$PREFIX/bin/sgctl" --help >/dev/null

run uninstall
left=$(find "$dest" ! -type d)
check "left after uninstall: $left" [ -z "$left" ]
check "$SYSCONFDIR/sgd left after uninstall" [ ! -e "$dest$SYSCONFDIR/sgd" ]

# An operator's sgd.conf survives install and uninstall.
mkdir -p "$dest$SYSCONFDIR/sgd"
echo "region = operator" >"$dest$SYSCONFDIR/sgd/sgd.conf"
run install
run uninstall
check "the operator's sgd.conf was changed" \
	grep -qx "region = operator" "$dest$SYSCONFDIR/sgd/sgd.conf"
rm -f "$dest$SYSCONFDIR/sgd/sgd.conf"
left=$(find "$dest" ! -type d)
check "left after the second uninstall: $left" [ -z "$left" ]

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
