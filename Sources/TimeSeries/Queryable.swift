/// The read seam between the Engine and any store: select series by matchers over a time range.
public protocol Queryable: Sendable {
    /// Returns every series matching all matchers, with its samples in `[mint, maxt]` (inclusive), sorted by labels.
    /// Series with no sample in the range may be omitted.
    func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> [SeriesSamples]

    /// The series matching all matchers, sorted by labels, with their samples in `[mint, maxt]` read on demand
    /// (see `SeriesSet`). The default selects everything at once and hands out those samples.
    func seriesSet(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> any SeriesSet
}

extension Queryable {
    public func seriesSet(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) throws -> any SeriesSet {
        SelectedSeries(try select(matchers, mint: mint, maxt: maxt))
    }
}

/// Selected series whose samples are read a block at a time: labels up front, samples when asked. A store that
/// decodes (SQLite) lets a range function consume each series while its decoded samples are still in cache,
/// with decoding spread over the threads that evaluate, instead of writing the whole selection to memory first.
public protocol SeriesSet: Sendable {
    /// The series' labels, in label order; positions index `read`.
    var labels: [Labels] { get }
    /// Calls `body` with each series of `positions`, in order, and its samples (possibly none). Several threads
    /// may read disjoint positions at once; `body` runs on the calling thread.
    func read(_ positions: Range<Int>, _ body: (Int, SeriesSamples) -> Void) throws
}

/// A `SeriesSet` over series already in memory.
public struct SelectedSeries: SeriesSet {
    public let series: [SeriesSamples]
    public let labels: [Labels]

    public init(_ series: [SeriesSamples]) {
        self.series = series
        labels = series.map(\.labels)
    }

    public func read(_ positions: Range<Int>, _ body: (Int, SeriesSamples) -> Void) throws {
        for i in positions { body(i, series[i]) }
    }
}

/// The write seam: batch append of samples.
public protocol Appender {
    mutating func append(_ labels: Labels, _ t: Timestamp, _ v: Double) throws
    mutating func commit() throws
}
