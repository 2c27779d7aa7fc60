/// A function that answers one HTTP request; the whole application surface of ``HTTPServer``.
///
/// A handler is transport-agnostic: it sees a complete ``HTTPRequest`` (body already read and de-chunked)
/// and returns a complete ``HTTPResponse``. It never throws: map your errors to a status yourself (a
/// `500` with a JSON body, say). It may run for as long as it needs; the server sets no time limit on it.
/// Its task is cancelled when the client closes or resets the connection before the answer (DECISIONS D12;
/// nobody reads the answer then), and when the server is shut down past its grace period.
///
/// ```swift
/// let handler: HTTPHandler = { request in
///     switch (request.method, request.path) {
///     case (.get, "/"): return .json(["status": "ok"])
///     case (.post, "/echo"): return HTTPResponse(status: 200, body: request.body)
///     default: return .json(status: 404, ["detail": "Not Found"])
///     }
/// }
/// let server = HTTPServer(configuration: .init(port: 8000), handler: handler)
/// let port = try await server.start()
/// await server.runUntilTerminated()  // until SIGINT or SIGTERM, then a graceful shutdown
/// ```
///
/// ## Mounting the same handler in Vapor or Hummingbird
///
/// Nothing in a handler depends on ``HTTPServer``, so an application that already runs Vapor or Hummingbird
/// can serve it there with a small adapter that copies the request and response fields:
///
/// ```swift
/// // Vapor
/// app.on(.POST, "v1", "responses", body: .collect(maxSize: "64mb")) { req async -> Response in
///     var headers = HTTPHeaders()
///     for (name, value) in req.headers { headers.add(name: name, value: value) }
///     let body = req.body.data.map { Array($0.readableBytesView) } ?? []
///     let reply = await handler(NeMoGym.HTTPRequest(method: .init(rawValue: req.method.rawValue),
///                                                    target: req.url.string, headers: headers, body: body))
///     var out = Vapor.HTTPHeaders()
///     for (name, value) in reply.headers { out.add(name: name, value: value) }
///     return Response(status: .init(statusCode: reply.status), headers: out, body: .init(data: Data(reply.body)))
/// }
///
/// // Hummingbird 2
/// router.post("v1/responses") { request, context -> Response in
///     let buffer = try await request.body.collect(upTo: 64 << 20)
///     var headers = HTTPHeaders()
///     for field in request.headers { headers.add(name: field.name.rawName, value: field.value) }
///     let reply = await handler(NeMoGym.HTTPRequest(method: .init(rawValue: request.method.rawValue),
///                                                    target: request.uri.description, headers: headers,
///                                                    body: Array(buffer.readableBytesView)))
///     var fields = HTTPFields()
///     for (name, value) in reply.headers { if let n = HTTPField.Name(name) { fields.append(.init(name: n, value: value)) } }
///     return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
/// }
/// ```
public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse
