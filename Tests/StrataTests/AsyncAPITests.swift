import Foundation
import Strata
import Testing

/// The embedding API as Swift users expect it: async sequences of batches and rows that stop with their task,
/// `Decodable` records, literal arguments, and queries that run as the database is configured.
@Suite struct AsyncAPITests {
    struct Trip: Decodable, Equatable {
        let tripID: Int64
        let vendor: String?
        let pickup: Date
        let passengers: Int
        let fare: Double
        let paidByCard: Bool

        enum CodingKeys: String, CodingKey {
            case tripID = "trip_id", vendor, pickup, passengers, fare, paidByCard = "paid_by_card"
        }
    }

    @Test func rowsAndBatchesAreAwaitedAsSequences() async throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        var rows = 0
        var fares = 0.0
        for try await row in db.rows("SELECT trip_id, fare FROM trips WHERE passengers >= ?", [2]) {
            #expect(row.columnNames == ["trip_id", "fare"])
            rows += 1
            fares += row["fare"] ?? 0
        }
        let expected = try #require(try db.fetchOne("SELECT count(*) AS n, sum(fare) AS s FROM trips "
                                                    + "WHERE passengers >= 2"))
        #expect(rows == expected["n"] ?? -1)
        #expect(abs(fares - (expected["s"] ?? 0)) < 1e-6)
        var batched = 0
        for try await batch in db.batches("SELECT * FROM trips") { batched += batch.count }
        #expect(batched == 20_000)
        // The same through the DataFrame API, within the database's configuration.
        var grouped = 0
        for try await batch in db.table("trips").groupBy("vendor").aggregate(.countStar(as: "n")).batches() {
            grouped += batch.count
        }
        let vendors: Int? = try db.fetchOne("SELECT count(DISTINCT vendor) + 1 AS n FROM trips")?["n"]
        #expect(grouped == vendors, "one group per vendor and one for NULL")
    }

    @Test func cancellingTheTaskStopsTheQuery() async throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        // 20,000³ rows: it runs until cancelled.
        let task = Task {
            var seen = 0
            for try await batch in db.batches("SELECT count(*) FROM trips a, trips b, trips c") { seen += batch.count }
            return seen
        }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("the query finished instead of stopping")
        } catch let error as StrataError {
            #expect(error.code == .cancelled, "\(error)")
        } catch is CancellationError {
            // Cancelled before the statement started: also fine.
        }
        #expect(ContinuousClock.now - start < .seconds(10), "the query stopped promptly")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        #expect(!left.contains { $0.hasPrefix("strata-spill-") }, "spill folders left: \(left)")
    }

    @Test func rowsDecodeAsRecords() async throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let sql = "SELECT trip_id, vendor, pickup, passengers, fare, paid_by_card FROM trips WHERE fare > ? "
            + "ORDER BY trip_id LIMIT 3"
        let trips = try db.fetchAll(Trip.self, sql, [20.0])
        #expect(trips.count == 3)
        let rows = try db.fetchAll(sql, [20.0])
        for (trip, row) in zip(trips, rows) {
            #expect(trip.tripID == row["trip_id"] && trip.fare == row["fare"] && trip.vendor == row["vendor"])
            #expect(trip.pickup == row["pickup"] && trip.fare > 20)
        }
        var streamed: [Trip] = []
        for try await trip in db.rows(sql, [20.0]).decoded(as: Trip.self) { streamed.append(trip) }
        #expect(streamed == trips)
        #expect(try db.fetchOne(Trip.self, sql, [1e9]) == nil)

        // Optionals take NULL; anything else names the column.
        struct Maybe: Decodable { let vendor: String? }
        #expect(try db.fetchOne(Maybe.self, "SELECT NULL::VARCHAR AS vendor")?.vendor == nil)
        struct Strict: Decodable { let vendor: String }
        #expect(throws: StrataError.self) { try db.fetchOne(Strict.self, "SELECT NULL::VARCHAR AS vendor") }
        struct Missing: Decodable { let nope: Int }
        do {
            _ = try db.fetchOne(Missing.self, "SELECT 1 AS n")
            Issue.record("decoded a missing column")
        } catch let error as StrataError {
            #expect(error.description.contains("no column \"nope\""), "\(error)")
        }
        struct Small: Decodable { let n: Int8 }
        #expect(throws: StrataError.self) { try db.fetchOne(Small.self, "SELECT 300 AS n") }
        struct Money: Decodable { let price: Decimal; let cents: Int; let raw: Data }
        let money = try #require(try db.fetchOne(Money.self, "SELECT 12.34::DECIMAL(10,2) AS price, "
                                                    + "1234::DECIMAL(10,0) AS cents, '\\x41\\x42'::BLOB AS raw"))
        #expect(money.price == Decimal(string: "12.34") && money.cents == 1234 && money.raw == Data([0x41, 0x42]))
        enum Vendor: String, Decodable { case nightOwl = "Night Owl Cars", other }
        struct Tagged: Decodable { let vendor: Vendor }
        #expect(try db.fetchOne(Tagged.self, "SELECT 'Night Owl Cars' AS vendor")?.vendor == .nightOwl)
    }

    @Test func literalsAreArguments() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory)
        let literal = try db.fetchOne("SELECT count(*) AS n FROM trips WHERE passengers = ? AND fare > ? "
                                      + "AND paid_by_card = ? AND vendor <> ?", [1, 10.5, true, "Über Black"])
        let typed = try db.fetchOne("SELECT count(*) AS n FROM trips WHERE passengers = ? AND fare > ? "
                                    + "AND paid_by_card = ? AND vendor <> ?",
                                    [.int32(1), .double(10.5), .bool(true), .string("Über Black")])
        #expect(literal == typed && (literal?["n"] ?? 0) > 0)
        let values: [Value] = [500, "web", 2.5, false, .null]
        #expect(values == [.int64(500), .string("web"), .double(2.5), .bool(false), .null])
    }

    @Test func queriesRunAsTheDatabaseIsConfigured() throws {
        let directory = try TempDirectory()
        let db = try SQLAPITests.tripsDatabase(directory, memoryLimit: 48 << 20)
        let result = try db.table("trips").groupBy("vendor").aggregate(.countStar(as: "n")).collect()
        #expect(result.statistics.memoryLimit == 48 << 20, "the configuration's limit, not the default")
        let override = try db.table("trips").aggregate(.countStar(as: "n"))
            .collect(options: ExecutionOptions(memoryLimit: 64 << 20))
        #expect(override.statistics.memoryLimit == 64 << 20)
    }
}
