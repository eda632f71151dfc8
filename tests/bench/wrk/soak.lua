-- The soak's mixed workload at a fixed rate: BENCH_RATE requests/s spread over BENCH_CONNECTIONS
-- connections (each waits connections/rate between its requests). Every 100 requests follow the
-- weights below, in a fixed interleaved order. Refresh tokens come from BENCH_TOKENS_FILE and from
-- every answer that carries one (a rotation or a sign-in), as in refresh.lua.
local env = os.getenv
local rate = tonumber(env("BENCH_RATE") or "500")
local connections = tonumber(env("BENCH_CONNECTIONS") or "16")
local form = "application/x-www-form-urlencoded"
local tokens = {}

local function bearer(token) return {["Authorization"] = "Bearer " .. token} end
local kinds = {
  jwks = function() return wrk.format("GET", "/.well-known/jwks.json") end,
  introspection = function()
    return wrk.format("POST", "/oauth/introspect", {["Content-Type"] = form, ["Authorization"] = env("BENCH_BASIC")},
                      "token=" .. env("BENCH_CLIENT_TOKEN"))
  end,
  userinfo = function() return wrk.format("GET", "/oauth/userinfo", bearer(env("BENCH_USER_TOKEN"))) end,
  token = function()
    return wrk.format("POST", "/oauth/token", {["Content-Type"] = form, ["Authorization"] = env("BENCH_BASIC")},
                      "grant_type=client_credentials")
  end,
  scim = function() return wrk.format("GET", env("BENCH_SCIM_PATH"), bearer(env("BENCH_SCIM_TOKEN"))) end,
  refresh = function()
    local token = table.remove(tokens) or "exhausted"
    return wrk.format("POST", "/api/v1/auth/refresh", {["Content-Type"] = "application/json"},
                      '{"refresh_token":"' .. token .. '"}')
  end,
  signin = function()
    return wrk.format("POST", "/api/v1/auth/signin", {["Content-Type"] = "application/json"}, env("BENCH_SIGNIN_BODY"))
  end,
}
local weights = {jwks = 20, introspection = 20, userinfo = 20, token = 14, scim = 10, refresh = 15, signin = 1}
local order = {}
local remaining = {}
for name, w in pairs(weights) do remaining[name] = w end
for _ = 1, 100 do  -- interleave: each slot takes the kind with the most left
  local best
  for name, left in pairs(remaining) do
    if not best or left > remaining[best] or (left == remaining[best] and name < best) then best = name end
  end
  order[#order + 1] = best
  remaining[best] = remaining[best] - 1
end
local n = 0

function init(args)
  for line in io.lines(env("BENCH_TOKENS_FILE")) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
end

function delay() return connections * 1000 / rate end

function request()
  n = n % #order + 1
  return kinds[order[n]]()
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then tokens[#tokens + 1] = token end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("soak_result %d %.1f %d %.2f %.2f %.2f %.2f\n", summary.requests,
    summary.requests / (summary.duration / 1e6), e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
