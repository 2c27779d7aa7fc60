/// A function that answers one HTTP request; the whole application surface of ``AgentHTTPServer``.
///
/// A handler is transport-agnostic: it sees a complete ``AgentHTTPRequest`` (body already read and de-chunked)
/// and returns a complete ``AgentHTTPResponse``. It never throws: map your errors to a status yourself (a
/// `500` with a JSON body, say). It may run for as long as it needs; the server sets no time limit on it.
/// Its task is cancelled when the client closes or resets the connection before the answer (nobody reads
/// the answer then), and when the server is shut down past its grace period.
///
/// ```swift
/// let handler: AgentHTTPHandler = { request in
///     switch (request.method, request.path) {
///     case (.get, "/"): return .json(["status": "ok"])
///     case (.post, "/echo"): return AgentHTTPResponse(status: 200, body: request.body)
///     default: return .json(status: 404, ["detail": "Not Found"])
///     }
/// }
/// let server = AgentHTTPServer(configuration: .init(port: 8000), handler: handler)
/// let port = try await server.start()
/// print("listening on http://127.0.0.1:\(port)")
/// await server.runUntilTerminated()  // until SIGINT or SIGTERM, then a graceful shutdown
/// ```
///
/// ## Mounting the same handler in Vapor or Hummingbird
///
/// Nothing in a handler depends on ``AgentHTTPServer``, so an application that already runs Vapor or
/// Hummingbird can serve it there with a small adapter: copy the framework's method, target, header fields
/// and collected body into an ``AgentHTTPRequest``, and the ``AgentHTTPResponse``'s status, fields and body
/// back. The part that touches this library:
///
/// ```swift
/// /// Answers one request that a server framework received, in the framework's plain terms.
/// func answer(with handler: AgentHTTPHandler, method: String, target: String,
///             headers: [(name: String, value: String)], body: [UInt8])
///     async -> (status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
///     var fields = HeaderFields()
///     for (name, value) in headers { fields.add(name: name, value: value) }
///     let request = AgentHTTPRequest(method: RequestMethod(rawValue: method), target: target,
///                                    headers: fields, body: body)
///     let reply = await handler(request)
///     return (reply.status, Array(reply.headers), reply.body)
/// }
/// ```
///
/// The framework's side, for example a Vapor route (not compiled here: it needs Vapor):
///
/// ```text
/// app.on(.POST, "v1", "responses", body: .collect(maxSize: "64mb")) { req async -> Vapor.Response in
///     let reply = await answer(with: handler, method: req.method.rawValue, target: req.url.string,
///                              headers: req.headers.map { ($0.name, $0.value) },
///                              body: req.body.data.map { Array($0.readableBytesView) } ?? [])
///     return Vapor.Response(status: .init(statusCode: reply.status),
///                           headers: HTTPHeaders(reply.headers.map { ($0.name, $0.value) }),
///                           body: .init(data: Data(reply.body)))
/// }
/// ```
public typealias AgentHTTPHandler = @Sendable (AgentHTTPRequest) async -> AgentHTTPResponse
