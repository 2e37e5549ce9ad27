-- wrk's figures as one JSON line, read by bench/common.py (wrk's own summary rounds them).
--
--   wrk --script bench/wrk.lua http://127.0.0.1:8000/it/reti/
--   wrk --script bench/wrk.lua http://127.0.0.1:8000/ -- /it/reti/ '/it/reti/?page={n}' /healthz
--
-- Given addresses after "--", the requests go round them ("{n}" becomes the request's number,
-- an address never asked for before) and the responses are counted by status; "@file" after
-- "--" reads them from a file, one a line. Without, wrk
-- sends one request over and over and the script costs nothing per response.
--
-- Latencies in microseconds: p50, p95, p99 and the slowest, and the latency at every half
-- percent, from which bench/measure.py merges the percentiles of several runs. wrk computes
-- each percentile by walking its histogram from the fastest response to the slowest, so the
-- half percents are left out of runs whose responses spread over more than two seconds.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  if #args == 0 then
    return
  end
  -- "@file": the addresses are the file's lines, too many for a command line.
  if #args == 1 and args[1]:sub(1, 1) == "@" then
    local lines = {}
    for line in io.lines(args[1]:sub(2)) do
      table.insert(lines, line)
    end
    args = lines
  end
  local count = 0
  statuses = {}
  request = function()
    count = count + 1
    local address = args[(count - 1) % #args + 1]:gsub("{n}", tostring(count))
    return wrk.format("GET", address)
  end
  response = function(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

done = function(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local by_status = {}
  for status, n in pairs(counts) do
    table.insert(by_status, string.format('"%d": %d', status, n))
  end
  local quantiles = {}
  if latency.max - latency.min <= 2000000 then
    for step = 1, 200 do
      quantiles[step] = string.format("%d", latency:percentile(step / 2))
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "quantiles_us": [%s], "statuses": {%s}, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(quantiles, ", "), table.concat(by_status, ", "),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
