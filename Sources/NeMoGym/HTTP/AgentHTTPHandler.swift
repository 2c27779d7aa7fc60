/// A function that answers one HTTP request; the whole application surface of ``AgentHTTPServer``.
///
/// A handler is transport-agnostic: it sees a complete ``AgentHTTPRequest`` (body already read and de-chunked)
/// and returns a complete ``AgentHTTPResponse``. It never throws: map your errors to a status yourself (a
/// `500` with a JSON body, say). It may run for as long as it needs; the server sets no time limit on it.
/// Its task is cancelled when the client closes or resets the connection before the answer (DECISIONS D12;
/// nobody reads the answer then), and when the server is shut down past its grace period.
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
/// await server.runUntilTerminated()  // until SIGINT or SIGTERM, then a graceful shutdown
/// ```
///
/// ## Mounting the same handler in Vapor or Hummingbird
///
/// Nothing in a handler depends on ``AgentHTTPServer``, so an application that already runs Vapor or Hummingbird
/// can serve it there with a small adapter that copies the request and response fields:
///
/// ```swift
/// // Vapor
/// app.on(.POST, "v1", "responses", body: .collect(maxSize: "64mb")) { req async -> ModelResponse in
///     var headers = HeaderFields()
///     for (name, value) in req.headers { headers.add(name: name, value: value) }
///     let body = req.body.data.map { Array($0.readableBytesView) } ?? []
///     let reply = await handler(NeMoGym.AgentHTTPRequest(method: .init(rawValue: req.method.rawValue),
///                                                    target: req.url.string, headers: headers, body: body))
///     var out = Vapor.HTTPHeaders()
///     for (name, value) in reply.headers { out.add(name: name, value: value) }
///     return ModelResponse(status: .init(statusCode: reply.status), headers: out, body: .init(data: Data(reply.body)))
/// }
///
/// // Hummingbird 2
/// router.post("v1/responses") { request, context -> ModelResponse in
///     let buffer = try await request.body.collect(upTo: 64 << 20)
///     var headers = HeaderFields()
///     for field in request.headers { headers.add(name: field.name.rawName, value: field.value) }
///     let reply = await handler(NeMoGym.AgentHTTPRequest(method: .init(rawValue: request.method.rawValue),
///                                                    target: request.uri.description, headers: headers,
///                                                    body: Array(buffer.readableBytesView)))
///     var fields = HTTPFields()
///     for (name, value) in reply.headers { if let n = HTTPField.Name(name) { fields.append(.init(name: n, value: value)) } }
///     return ModelResponse(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
/// }
/// ```
public typealias AgentHTTPHandler = @Sendable (AgentHTTPRequest) async -> AgentHTTPResponse
