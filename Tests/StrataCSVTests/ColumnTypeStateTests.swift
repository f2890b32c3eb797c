import StrataCore
import Testing
@testable import StrataCSV
import StrataTestSupport

private let allKinds: [ValueKind] = [.null, .bool, .integer, .largeInteger, .double, .date, .timestamp, .string]

/// The spec's lattice, written independently of the implementation: each kind has a type; two types join along
/// `int64 → double → string`, `date → timestamp → string`, `bool → string`, any other mix is string; and a column
/// that saw an integer beyond ±2^53 can never be double (it becomes string).
private enum Model {
    static func type(of kind: ValueKind) -> DataType? {
        switch kind {
        case .null: nil
        case .bool: .bool
        case .integer, .largeInteger: .int64
        case .double: .double
        case .date: .date
        case .timestamp: .timestamp
        case .string: .string
        }
    }

    static func join(_ a: DataType?, _ b: DataType?) -> DataType? {
        guard let a else { return b }
        guard let b else { return a }
        if a == b { return a }
        switch Set([a, b]) {
        case [.int64, .double]: return .double
        case [.date, .timestamp]: return .timestamp
        default: return .string
        }
    }

    static func state(_ kinds: [ValueKind]) -> (type: DataType?, large: Bool) {
        var type: DataType?
        for kind in kinds { type = join(type, Model.type(of: kind)) }
        let large = kinds.contains(.largeInteger)
        return (large && type == .double ? .string : type, large)
    }
}

private func absorbed(_ kinds: [ValueKind]) -> ColumnTypeState {
    var state = ColumnTypeState()
    for kind in kinds { state.absorb(kind) }
    return state
}

private func classify(_ s: String) -> ValueKind {
    withExactBytes(s) { ValueParser.classify($0, $1) }
}

@Suite struct ColumnTypeStateTests {
    @Test func initialState() {
        let empty = ColumnTypeState()
        #expect(empty.type == nil)
        #expect(!empty.sawLargeInteger)
        #expect(empty.resolved == .string, "a column of nulls only is a string column")
        #expect(absorbed([.null, .null]) == empty)
        for type: DataType in [.bool, .int64, .double, .date, .timestamp, .string] {
            #expect(ColumnTypeState(type: type).type == type)
            #expect(ColumnTypeState(type: type).resolved == type)
        }
    }

    @Test func singleKinds() {
        let expected: [(ValueKind, DataType?, Bool)] = [
            (.null, nil, false), (.bool, .bool, false), (.integer, .int64, false), (.largeInteger, .int64, true),
            (.double, .double, false), (.date, .date, false), (.timestamp, .timestamp, false),
            (.string, .string, false),
        ]
        for (kind, type, large) in expected {
            let state = absorbed([kind])
            #expect(state.type == type, "\(kind)")
            #expect(state.sawLargeInteger == large, "\(kind)")
        }
    }

    /// Every ordered pair, spelled out from the spec.
    @Test func pairsFollowTheLattice() {
        // Rows and columns in `allKinds` order: null, bool, integer, largeInteger, double, date, timestamp, string.
        let n: DataType? = nil
        let S = DataType.string, B = DataType.bool, I = DataType.int64, D = DataType.double
        let Da = DataType.date, T = DataType.timestamp
        let table: [[DataType?]] = [
            /* null      */ [n, B, I, I, D, Da, T, S],
            /* bool      */ [B, B, S, S, S, S, S, S],
            /* integer   */ [I, S, I, I, D, S, S, S],
            /* large     */ [I, S, I, I, S, S, S, S], // a large integer forbids double
            /* double    */ [D, S, D, S, D, S, S, S],
            /* date      */ [Da, S, S, S, S, Da, T, S],
            /* timestamp */ [T, S, S, S, S, T, T, S],
            /* string    */ [S, S, S, S, S, S, S, S],
        ]
        for (i, a) in allKinds.enumerated() {
            for (j, b) in allKinds.enumerated() {
                let state = absorbed([a, b])
                #expect(state.type == table[i][j], "\(a) then \(b)")
                #expect(state.sawLargeInteger == (a == .largeInteger || b == .largeInteger), "\(a) then \(b)")
                #expect(Model.state([a, b]).type == table[i][j], "model disagrees with the table: \(a), \(b)")
            }
        }
    }

