extension SimpleAgent {
    /// Settings of a ``SimpleAgent`` (the `simple_agent` block of a NeMo Gym config).
    public struct Configuration: Sendable, Hashable {
        /// The instance name (the config's top-level key), used in error messages and the session cookie.
        public var name: String
        /// The most model calls per episode, as NeMo Gym's `if max_steps and step >= max_steps`: `nil`
        /// or 0 means no limit (the loop then ends only when the model answers or reports
        /// `incomplete_details`); a negative value stops after the first turn's tools, as in the reference.
        public var maxSteps: Int?
        /// Skip `/verify` and use ``skipVerificationReward`` as the reward.
        public var skipVerification: Bool
        /// The reward used when verification is skipped.
        public var skipVerificationReward: Double
        /// Whether this agent's rollouts take part in training-token capture (NeMo Gym's
        /// `token_id_capture`); the run-level `token_id_capture.enabled` setting gates it.
        public var tokenIDCapture: Bool

        /// Creates a configuration.
        public init(name: String = "simple_agent", maxSteps: Int? = nil, skipVerification: Bool = false,
                    skipVerificationReward: Double = 0, tokenIDCapture: Bool = false) {
            self.name = name
            self.maxSteps = maxSteps
            self.skipVerification = skipVerification
            self.skipVerificationReward = skipVerificationReward
            self.tokenIDCapture = tokenIDCapture
        }

        /// The keys of an agent block that NeMo Gym's `SimpleAgentConfig` declares; others are unused.
        public static let knownKeys: Set<String> = [
            "host", "port", "num_workers", "entrypoint", "domain", "name", "datasets",
            "skip_verification", "skip_verification_reward", "token_id_capture",
            "resources_server", "model_server", "max_steps",
        ]

        /// The keys of `block` that a `simple_agent` does not use (to warn about: a typo, or a setting
        /// meant for another agent), in block order.
        public static func unusedKeys(in block: JSONObject) -> [String] {
            block.keys.filter { !knownKeys.contains($0) }
        }

        /// Reads a `simple_agent` config block (`max_steps`, `skip_verification`,
        /// `skip_verification_reward`, `token_id_capture`) as NeMo Gym's pydantic model reads it, in lax
        /// mode: `"2"` and `2.0` are the integer 2, `"yes"`/`"on"`/`"1"` are true, and values from
        /// `${oc.env:VAR,default}` (always strings) work. Other keys are ignored here (see ``unusedKeys(in:)``).
        /// - Throws: ``ConfigError`` naming the agent and the field for a value pydantic refuses
        ///   (an explicit `max_steps: null`, `max_steps: 2.5`, `skip_verification: maybe`, ...).
        public init(name: String, block: JSONObject) throws {
            self.init(name: name)
            func read<T>(_ key: String, _ convert: (JSONValue) -> Result<T, LaxConfigValue.Refusal>) throws -> T? {
                guard let value = block[key] else { return nil }
                switch convert(value) {
                case .success(let v): return v
                case .failure(let refusal):
                    throw ConfigError(.invalidValue, "agent '\(name)': \(key): \(refusal.reason) (got \(value.jsonString()))")
                }
            }
            maxSteps = try read("max_steps", LaxConfigValue.int)
            skipVerification = try read("skip_verification", LaxConfigValue.bool) ?? false
            skipVerificationReward = try read("skip_verification_reward", LaxConfigValue.double) ?? 0
            tokenIDCapture = try read("token_id_capture", LaxConfigValue.bool) ?? false
        }
    }
}
