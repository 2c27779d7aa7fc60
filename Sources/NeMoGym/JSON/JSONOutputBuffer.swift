/// A growable byte buffer for ``JSONWriter``: unchecked appends after one capacity check per piece.
///
/// It either owns its memory or starts in memory it borrows (an array's uninitialised storage); when a
/// borrowed buffer runs out of room it moves to memory of its own and ``isBorrowed`` becomes false.
struct JSONOutputBuffer: ~Copyable {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// Whether the bytes are still in the borrowed memory passed to ``init(borrowing:capacity:)``.
    private(set) var isBorrowed: Bool

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        start = .allocate(capacity: self.capacity)
        isBorrowed = false
    }

    init(borrowing memory: UnsafeMutablePointer<UInt8>, capacity: Int) {
        start = memory
        self.capacity = capacity
        isBorrowed = true
    }

    deinit {
        if !isBorrowed { start.deallocate() }
    }

    /// Makes room for `n` more bytes.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = max(capacity * 2, 64)
        while newCapacity < needed { newCapacity *= 2 }
        let newStart = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStart.initialize(from: start, count: count)
        if !isBorrowed { start.deallocate() }
        isBorrowed = false
        start = newStart
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    /// Appends a byte without a capacity check; call ``reserve(_:)`` first.
    @inline(__always)
    mutating func appendUnchecked(_ byte: UInt8) {
        start[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        start[count] = a
        start[count + 1] = b
        count += 2
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        (start + count).update(from: bytes, count: n)
        count += n
    }

    mutating func append(_ text: StaticString) {
        append(text.utf8Start, count: text.utf8CodeUnitCount)
    }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0.baseAddress ?? UnsafePointer(start), count: $0.count) }
    }

    mutating func appendRepeating(_ byte: UInt8, count n: Int) {
        reserve(n)
        (start + count).initialize(repeating: byte, count: n)
        count += n
    }

    /// Forgets the bytes written, keeping the memory.
    mutating func removeAll() {
        count = 0
    }

    /// The bytes written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }
}
