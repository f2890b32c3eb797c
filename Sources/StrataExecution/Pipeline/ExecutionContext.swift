import StrataCore

/// What every operator of one query shares: the options, the memory pool its reservations come from and the
/// spill manager its runs go to.
package final class ExecutionContext: Sendable {
    /// How the query runs.
    package let options: ExecutionOptions
    /// The operators' memory budget.
    package let pool: MemoryPool
    /// The query's spill directory.
    package let spill: SpillManager

    /// A context for a query run with `options`; `pool` and `spill` default to fresh ones sized by the options.
    package init(options: ExecutionOptions, pool: MemoryPool? = nil, spill: SpillManager? = nil) {
        self.options = options
        self.pool = pool ?? MemoryPool(limit: options.poolLimit)
        self.spill = spill ?? SpillManager(directory: options.spillDirectory, maxBytes: options.maxSpillBytes)
    }

    /// Worker threads; per-worker operator state has this many slots.
    package var threads: Int { options.threads }
}
