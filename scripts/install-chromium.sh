#!/usr/bin/env bash
# Installs Debian's chromium, which the HTML report's browser test
# (report/browser_test.go) drives headless, unless a Chromium is already on
# the PATH. scripts/test.sh runs it before the tests.
#
#   bash scripts/install-chromium.sh
#
# On a machine without apt-get it only says so: the browser test then skips.
set -euo pipefail

for b in chromium chromium-browser google-chrome google-chrome-stable; do
	if command -v "$b" >/dev/null 2>&1; then
		echo "chromium: $(command -v "$b")"
		exit 0
	fi
done

if ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium: not installed and no apt-get here; the browser test will skip" >&2
	exit 0
fi

sudo=""
if [ "$(id -u)" != "0" ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "chromium: not installed, and installing it needs root; the browser test will skip" >&2
		exit 0
	fi
	sudo="sudo"
fi

echo "chromium: installing Debian's package"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium >/dev/null
echo "chromium: $(command -v chromium)"
