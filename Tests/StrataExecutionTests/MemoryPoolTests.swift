#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import StrataExecution
import StrataCore

@Suite struct MemoryPoolTests {
    #if os(Linux)
    /// The allocator settings the memory contract relies on really reach glibc (they once compiled to nothing).
    /// Under AddressSanitizer, whose allocator replaces glibc's, there is nothing to tune.
    @Test(.disabled(if: dlsym(nil, "__asan_init") != nil, "AddressSanitizer replaces the C allocator"))
    func theAllocatorIsTuned() {
        #expect(AllocatorTuning.apply(memoryLimit: 256 << 20))
    }
    #endif

    /// The allocator's mmap threshold is a 256th of the memory limit, between 1 MiB and 32 MiB.
    @Test func theMmapThresholdScalesWithTheLimit() {
        #expect(AllocatorTuning.mmapThreshold(memoryLimit: 64 << 20) == 1 << 20)
        #expect(AllocatorTuning.mmapThreshold(memoryLimit: 1 << 30) == 4 << 20)
        #expect(AllocatorTuning.mmapThreshold(memoryLimit: 64 << 30) == 32 << 20)
    }

    /// A reservation tracks its bytes in the holding operator's metrics, whose peak survives the release.
    @Test func reservationsReportToTheirOperator() {
        let pool = MemoryPool(limit: 1000)
        let metrics = OperatorMetrics()
        let a = pool.reservation(for: "a", metrics: metrics)
        let b = pool.reservation(for: "b", metrics: metrics)
        #expect(a.tryGrow(by: 300) && b.tryGrow(by: 200))
        a.shrink(to: 100)
        b.forceGrow(by: 50)
        #expect(metrics.peakReservedBytes == 500)
        a.release()
        b.release()
        #expect(metrics.peakReservedBytes == 500)
        #expect(pool.reserved == 0)
    }

    @Test func reservationsGrowUpToTheLimitAndReturnTheirBytes() throws {
        let pool = MemoryPool(limit: 1000)
        let a = pool.reservation(for: "a")
        #expect(a.tryGrow(by: 600))
        #expect(!a.tryGrow(by: 500))
        #expect(pool.reserved == 600)
        let b = pool.reservation(for: "b")
        #expect(b.resize(to: 400))
        #expect(pool.available == 0)
        a.shrink(to: 100)
        #expect(pool.reserved == 500)
        #expect(pool.peak == 1000)
        b.release()
        #expect(pool.reserved == 100)
    }

    @Test func refusedGrowthNamesTheConsumerAndTheLimit() {
        let pool = MemoryPool(limit: 1 << 20)
        let r = pool.reservation(for: "hash aggregate")
        #expect(throws: StrataError.self) { try r.grow(by: 2 << 20) }
        do {
            try r.grow(by: 2 << 20)
        } catch {
            #expect(error.code == .outOfMemory)
            #expect(error.message.contains("hash aggregate"))
            #expect(error.message.contains("memory limit is 1.0 MiB") || error.message.contains("memory limit is"))
        }
    }

    @Test func deallocatedReservationsGiveTheirBytesBack() {
        let pool = MemoryPool(limit: 100)
        do {
            let r = pool.reservation(for: "x")
            r.forceGrow(by: 150)
            #expect(pool.reserved == 150)
            #expect(!pool.tryReserve(1))
        }
        #expect(pool.reserved == 0)
    }
}
