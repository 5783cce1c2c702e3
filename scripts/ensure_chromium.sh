#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser build). Under CI, install
# it from Debian's packages when it is missing; elsewhere say how, and let those tests skip.
[ -x /usr/bin/chromium ] && exit 0
if [ "${CI:-}" = "true" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
  echo "Could not install chromium." >&2
  exit 1
fi
echo "Debian's chromium is not installed (apt-get install -y chromium): the browser tests will skip." >&2
exit 0
