# Shell helpers shared by the deploy/ci scripts (sourced, not run).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
quiet() { # run "$@" silently; show its output only when it fails
  local log rc=0; log=$(mktemp)
  "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || cat "$log" >&2
  rm -f "$log"; return "$rc"
}
stop_pidfile() { # stop the process whose pid is in file $1 (if it runs) and wait up to 10 s for it to exit
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null || return 0
  kill "$(cat "$1")" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$(cat "$1")" 2>/dev/null || break; sleep 0.1; done
}
