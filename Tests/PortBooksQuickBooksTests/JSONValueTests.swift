import Foundation
import PortBooksCore
import PortBooksJSON
import PortBooksRandom
import Testing

@testable import PortBooksQuickBooks

@Suite struct JSONValueTests {
    @Test func moneyRoundTripsExactly() throws {
        let text =
            #"{"Amount":337.50,"Big":99999999999.99,"Tiny":0.1,"Name":"A&B","Ok":true,"None":null,"List":[1,"2"]}"#
        let value = try JSONValue.decode(Data(text.utf8))
        #expect(value["Amount"]?.decimalValue == Decimal(string: "337.50"))
        #expect(value["Big"]?.decimalValue == Decimal(string: "99999999999.99"))
        #expect(value["Tiny"]?.decimalValue == Decimal(string: "0.1"))
        #expect(value["Ok"]?.boolValue == true)
        #expect(value["None"] == .null)
        #expect(value["List"]?[1]?.stringValue == "2")
        let again = try JSONValue.decode(value.encoded())
        #expect(again == value)
        let encoded = String(decoding: value.encoded(), as: UTF8.self)
        #expect(encoded.contains("99999999999.99"))
        #expect(encoded.contains("0.1"))
        #expect(!encoded.contains("0.10000"))
    }

    /// Numbers are read from their digits when they are money-shaped and by Foundation
    /// otherwise: either way the value, and its text, are what `Decimal(string:)` gives.
    @Test func numbersReadAsFoundationReadsThem() throws {
        let posix = Locale(identifier: "en_US_POSIX")
        var literals = [
            "0", "-0", "0.00", "-0.00", "7", "007", "-12.5", "337.50", "99999999999.99", "1234567890123.123456",
            "12345678901234.5", "1.1234567", "123456789012345678901234", "1e3", "1.5E-2", "-2.5e+2", "0.000001",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        for _ in 0..<2_000 {
            var text = next(3) == 0 ? "-" : ""
            text += String(next(9) + 1)
            for _ in 0..<next(16) { text += String(next(10)) }
            let fraction = next(9)
            if fraction > 0 {
                text += "."
                for _ in 0..<fraction { text += String(next(10)) }
            }
            if next(10) == 0 { text += "e" + String(Int(next(7)) - 3) }
            literals.append(text)
        }
        for text in literals {
            let parsed = try JSONValue.decode(Data("[\(text)]".utf8))[0]?.decimalValue
            let expected = try #require(Decimal(string: text, locale: posix))
            #expect(parsed == expected, "\(text)")
            #expect(parsed?.description == expected.description, "\(text)")
        }
    }

    @Test func encodingIsCanonical() throws {
        let first: JSONValue = ["b": 1, "a": ["y": true, "x": "s"]]
        let second: JSONValue = ["a": ["x": "s", "y": true], "b": 1]
        #expect(try first.encoded() == second.encoded())
    }

    /// The direct serialiser writes exactly JSONEncoder's bytes (sorted keys, slashes as they
    /// are), so requestids derived from payloads stayed the same when it replaced JSONEncoder.
    @Test func serialiserWritesJSONEncodersBytes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = SplitMix64(state: 7)
        let alphabet = Array("aZ09 /\\\"\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}éß€😀_-:.&<>'")
        func text() -> String {
            String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        func value(depth: Int) -> JSONValue {
            switch random.next() % (depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2:
                let cents = Int64(bitPattern: random.next() % 20_000_000_000) - 10_000_000_000
                return .number(Decimal(cents) / 100)
            case 3: return .string(text())
            case 4: return .array((0..<Int(random.next() % 4)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<Int(random.next() % 5) { members[text()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
        for _ in 0..<500 {
            let sample = value(depth: 0)
            #expect(try sample.encoded() == encoder.encode(sample))
        }
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256Digest.hexDigest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hexDigest("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256Digest.hexDigest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func requestIDsAreStableShortAndDistinct() {
        let first = RequestID.derive(kind: "invoice", portproID: "6501", contentHash: "abc", generation: 0)
        let again = RequestID.derive(kind: "invoice", portproID: "6501", contentHash: "abc", generation: 0)
        let nextGeneration = RequestID.derive(kind: "invoice", portproID: "6501", contentHash: "abc", generation: 1)
        let otherContent = RequestID.derive(kind: "invoice", portproID: "6501", contentHash: "abd", generation: 0)
        #expect(first == again)
        #expect(first != nextGeneration)
        #expect(first != otherContent)
        #expect(first.value.count == 32)
        #expect(
            RequestID.derive(kind: "k", portproID: "p", contentHash: "h", generation: 0, length: 99).value.count == 50)
        #expect(RequestID(String(repeating: "a", count: 51)) == nil)
        #expect(RequestID("has space") == nil)
        #expect(first.derived(salt: "synctoken:3") == first.derived(salt: "synctoken:3"))
        #expect(first.derived(salt: "synctoken:3") != first)
    }
}
