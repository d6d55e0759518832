/// The order materialized views are filled in (`REFRESH MATERIALIZED VIEW` after the rows are in).
///
/// pg_depend orders them only as far as it sees: a routine's body is a string, so a matview
/// whose query calls a routine that reads another matview shows no edge to that one, and
/// filling it first fails (`materialized view … has not been populated`). The matviews whose
/// query calls no routine, directly or through views, read only relations pg_depend names: they
/// are filled first (in dependency order), then those that call routines.
extension DDLGenerator {
    func refreshOrder(_ views: [ViewInfo]) -> [ViewInfo] {
        views.filter { !callsRoutine($0.ref) } + views.filter { callsRoutine($0.ref) }
    }

    /// Whether the object `ref` depends on a routine, directly or through what it depends on.
    func callsRoutine(_ ref: ObjectRef) -> Bool {
        var seen: Set<ObjectRef> = [ref], queue = [ref]
        while let next = queue.popLast() {
            for d in model.dependencies[next] ?? [] where seen.insert(d).inserted {
                if d.classid == CatalogClass.pgProc { return true }
                queue.append(d)
            }
        }
        return false
    }
}
