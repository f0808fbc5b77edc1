# Shell helpers shared by the deploy/ci scripts (sourced, not run).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
quiet() { # run "$@" silently; show its output only when it fails
  local log rc=0; log=$(mktemp)
  "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || cat "$log" >&2
  rm -f "$log"; return "$rc"
}
