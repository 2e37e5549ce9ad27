-- Print the run as one JSON line for bench/measure.py (wrk's own summary rounds its figures).
-- Latencies in microseconds: the percentiles the table shows, and the latency at every half
-- percent, from which bench/measure.py merges the percentiles of several runs. wrk computes
-- each percentile by walking its histogram from the fastest response to the slowest, so the
-- half percents are left out of runs whose responses spread over more than two seconds.
done = function(summary, latency, requests)
  local quantiles = {}
  if latency.max - latency.min <= 2000000 then
    for step = 1, 200 do
      quantiles[step] = string.format("%d", latency:percentile(step / 2))
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"quantiles_us": [%s], '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    table.concat(quantiles, ", "),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
