// Serves StopOnToolErrorAgent as a NeMo Gym agent server:
//   weather-agent my_agent.yaml --agent my_agent       (or NEMO_GYM_CONFIG_DICT + NEMO_GYM_CONFIG_PATH)
// with `responses_api_agents: {stop_on_tool_error_agent: {...}}` in the config.
import NeMoGym
import WeatherAgents

let launcher = AgentLauncher.builtIn.adding(["stop_on_tool_error_agent": { try StopOnToolErrorAgent(deployment: $0) }])
await launcher.main()
