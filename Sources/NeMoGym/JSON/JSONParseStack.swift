/// The parser's work stack: the elements (or keys) of every open array and object, in one buffer.
///
/// A container's elements are pushed as they are parsed and moved into an exactly sized array when the
/// container closes, so no per-container array grows (and reallocates) element by element.
struct JSONParseStack<Element>: ~Copyable {
    private var start: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit {
        start.deinitialize(count: count)
        start.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (start + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newStart = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newStart.moveInitialize(from: start, count: count)
        start.deallocate()
        start = newStart
        capacity = newCapacity
    }

    /// The element at `index` (below ``count``).
    subscript(index: Int) -> Element {
        get { start[index] }
        set { start[index] = newValue }
    }

    /// Moves the elements from `base` to the top into a new array and pops them.
    mutating func popArray(from base: Int) -> [Element] {
        let n = count - base
        guard n > 0 else { return [] }
        // `reserveCapacity` + `append` stay in code specialised for `Element`; the array initialisers that
        // take a closure call into the runtime's generic path, which looks up type metadata on every call.
        var array: [Element] = []
        array.reserveCapacity(n)
        for i in base..<count { array.append((start + i).move()) }
        count = base
        return array
    }
}

extension JSONParseStack where Element == String {
    /// The index of `key` among the elements from `base` to the top, or `nil`.
    func index(of key: String, from base: Int) -> Int? {
        var i = base
        while i < count {
            if start[i] == key { return i }
            i += 1
        }
        return nil
    }
}
