# Shared by bench/run and bench/faults (sourced, not run): wrk, and a work folder for the
# servers that bench/common.py starts, with every one of them stopped on the way out.

# A Debian package's command, the package installed when missing, as .ci/run installs Chromium.
need_package() {  # command package
    command -v "$1" >/dev/null && return
    if [ "$(id -u)" != 0 ]; then
        echo "$0 needs $1: apt-get install $2" >&2
        exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"
}

need_wrk() {
    need_package wrk wrk
}

# $work: a folder for the servers' pid and log files and the site's static and media files.
# At the end, whatever happens (an error, Ctrl-C, a time limit), the servers still running are
# stopped, then the caller's restore_services runs if it has one. The folder is removed after a
# success, and kept after a failure: the servers' logs say what went wrong.
make_work_folder() {
    work=$(mktemp -d -t "modena-$1.XXXXXX")
    trap finish EXIT
    trap 'exit 130' INT TERM
}

finish() {
    local status=$?
    stop_servers
    if declare -F restore_services >/dev/null; then restore_services; fi
    if [ $status = 0 ]; then
        rm -rf "$work"
    else
        echo "$0: failed (exit status $status); its work folder, with the servers' logs, is kept: $work" >&2
    fi
}

stop_servers() {
    # gunicorn removes its pid file when it stops: a file left names a server still running.
    for pidfile in "$work"/gunicorn-*.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill -INT "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    # nginx too (bench/faults), which removes its pid file when it stops.
    if [ -f "$work/nginx.pid" ]; then
        kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
    fi
}
