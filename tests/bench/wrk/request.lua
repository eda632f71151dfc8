-- One fixed request per call, described by the environment so tests/bench/run needs one script:
-- BENCH_METHOD (GET), BENCH_BODY, BENCH_CONTENT_TYPE, BENCH_AUTHORIZATION; with BENCH_RATE (and
-- BENCH_CONNECTIONS) at a fixed rate instead of as fast as possible.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then wrk.body = body end
local content_type = os.getenv("BENCH_CONTENT_TYPE")
if content_type and content_type ~= "" then wrk.headers["Content-Type"] = content_type end
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end

local rate = tonumber(os.getenv("BENCH_RATE") or "")
if rate then
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "16")
  function delay() return connections * 1000 / rate end
end
