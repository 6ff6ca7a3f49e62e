import AnyunCore

/// Previous/next links of a paged list, keeping the list's filters.
struct Pager {
    let from: Int
    let to: Int
    let total: Int
    let previous: String?
    let next: String?
    /// Only lists longer than a page show the links.
    let paged: Bool

    init(path: String, query: QueryString, page: PageRequest, shown: Int, total: Int) {
        self.total = total
        from = shown == 0 ? 0 : page.offset + 1
        to = page.offset + shown
        paged = total > page.limit || page.offset > 0
        let before = max(0, page.offset - page.limit)
        previous = page.offset > 0 ? path + query.setting("offset", before == 0 ? nil : String(before)).text : nil
        next = page.offset + shown < total ? path + query.setting("offset", String(page.offset + page.limit)).text : nil
    }
}
