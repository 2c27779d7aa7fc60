/// Python `repr` helpers used to reproduce the reference's error texts.
enum PythonRepr {
    /// `repr(str)`: single quotes unless the text has a `'` and no `"`.
    static func string(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let quote: Character = useDouble ? "\"" : "'"
        var out = String(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append(quote)
        return out
    }

    /// `repr(bytes)` of UTF-8 bytes: `b'...'` with non-printable and non-ASCII bytes as `\xNN`.
    static func bytes(_ bytes: some Sequence<UInt8>) -> String {
        let array = Array(bytes)
        let useDouble = array.contains(UInt8(ascii: "'")) && !array.contains(UInt8(ascii: "\""))
        let quote: UInt8 = useDouble ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        var out = "b" + String(UnicodeScalar(quote))
        for b in array {
            switch b {
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\t"): out += "\\t"
            case quote: out += "\\" + String(UnicodeScalar(quote))
            case 0x20..<0x7F: out.unicodeScalars.append(UnicodeScalar(b))
            default: out += "\\x" + hex(UInt32(b), width: 2)
            }
        }
        out += String(UnicodeScalar(quote))
        return out
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let s = String(value, radix: 16)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
