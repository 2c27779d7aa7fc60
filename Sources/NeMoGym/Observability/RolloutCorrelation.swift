import Foundation

/// How NeMo Gym names a rollout and routes its model calls (`nemo_gym/rollout_correlation.py` and
/// `server_utils.rollout_path_prefix`).
///
/// A rollout's id is the capture key shared by the agent, the model server (which writes one capture file
/// per id) and the collector:
///
/// | run body | id |
/// |---|---|
/// | `_ng_rollout_id: "abc"` | `abc` (must match `^[A-Za-z0-9][A-Za-z0-9._-]*$`, else an error) |
/// | `_ng_task_index: 3, _ng_rollout_index: 1` | `3-1` |
/// | the same with `_ng_attempt_index: 2` | `3-1-a2` (an attempt of 0 adds nothing) |
/// | no explicit id and an index missing or null | none |
///
/// ```swift
/// let id = try RolloutCorrelation.rolloutID(fromRunBody: ["_ng_task_index": 0, "_ng_rollout_index": 1])
/// print(id ?? "none")                                                       // 0-1
/// print(RolloutCorrelation.pathPrefix(rolloutID: id, tokenCapture: true))  // /ng-rollout/0-1/training-token-capture
/// ```
public enum RolloutCorrelation {
    /// The first path segment of a rollout-scoped route.
    public static let rolloutPathSegment = "ng-rollout"
    /// The segment after the id on training-token-capture routes.
    public static let tokenCapturePathSegment = "training-token-capture"
    /// The run-body key of an explicit rollout id.
    public static let rolloutIDKey = "_ng_rollout_id"
    /// The run-body key of the task index.
    public static let taskIndexKey = "_ng_task_index"
    /// The run-body key of the rollout index.
    public static let rolloutIndexKey = "_ng_rollout_index"
    /// The run-body key of the re-dispatch attempt.
    public static let attemptIndexKey = "_ng_attempt_index"

    /// The rollout id of a run body, computed as `maybe_rollout_id_from_run_body` computes it.
    ///
    /// Indices are printed as Python's `str()` prints them (`0`, `"7"` → `7`, `1.5` → `1.5`, `true` →
    /// `True`); the attempt is read as Python's `int()` reads it (`2`, `"2"`, `2.9` → 2, `true` → 1).
    /// - Throws: ``InvalidRolloutIDError`` for an explicit id that is not a string of letters, digits,
    ///   dots, dashes or underscores starting with a letter or digit, or an attempt `int()` refuses.
    public static func rolloutID(fromRunBody body: JSONObject) throws -> String? {
        var id: String
        if let explicit = body[rolloutIDKey], !explicit.isNull {
            guard case .string(let text) = explicit, isValidRolloutID(text) else {
                throw InvalidRolloutIDError(message: "\(rolloutIDKey) must be a string of letters, digits, dots, dashes or "
                                                + "underscores starting with a letter or digit; got \(pythonRepr(explicit))")
            }
            id = text
        } else {
            guard let task = body[taskIndexKey], !task.isNull, let rollout = body[rolloutIndexKey], !rollout.isNull
            else { return nil }
            id = "\(pythonStr(task))-\(pythonStr(rollout))"
        }
        if let attempt = body[attemptIndexKey], !attempt.isNull {
            let n = try pythonInt(attempt)
            if n > 0 { id += "-a\(n)" }
        }
        return id
    }

    /// Whether `id` matches `^[A-Za-z0-9][A-Za-z0-9._-]*$` as Python's `re.match` applies it (its `$` also
    /// matches before one final newline).
    public static func isValidRolloutID(_ id: String) -> Bool {
        var bytes = Array(id.utf8)
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        guard let first = bytes.first, isAlphanumeric(first) else { return false }
        return bytes.dropFirst().allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// The model-server path prefix of a rollout (`rollout_path_prefix`): empty without an id (or with an
    /// empty one), `/ng-rollout/<id>`, or `/ng-rollout/<id>/training-token-capture`. The id is put in as
    /// the reference puts it (an explicit id is already restricted to `[A-Za-z0-9._-]`); only bytes that
    /// cannot appear in a request target (spaces, controls, non-ASCII, from string indices) are
    /// percent-encoded, as aiohttp does when it sends such a path.
    public static func pathPrefix(rolloutID: String?, tokenCapture: Bool) -> String {
        guard let rolloutID, !rolloutID.isEmpty else { return "" }
        let capture = tokenCapture ? "/\(tokenCapturePathSegment)" : ""
        return "/\(rolloutPathSegment)/\(escapedSegment(rolloutID))\(capture)"
    }

    // MARK: - Python's str() and int()

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func escapedSegment(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            if byte > 0x20 && byte < 0x7F {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Python's `str()` of a JSON value.
    static func pythonStr(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        default: return pythonRepr(value)
        }
    }

    /// Python's `repr()` of a JSON value (as `json.loads` would have built it).
    static func pythonRepr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .number(let n): return n.isNonFinite ? (n.text == "NaN" ? "nan" : n.text == "Infinity" ? "inf" : "-inf") : n.pythonText
        case .string(let s): return PythonRepr.string(s)
        case .array(let items): return "[" + items.map(pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.map { "\(PythonRepr.string($0.key)): \(pythonRepr($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// Python's `int()` of a JSON value.
    static func pythonInt(_ value: JSONValue) throws -> Int {
        func refuse(_ reason: String) -> InvalidRolloutIDError {
            InvalidRolloutIDError(message: reason)
        }
        switch value {
        case .bool(let b): return b ? 1 : 0
        case .number(let n):
            if let i = n.intValue { return i }
            guard let d = n.doubleValue, d.isFinite, abs(d) < 9e18 else {
                throw refuse("cannot convert float \(pythonRepr(value)) to integer")
            }
            return Int(d.rounded(.towardZero))
        case .string(let s):
            var text = Substring(s.trimmingPythonWhitespace())
            var negative = false
            if let sign = text.first, sign == "+" || sign == "-" { negative = sign == "-"; text = text.dropFirst() }
            // Digits, with single underscores between them.
            let parts = text.split(separator: "_", omittingEmptySubsequences: false)
            guard !text.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let magnitude = Int(parts.joined())
            else {
                throw refuse("invalid literal for int() with base 10: \(PythonRepr.string(s))")
            }
            return negative ? -magnitude : magnitude
        default:
            throw refuse("int() argument must be a string, a bytes-like object or a real number, not '\(value.pythonTypeName)'")
        }
    }
}

/// A run body's `_ng_rollout_id` (or `_ng_attempt_index`) cannot make a rollout id; the agent answers 500
/// with it, as NeMo Gym's `ValueError` does.
public struct InvalidRolloutIDError: Error, Sendable, CustomStringConvertible {
    /// The reference's message.
    public var message: String

    /// Creates the error.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension InvalidRolloutIDError: LocalizedError {
    /// The message.
    public var errorDescription: String? { message }
}

extension JSONValue {
    /// The name of the Python type `json.loads` builds for this value.
    fileprivate var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .number(let n): return n.isInteger ? "int" : "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    fileprivate func trimmingPythonWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
        var slice = Substring(self)
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }
}
