# Shared by bench/run and bench/faults (sourced, not run): stopping the gunicorn servers that
# bench/measure.py and bench/faults.py start, from their pid files in "$work".

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
}
