-- One fixed request per call, described by the environment so tests/bench/run needs one script:
-- BENCH_METHOD (GET), BENCH_BODY, BENCH_CONTENT_TYPE, BENCH_AUTHORIZATION.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then wrk.body = body end
local content_type = os.getenv("BENCH_CONTENT_TYPE")
if content_type and content_type ~= "" then wrk.headers["Content-Type"] = content_type end
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end
