extension String {
    /// The URL without trailing `/`s, so paths can be appended (`http://h:1/` + `/run`).
    var withoutTrailingSlashes: String {
        var url = Substring(self)
        while url.hasSuffix("/") { url = url.dropLast() }
        return String(url)
    }
}
