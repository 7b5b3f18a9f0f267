#!/usr/bin/env bash
# Prepares a Debian 12 machine for Ledgerdrop's test suite (real servers on 127.0.0.1, never mocks).
#
#   sudo scripts/test-env.sh
#
# Idempotent: re-running it changes nothing once the machine is ready, and it skips apt entirely
# when every package is already installed. What it does:
#   1. installs the Debian packages the tests start or drive (sshd, vsftpd, openssl, the headless
#      Secret Service stack, chromium, xmllint, rclone, CA certificates);
#   2. creates /run/sshd (OpenSSH's privilege-separation directory; /run is often a tmpfs);
#   3. creates the system user `ledgerdrop-test` (home /home/ledgerdrop-test, shell /bin/bash), the
#      account the SFTP and FTP test servers log in as. It gets no usable password here: each test
#      server sets a fresh random one with chpasswd when it starts (test/helpers/test-user.ts);
#   4. writes the PAM service /etc/pam.d/ledgerdrop-ftp-test that the vsftpd test server uses
#      (pam_unix, restricted to `ledgerdrop-test`; test/helpers/ftp.ts also writes it if missing).
set -euo pipefail

PACKAGES=(
  openssh-server openssh-client vsftpd openssl
  dbus gnome-keyring libsecret-tools
  chromium fonts-liberation
  libxml2-utils rclone ca-certificates
)
TEST_USER=ledgerdrop-test
TEST_HOME=/home/ledgerdrop-test
PAM_SERVICE=/etc/pam.d/ledgerdrop-ftp-test

PAM_CONTENT="# Ledgerdrop test suite (scripts/test-env.sh): password logins to the vsftpd test server.
# Only the local test account may authenticate through this service.
auth     required pam_succeed_if.so quiet user = ${TEST_USER}
auth     required pam_unix.so nodelay
account  required pam_unix.so
session  required pam_permit.so"

missing_packages() {
  local pkg status
  for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

mapfile -t MISSING < <(missing_packages)

if [[ "$(id -u)" -ne 0 ]]; then
  echo "scripts/test-env.sh must run as root (e.g. sudo scripts/test-env.sh). It would:" >&2
  if ((${#MISSING[@]})); then
    echo "  - apt-get install -y --no-install-recommends ${MISSING[*]}" >&2
  else
    echo "  - (all Debian packages are already installed)" >&2
  fi
  [[ -d /run/sshd ]] || echo "  - create /run/sshd" >&2
  id -u "$TEST_USER" >/dev/null 2>&1 || echo "  - create the system user $TEST_USER (home $TEST_HOME, shell /bin/bash)" >&2
  [[ -f "$PAM_SERVICE" ]] || echo "  - write the PAM service $PAM_SERVICE" >&2
  exit 1
fi

if ((${#MISSING[@]})); then
  echo "test-env: installing ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${MISSING[@]}"
else
  echo "test-env: all ${#PACKAGES[@]} Debian packages already installed"
fi

install -d -m 0755 -o root -g root /run/sshd

if ! id -u "$TEST_USER" >/dev/null 2>&1; then
  echo "test-env: creating system user $TEST_USER"
  useradd --system --user-group --create-home --home-dir "$TEST_HOME" --shell /bin/bash \
    --comment "Ledgerdrop test account (SFTP/FTP)" "$TEST_USER"
fi
# useradd --system skips the home dir when it already exists; make sure it is there and owned right.
install -d -m 0755 -o "$TEST_USER" -g "$(id -gn "$TEST_USER")" "$TEST_HOME"

if [[ ! -f "$PAM_SERVICE" ]] || [[ "$(cat "$PAM_SERVICE")" != "$PAM_CONTENT" ]]; then
  echo "test-env: writing $PAM_SERVICE"
  printf '%s\n' "$PAM_CONTENT" >"$PAM_SERVICE"
  chmod 0644 "$PAM_SERVICE"
fi

echo "test-env: ready"
