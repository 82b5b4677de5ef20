-- wrk's summary for scripts/bench.py: one line, "BENCH {json}", latencies in microseconds.
-- A non-2xx answer counts as an error (wrk itself counts only sockets and timeouts).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
