import Dispatch
import Foundation
import StrataCore
import Synchronization

/// Runs one pass over the input: a reader thread cuts chunks, worker threads parse them, and the caller takes the
/// parsed chunks back in input order.
///
/// Algorithm:
/// 1. The reader thread waits for a free slot (at most `maxInFlight` chunks exist at once: backpressure bounds
///    memory), cuts the next chunk (``ChunkReader``) and queues it for the workers.
/// 2. `threads` workers take chunks from the queue, parse them (``ChunkParser``) and deposit the results by index.
/// 3. `next()` returns the result with the next index, waiting for it; taking it frees a slot for the reader.
/// 4. `finish()` (always called, also on errors) stops the reader and the workers and waits for them, so nothing
///    touches the input after the pass ends.
final class ParsePipeline: @unchecked Sendable {
    // Safety: `reader` is used only by the reader thread between `start()` and `finish()`; the shared state below is
    // behind mutexes, semaphores and atomics.

    /// What `next()` returns.
    enum Outcome {
        case chunk(ParsedChunk)
        case failure(any Error)
        case end
    }

    private let reader: ChunkReader
    private let input: CSVInput
    private let plan: CSVParsePlan
    private let threads: Int
    private let maxInFlight: Int

    private let queue = Mutex<[CSVChunk?]>([])
    private let queued = DispatchSemaphore(value: 0)
    private let results = Mutex<[Int: Outcome]>([:])
    private let ready = DispatchSemaphore(value: 0)
    private let slots: DispatchSemaphore
    private let stopped = Atomic<Bool>(false)
    private let inferOnly = Atomic<Bool>(false)
    private let bytesRead = Atomic<Int64>(0)
    private let group = DispatchGroup()
    private var nextIndex = 0
    private var finished = false

    init(reader: ChunkReader, input: CSVInput, plan: CSVParsePlan, threads: Int, maxInFlight: Int) {
        self.reader = reader
        self.input = input
        self.plan = plan
        self.threads = max(1, threads)
        self.maxInFlight = max(2, maxInFlight)
        slots = DispatchSemaphore(value: self.maxInFlight)
    }

    /// Input bytes (as stored) read so far.
    var inputBytesRead: Int64 { bytesRead.load(ordering: .relaxed) }

    /// From now on, chunks are only classified (a widening was found; the batches are not needed).
    func switchToInference() { inferOnly.store(true, ordering: .relaxed) }

    /// Starts the reader and the workers; throws when the system refuses a thread (`finish()` then stops the ones
    /// that started).
    func start() throws(StrataError) {
        func launch(_ body: @escaping @Sendable () -> Void) throws(StrataError) {
            group.enter()
            do {
                try WorkerThread.spawn { [group] in
                    defer { group.leave() }
                    body()
                }
            } catch {
                group.leave()
                throw error
            }
        }
        for _ in 0..<threads { try launch { [self] in work() } }
        try launch { [self] in read() }
    }

    /// The next parsed chunk in input order, `.end` after the last, or the failure that stopped the reader.
    func next() -> Outcome {
        while true {
            let outcome = results.withLock { $0.removeValue(forKey: nextIndex) }
            if let outcome {
                if case .chunk = outcome {
                    nextIndex += 1
                    slots.signal()
                }
                return outcome
            }
            ready.wait()
        }
    }

    /// Stops everything and waits for the threads to exit.
    func finish() {
        guard !finished else { return }
        finished = true
        stopped.store(true, ordering: .relaxed)
        for _ in 0...maxInFlight { slots.signal() }
        queue.withLock { $0.append(contentsOf: [CSVChunk?](repeating: nil, count: threads)) }
        for _ in 0..<threads { queued.signal() }
        group.wait()
    }

    private func read() {
        var index = 0
        while true {
            slots.wait()
            if stopped.load(ordering: .relaxed) { break }
            do {
                guard let chunk = try reader.next() else {
                    deposit(index, .end)
                    break
                }
                bytesRead.store(input.bytesRead, ordering: .relaxed)
                queue.withLock { $0.append(chunk) }
                queued.signal()
                index += 1
            } catch {
                deposit(index, .failure(error))
                break
            }
        }
        // Let the workers go once the queue drains.
        queue.withLock { $0.append(contentsOf: [CSVChunk?](repeating: nil, count: threads)) }
        for _ in 0..<threads { queued.signal() }
    }

    private func work() {
        while true {
            queued.wait()
            let item: CSVChunk?? = queue.withLock { $0.isEmpty ? nil : .some($0.removeFirst()) }
            // An empty queue or a nil entry means: stop.
            guard case let .some(.some(chunk)) = item else { return }
            if stopped.load(ordering: .relaxed) { continue }
            let parser = ChunkParser(plan: plan, inferOnly: inferOnly.load(ordering: .relaxed))
            do {
                deposit(chunk.index, .chunk(try parser.parse(chunk)))
            } catch {
                deposit(chunk.index, .failure(error))
            }
        }
    }

    private func deposit(_ index: Int, _ outcome: Outcome) {
        results.withLock { $0[index] = outcome }
        ready.signal()
    }
}
