extension SimpleAgent {
    /// Settings of a ``SimpleAgent`` (the `simple_agent` block of a NeMo Gym config).
    public struct Configuration: Sendable, Hashable {
        /// The instance name (the config's top-level key), used in error messages and the session cookie.
        public var name: String
        /// The most model calls per episode; `nil` or 0 means no limit (the loop then ends only when the
        /// model answers or reports `incomplete_details`).
        public var maxSteps: Int?
        /// Skip `/verify` and use ``skipVerificationReward`` as the reward.
        public var skipVerification: Bool
        /// The reward used when verification is skipped.
        public var skipVerificationReward: Double

        /// Creates a configuration.
        public init(name: String = "simple_agent", maxSteps: Int? = nil, skipVerification: Bool = false,
                    skipVerificationReward: Double = 0) {
            self.name = name
            self.maxSteps = maxSteps
            self.skipVerification = skipVerification
            self.skipVerificationReward = skipVerificationReward
        }

        /// Reads a `simple_agent` config block (`max_steps`, `skip_verification`,
        /// `skip_verification_reward`; other keys are ignored).
        /// - Throws: ``ConfigurationError`` for an explicit `max_steps: null` or a wrongly typed value.
        public init(name: String, block: JSONObject) throws {
            self.init(name: name)
            if let value = block["max_steps"] {
                guard let n = value.int, n >= 0 else {
                    throw ConfigurationError("agent '\(name)': max_steps must be a non-negative integer (omit it for no limit), got \(value.jsonString())")
                }
                maxSteps = n
            }
            if let value = block["skip_verification"], !value.isNull {
                guard let b = value.bool else {
                    throw ConfigurationError("agent '\(name)': skip_verification must be true or false, got \(value.jsonString())")
                }
                skipVerification = b
            }
            if let value = block["skip_verification_reward"], !value.isNull {
                guard let d = value.double else {
                    throw ConfigurationError("agent '\(name)': skip_verification_reward must be a number, got \(value.jsonString())")
                }
                skipVerificationReward = d
            }
        }
    }
}

/// A configuration value is missing or wrong; the message names the value and the fix.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var message: String

    /// Creates the error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
