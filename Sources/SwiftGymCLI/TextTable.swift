import NeMoGym
/// A plain text table: a header row and rows, columns separated by two spaces and padded to the widest
/// cell, never truncated (the last column is not padded).
public struct TextTable: Sendable {
    /// The column titles.
    public var header: [String]
    /// The rows; each has one cell per column.
    public var rows: [[String]]

    /// Creates a table.
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The table's lines (header first), without trailing spaces.
    public func lines() -> [String] {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 {
                    line += String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
