-- wrk script: PUT /v1/agent-registry/ephemeral-token with an agent identity token (env AV_AGENT_TOKEN).
-- wrk -t2 -c16 -d20s --latency -s server/src/test/resources/perf/ephemeral-token.lua "$AV_ADDR"
wrk.method = "PUT"
wrk.path = "/v1/agent-registry/ephemeral-token"
wrk.body = '{"paths":{"secret/data/code-repos/frontend":["read"]},"ttl":"1m"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Vault-Token"] = os.getenv("AV_AGENT_TOKEN")

