import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends `https://` requests through one long-lived `URLSession` with automatic cookie handling off.
///
/// The configuration keeps cookies in the caller's hands: ephemeral, `httpShouldSetCookies = false`,
/// `httpCookieAcceptPolicy = .never`, no cookie storage and no cache, so a `Cookie` header set by the caller is
/// sent as it is and no cookie leaks between rollouts. `timeoutInterval` is URLSession's idle timeout; without a
/// configured idle timeout it is a year.
final class URLSessionTransport: Sendable {
    private let session: URLSession
    private let idleTimeout: Double

    init(maxConnectionsPerHost: Int, idleTimeout: Double?) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = max(1, maxConnectionsPerHost)
        self.idleTimeout = idleTimeout ?? 365 * 24 * 3600
        configuration.timeoutIntervalForRequest = self.idleTimeout
        configuration.timeoutIntervalForResource = self.idleTimeout
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Why an attempt failed.
    enum Failure: Error {
        case retryable(String)
        case invalidURL
        case timedOut
        case cancelled
        case other(String)
    }

    /// Sends one request (no retries here).
    func send(_ request: ServerClientRequest) async -> Result<ServerClientResponse, Failure> {
        guard let url = URL(string: request.url) else { return .failure(.invalidURL) }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: idleTimeout)
        urlRequest.httpMethod = request.method.rawValue
        urlRequest.httpShouldHandleCookies = false
        for (name, value) in request.headers {
            if HeaderFields.equalsIgnoringCase(name, "Content-Length") || HeaderFields.equalsIgnoringCase(name, "Connection") { continue }
            urlRequest.addValue(value, forHTTPHeaderField: name)
        }
        if let body = request.body {
            urlRequest.httpBody = Data(body)
        } else if [.post, .put, .patch].contains(request.method) {
            urlRequest.httpBody = Data()
        }
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else { return .failure(.other("the reply is not an HTTP response")) }
            var headers = HeaderFields()
            for (key, value) in http.allHeaderFields {
                let name = "\(key)"
                let text = "\(value)"
                if HeaderFields.equalsIgnoringCase(name, "Set-Cookie") {
                    for line in Self.splitSetCookie(text) { headers.add(name: name, value: line) }
                } else {
                    headers.add(name: name, value: text)
                }
            }
            return .success(ServerClientResponse(status: http.statusCode, headers: headers, body: [UInt8](data)))
        } catch is CancellationError {
            return .failure(.cancelled)
        } catch let error as URLError {
            switch error.code {
            case .cancelled: return .failure(.cancelled)
            case .timedOut: return .failure(.timedOut)
            case .cannotConnectToHost, .networkConnectionLost, .notConnectedToInternet, .cannotFindHost,
                 .dnsLookupFailed, .resourceUnavailable:
                return .failure(.retryable(Self.describe(error)))
            default: return .failure(.other(Self.describe(error)))
            }
        } catch {
            return .failure(.other("\(error)"))
        }
    }

    private static func describe(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: "connection refused"
        case .networkConnectionLost: "connection lost"
        case .cannotFindHost, .dnsLookupFailed: "cannot resolve the host"
        case .notConnectedToInternet: "not connected to a network"
        default: "\(error.localizedDescription) (URLError \(error.code.rawValue))"
        }
    }

    /// Splits a `Set-Cookie` value that URLSession joined with `, ` back into the original lines. A comma starts a
    /// new cookie only when a `name=` token follows it, so the comma inside `Expires=Wed, 21 Oct 2037 …` stays.
    static func splitSetCookie(_ joined: String) -> [String] {
        let bytes = Array(joined.utf8)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: ",") {
                var j = i + 1
                while j < bytes.count && bytes[j] == 0x20 { j += 1 }
                var k = j
                while k < bytes.count && HTTPHeadParser.isTokenByte(bytes[k]) { k += 1 }
                if k > j && k < bytes.count && bytes[k] == UInt8(ascii: "=") {
                    lines.append(String(decoding: bytes[start..<i], as: UTF8.self).trimmingSpaces())
                    start = j
                    i = j
                    continue
                }
            }
            i += 1
        }
        let last = String(decoding: bytes[start...], as: UTF8.self).trimmingSpaces()
        if !last.isEmpty { lines.append(last) }
        return lines
    }
}
