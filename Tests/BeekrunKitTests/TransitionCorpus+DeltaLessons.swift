/// Pairs learnt from the failures pg-delta's corpus (supabase/pg-toolbelt, `packages/pg-delta`)
/// showed us, written in our own words.
extension TransitionCorpus {
    static let deltaLessons: [Transition] = [
        // The policy reads a view of its own table: the table's drop would wait for the view's,
        // and the view's for the table's.
        Transition("table whose policy reads a view of that table: all go",
                   "CREATE TABLE public.members (id int PRIMARY KEY, banned boolean NOT NULL DEFAULT false); CREATE VIEW public.allowed_members AS SELECT id FROM public.members WHERE NOT banned; ALTER TABLE public.members ENABLE ROW LEVEL SECURITY; CREATE POLICY see_allowed ON public.members FOR SELECT USING (id IN (SELECT id FROM public.allowed_members));",
                   ""),
        // The same through a function whose SQL-standard body pg_depend links to the table.
        Transition("table whose policy calls a function reading that table: all go",
                   "CREATE TABLE public.rooms (id int, open boolean); CREATE FUNCTION public.room_is_open(r int) RETURNS boolean LANGUAGE sql STABLE BEGIN ATOMIC SELECT coalesce((SELECT open FROM public.rooms WHERE id = r), false); END; ALTER TABLE public.rooms ENABLE ROW LEVEL SECURITY; CREATE POLICY open_rooms ON public.rooms USING (public.room_is_open(id));",
                   "CREATE TABLE public.kept (id int);"),
    ]
}
