#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a screenshot, to check it the way a
# person will see it (layout, fonts, colours), with the network off.
#
#   scripts/render-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# Needs Debian's chromium (apt-get install -y chromium). The default window is 1400x4000; the
# screenshot is the top of the page at that size.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
report=$1
out=$2
size=${3:-1400x4000}
if [[ ! -f $report ]]; then
    echo "$0: no such file: $report" >&2
    exit 2
fi
if [[ ! $size =~ ^[0-9]+x[0-9]+$ ]]; then
    echo "$0: size must be WIDTHxHEIGHT, e.g. 1400x4000" >&2
    exit 2
fi
browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser=$candidate
        break
    fi
done
if [[ -z $browser ]]; then
    echo "$0: no chromium found (Debian: apt-get install -y chromium)" >&2
    exit 1
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(realpath "$report")"
out_abs="$(realpath -m "$out")"
mkdir -p "$(dirname "$out_abs")"
rm -f "$out_abs"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$out_abs" --window-size="${size/x/,}" "$url" 2> "$profile/stderr" || {
    cat "$profile/stderr" >&2
    exit 1
}
if [[ ! -s $out_abs ]]; then
    cat "$profile/stderr" >&2
    echo "$0: chromium wrote no screenshot" >&2
    exit 1
fi
echo "wrote $out"
