import BeekrunKit
import Foundation
import Testing

/// The editor definition file is generated from the registry and shipped in runbooks/.
@Suite("API stubs")
struct APIStubsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("runbooks/beekrun.meta.lua is exactly what `beekrun --api` generates (regenerate it if this fails)")
    func shippedFileIsCurrent() throws {
        let shipped = try String(contentsOf: Self.repository.appendingPathComponent("runbooks/beekrun.meta.lua"), encoding: .utf8)
        #expect(shipped == APIStubs.render(), "run: .build/debug/beekrun --api > runbooks/beekrun.meta.lua")
    }

    @Test("every primitive appears with every option key")
    func everyPrimitive() {
        let text = APIStubs.render()
        for primitive in PrimitiveRegistry.all {
            #expect(text.contains("function \(primitive.name)("), "\(primitive.name) missing")
            for option in primitive.options {
                #expect(text.contains("\(option.key)\(option.required ? "" : "?"): \(option.type)"))
            }
        }
    }

    @Test("every returned class is defined")
    func returnTypesDefined() {
        let builtin: Set<String> = ["string", "integer", "number", "boolean", "true", "table", "table[]", "any", "string[]"]
        let classes = Set(APIStubs.classes.map(\.name))
        for primitive in PrimitiveRegistry.all {
            guard let returns = primitive.returns?.replacingOccurrences(of: "?", with: "") else { continue }
            let element = returns.hasSuffix("[]") ? String(returns.dropLast(2)) : returns
            #expect(builtin.contains(returns) || classes.contains(element), "\(primitive.name) returns undefined \(returns)")
        }
    }

    @Test("primitive names are unique")
    func uniqueNames() {
        let names = PrimitiveRegistry.all.map(\.name)
        #expect(Set(names).count == names.count)
    }
}
