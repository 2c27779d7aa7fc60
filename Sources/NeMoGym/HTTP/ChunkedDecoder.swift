/// Decodes a `Transfer-Encoding: chunked` body incrementally from an ``InboundBuffer``.
///
/// Feed it whenever more bytes arrive; it consumes what it can, appends the payload to the output and reports
/// whether the body (including trailers) is complete. Chunk extensions and trailer fields are discarded.
struct ChunkedDecoder {
    /// Why a chunked body is malformed or too large.
    enum Failure: Error {
        case malformed(String)
        case tooLarge
    }

    private enum Phase {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
        case done
    }

    private var phase = Phase.size
    private var trailerBytes = 0
    private let maxBodyBytes: Int
    private let maxLineBytes: Int

    /// Creates a decoder that fails with `.tooLarge` past `maxBodyBytes` of payload and rejects size or trailer
    /// lines longer than `maxLineBytes`.
    init(maxBodyBytes: Int, maxLineBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxLineBytes = maxLineBytes
    }

    /// Whether the final chunk and the trailers were read.
    var isComplete: Bool { if case .done = phase { true } else { false } }

    /// Consumes what it can from `input`, appending payload to `output`; returns `true` once complete.
    mutating func decode(_ input: InboundBuffer, into output: inout [UInt8]) throws(Failure) -> Bool {
        while true {
            switch phase {
            case .done:
                return true
            case .size:
                guard let line = try takeLine(input) else { return false }
                var size = 0
                var digits = 0
                for b in line {
                    let v: Int
                    switch b {
                    case 0x30...0x39: v = Int(b - 0x30)
                    case 0x41...0x46: v = Int(b - 0x41 + 10)
                    case 0x61...0x66: v = Int(b - 0x61 + 10)
                    default: v = -1
                    }
                    if v < 0 { break }
                    digits += 1
                    guard digits <= 15 else { throw .malformed("chunk size too long") }
                    size = size * 16 + v
                }
                guard digits > 0 else { throw .malformed("invalid chunk size line") }
                // After the digits only whitespace, or whitespace then `;` and an extension (ignored):
                // `5 5` is not a size.
                var rest = digits
                while rest < line.count, line[rest] == 0x20 || line[rest] == 0x09 { rest += 1 }
                guard rest == line.count || line[rest] == UInt8(ascii: ";") else {
                    throw .malformed("invalid chunk size line")
                }
                if size == 0 {
                    phase = .trailers
                } else {
                    guard output.count + size <= maxBodyBytes else { throw .tooLarge }
                    phase = .data(remaining: size)
                }
            case .data(let remaining):
                if input.isEmpty { return false }
                let moved = input.move(upTo: remaining, into: &output)
                phase = remaining - moved == 0 ? .dataEnd : .data(remaining: remaining - moved)
            case .dataEnd:
                guard let line = try takeLine(input) else { return false }
                guard line.isEmpty else { throw .malformed("missing CRLF after chunk data") }
                phase = .size
            case .trailers:
                guard let line = try takeLine(input) else { return false }
                trailerBytes += line.count + 2
                guard trailerBytes <= maxLineBytes * 8 else { throw .malformed("trailer fields too large") }
                if line.isEmpty { phase = .done }
            }
        }
    }

    /// Takes one line (without `CRLF`/`LF`) from the front of `input`, or `nil` if it is incomplete.
    private func takeLine(_ input: InboundBuffer) throws(Failure) -> [UInt8]? {
        let found: Int? = input.withBytes { bytes in
            for i in 0..<bytes.count where bytes[i] == 0x0A { return i }
            return nil
        }
        guard let lf = found else {
            if input.count > maxLineBytes { throw .malformed("chunk line too long") }
            return nil
        }
        guard lf <= maxLineBytes else { throw .malformed("chunk line too long") }
        var line: [UInt8] = input.withBytes { Array($0[0..<lf]) }
        if line.last == 0x0D { line.removeLast() }
        input.consume(lf + 1)
        return line
    }
}
