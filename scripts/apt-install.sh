#!/usr/bin/env bash
# Sourced by the setup scripts that need a Debian package: apt_install NAME PACKAGE
# WHAT installs PACKAGE as root, or stops naming WHAT and how to install it by hand.
# NAME prefixes the messages (setup-browser, setup-postgres).

apt_install() {
  local name=$1 package=$2 what=$3
  apt_fail() {
    echo "$name: $what is missing and $1." >&2
    echo "$name: install it yourself (Debian/Ubuntu: sudo apt-get install -y $package) and run again." >&2
    exit 1
  }
  [ "$(id -u)" = 0 ] || apt_fail "this script is not running as root, so it cannot install it"
  command -v apt-get >/dev/null 2>&1 || apt_fail "apt-get is not available here"
  echo "$name: installing Debian's $package (first time only)"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  apt-get update -qq || apt_fail "'apt-get update' failed"
  apt-get install -y -qq --no-install-recommends "$package" >/dev/null || apt_fail "'apt-get install $package' failed"
}
