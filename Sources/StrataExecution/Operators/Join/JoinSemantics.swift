import StrataCore

/// What a hash join returns, seen from its two physical inputs: the *probe* side streams through, the *build* side
/// is hashed. A logical `LEFT` join whose left input is hashed, for instance, keeps the unmatched *build* rows.
package struct JoinSemantics: Sendable, Hashable {
    /// What each probe row contributes.
    package enum Output: Sendable, Hashable {
        /// The matching (probe, build) pairs.
        case pairs
        /// The probe rows with a match, each once.
        case semi
        /// The probe rows without a match.
        case anti
        /// Every probe row and whether it matched; `nullAware`: SQL's `IN` rules for NULLs.
        case mark(nullAware: Bool)
    }

    /// What each probe row contributes.
    package var output: Output
    /// Whether probe rows without a match come out too (their build columns NULL).
    package var keepsUnmatchedProbe: Bool
    /// Whether build rows without a match come out too (their probe columns NULL).
    package var keepsUnmatchedBuild: Bool

    /// The semantics of a logical join of `kind` whose left input is the build side when `buildIsLeft`.
    package init(_ kind: JoinKind, buildIsLeft: Bool) {
        keepsUnmatchedProbe = false
        keepsUnmatchedBuild = false
        switch kind {
        case .inner:
            output = .pairs
        case .left:
            output = .pairs
            if buildIsLeft { keepsUnmatchedBuild = true } else { keepsUnmatchedProbe = true }
        case .right:
            output = .pairs
            if buildIsLeft { keepsUnmatchedProbe = true } else { keepsUnmatchedBuild = true }
        case .full:
            output = .pairs
            keepsUnmatchedProbe = true
            keepsUnmatchedBuild = true
        case .semi:
            output = .semi
        case .anti:
            output = .anti
        case let .mark(_, nullAware):
            output = .mark(nullAware: nullAware)
        }
    }

    /// Whether a probe row needs only its first match (no build columns come out).
    package var needsFirstMatchOnly: Bool { output != .pairs }

    /// Whether the probe rows' match flags decide what comes out after matching (unmatched, semi, anti, mark).
    package var usesProbeFlags: Bool { keepsUnmatchedProbe || output != .pairs }
}

/// Where an output column of a hash join comes from.
package enum JoinOutputColumn: Sendable, Hashable {
    /// Column `index` of the probe input.
    case probe(Int)
    /// Column `index` of the stored build rows (the keys come first, then the payload).
    case build(Int)
    /// The mark of a mark join.
    case mark
}
