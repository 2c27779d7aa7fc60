# Shared by the conformance scripts: starts NeMo Gym's scripted model and resources servers from the
# conformance kit on free loopback ports, and cleans up on exit.
# Sets CONF, GYM, WORK, PM (model port), PR (resources port), PA (a free port for the agent).
CONF="$1/agent"
GYM="${GYM:-.build/debug/swift-gym}"
WORK=$(mktemp -d)
pids=()
cleanup() {
  [ -n "${KEEP_WORK:-}" ] && cp -r "$WORK" "$KEEP_WORK"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() {
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
  echo "server on port $1 did not start" >&2; return 1
}

PM=$(free_port); PR=$(free_port); PA=$(free_port)
python3 "$CONF/fake_model.py" "$PM" "$CONF/script.json" & pids+=($!)
python3 "$CONF/fake_resources.py" "$PR" & pids+=($!)
wait_up "$PM"; wait_up "$PR"

# The NeMo Gym config of the conformance deployment: the fakes and an agent on $PA with max_steps 3.
agent_config_yaml() {
  cat <<YAML
policy_model:
  responses_api_models:
    vllm_model: {entrypoint: app.py, host: 127.0.0.1, port: $PM}
conformance_resources:
  resources_servers:
    conformance: {entrypoint: app.py, domain: other, host: 127.0.0.1, port: $PR}
conformance_agent:
  responses_api_agents:
    simple_agent:
      entrypoint: app.py
      host: 127.0.0.1
      port: $PA
      resources_server: {type: resources_servers, name: conformance_resources}
      model_server: {type: responses_api_models, name: policy_model}
      max_steps: 3
YAML
}