    @Test func twoToThe53Rule() {
        #expect(classify("9007199254740992") == .integer)
        #expect(classify("9007199254740993") == .largeInteger)
        // int64 → double is fine while every integer is exact as a double…
        #expect(absorbed(["1", "9007199254740992", "2.5"].map(classify)).type == .double)
        #expect(absorbed(["-9007199254740992", "2.5"].map(classify)).type == .double)
        // …but one integer beyond ±2^53 sends the column to string, before or after the double.
        #expect(absorbed(["1", "9007199254740993", "2.5"].map(classify)).type == .string)
        #expect(absorbed(["2.5", "-9007199254740993", "1"].map(classify)).type == .string)
        #expect(absorbed(["2.5", "1", "9223372036854775807"].map(classify)).type == .string)
        // Large integers alone stay int64, flagged.
        let large = absorbed(["1", "9007199254740993", ""].map(classify))
        #expect(large.type == .int64)
        #expect(large.sawLargeInteger)
        // A flagged int64 state merged with a double state is a string state, either way round.
        var a = large
        a.merge(ColumnTypeState(type: .double))
        var b = ColumnTypeState(type: .double)
        b.merge(large)
        #expect(a.type == .string && b.type == .string)
        #expect(a == b)
    }

    @Test func mergeOfFixedTypeStates() {
        // int32 and float states (fixed types) merge like int64 and double.
        var state = ColumnTypeState(type: .int64)
        state.merge(ColumnTypeState(type: .float))
        #expect(state.type == .double)
        var other = ColumnTypeState()
        other.merge(ColumnTypeState(type: .int32))
        #expect(other.type == .int64)
        var empty = ColumnTypeState(type: .date)
        empty.merge(ColumnTypeState())
        #expect(empty == ColumnTypeState(type: .date))
    }

    /// Random sequences: the final state is the model's, whatever the order of the values and however they are
    /// split into partial states that are merged in any order.
    @Test func absorbAndMergeAreOrderIndependent() {
        var g = SplitMix64(seed: 0x1A77)
        let families: [[ValueKind]] = [
            [.null, .integer, .largeInteger, .double], [.null, .integer, .double], [.null, .date, .timestamp],
            [.null, .bool], allKinds, [.null, .integer, .largeInteger],
        ]
        var seen = Set<ColumnTypeState>()
        for _ in 0..<20_000 {
            let family = g.pick(families)
            let kinds = (0..<g.int(0...24)).map { _ in g.pick(family) }
            let model = Model.state(kinds)
            let sequential = absorbed(kinds)
            #expect(sequential.type == model.type && sequential.sawLargeInteger == model.large, "\(kinds)")
            seen.insert(sequential)

            // Any order.
            #expect(absorbed(kinds.shuffled(using: &g)) == sequential, "\(kinds)")

            // Split into partial states, merged in a random order into an empty state or into one of the parts.
            var parts: [ColumnTypeState] = []
            var rest = kinds[...]
            while !rest.isEmpty {
                let take = g.int(1...rest.count)
                parts.append(absorbed(Array(rest.prefix(take))))
                rest = rest.dropFirst(take)
            }
            parts.shuffle(using: &g)
            var merged = g.chance(0.5) || parts.isEmpty ? ColumnTypeState() : parts.removeFirst()
            for part in parts { merged.merge(part) }
            #expect(merged == sequential, "\(kinds) split into \(parts.count + 1) parts")

            // Merge is commutative on any two states, and absorbing a value equals merging its state.
            let other = absorbed((0..<g.int(0...4)).map { _ in g.pick(family) })
            var ab = sequential
            ab.merge(other)
            var ba = other
            ba.merge(sequential)
            #expect(ab == ba, "\(sequential) vs \(other)")
            let kind = g.pick(family)
            var viaAbsorb = sequential
            viaAbsorb.absorb(kind)
            var viaMerge = sequential
            viaMerge.merge(absorbed([kind]))
            #expect(viaAbsorb == viaMerge, "\(sequential) + \(kind)")
        }
        // Every reachable state showed up (nil, the six types, int64 flagged, string flagged).
        #expect(seen.count == 9, "\(seen)")
    }
}
