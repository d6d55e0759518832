/// Partition transitions learned from stripe/pg-schema-diff's acceptance cases, in our own words:
/// each stands for an outside case that failed before, for the cause named above it.
extension TransitionCorpus {
    static let meters = "CREATE TABLE public.meters (at date NOT NULL, kwh int) PARTITION BY RANGE (at);"
    static let meters2024 = " CREATE TABLE public.meters_2024 PARTITION OF public.meters FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
    static let shelves = "CREATE TABLE public.shelves (aisle text, slot int, label text) PARTITION BY LIST (aisle);"
    static let shelvesA = " CREATE TABLE public.shelves_a PARTITION OF public.shelves FOR VALUES IN ('a');"
    static let visits = "CREATE TABLE public.visits (site text, day date, hits int, UNIQUE (site, day)) PARTITION BY LIST (site);"

    static let partitionLessons: [Transition] = [
        // A partition made after its parent's NOT VALID check holds its copy validated (pg_dump
        // shows it on the partition); adding the check to the parent leaves every copy not valid.
        Transition("partition holds its copy of a NOT VALID parent check validated",
                   meters + meters2024,
                   meters + " ALTER TABLE public.meters ADD CONSTRAINT kwh_sane CHECK (kwh >= 0) NOT VALID;" + meters2024),
        // No ALTER makes a validated copy not valid again: the parent's check is made again.
        Transition("partition's copy of a NOT VALID parent check validated or not",
                   meters + meters2024 + " ALTER TABLE public.meters ADD CONSTRAINT kwh_sane CHECK (kwh >= 0) NOT VALID;",
                   meters + " ALTER TABLE public.meters ADD CONSTRAINT kwh_sane CHECK (kwh >= 0) NOT VALID;" + meters2024),
        // A new partition whose own key backs the parent's plain unique index: PARTITION OF
        // gives it an index for that one at once, so the key is made over that index.
        Transition("new partition's own primary key backs the parent's unique index",
                   shelves + " CREATE UNIQUE INDEX shelves_place ON public.shelves (aisle, slot);",
                   shelves + " CREATE TABLE public.shelves_a PARTITION OF public.shelves (PRIMARY KEY (aisle, slot)) FOR VALUES IN ('a');"
                    + " CREATE UNIQUE INDEX shelves_place ON public.shelves (aisle, slot);"),
        Transition("new partition's own unique constraint backs the parent's unique index",
                   shelves + shelvesA + " CREATE UNIQUE INDEX shelves_place ON public.shelves (aisle, slot);",
                   shelves + shelvesA + " CREATE TABLE public.shelves_b PARTITION OF public.shelves (CONSTRAINT \"Shelf B place\" UNIQUE (aisle, slot)) FOR VALUES IN ('b');"
                    + " CREATE UNIQUE INDEX shelves_place ON public.shelves (aisle, slot);"),
        // Tables turned partitioned are re-created; the serial sequence of the old child goes
        // with its old copy, not before it.
        Transition("table with its own serial becomes a partition of a re-created parent",
                   "CREATE TABLE public.jobs (id serial, kind text); CREATE TABLE public.jobs_mail (id serial, kind text);",
                   "CREATE TABLE public.jobs (id serial, kind text) PARTITION BY LIST (kind); CREATE TABLE public.jobs_mail PARTITION OF public.jobs FOR VALUES IN ('mail');"),
        // DETACH leaves the partition its copy of the parent's unique key, as its own.
        Transition("detached partition keeps its copy of the parent's unique key",
                   visits + " CREATE TABLE public.visits_home PARTITION OF public.visits FOR VALUES IN ('home');",
                   visits + " CREATE TABLE public.visits_home (site text, day date, hits int, CONSTRAINT visits_home_site_day_key UNIQUE (site, day));"),
        Transition("detached partition loses its copy of the parent's unique key",
                   visits + " CREATE TABLE public.visits_home PARTITION OF public.visits FOR VALUES IN ('home');",
                   visits + " CREATE TABLE public.visits_home (site text, day date, hits int);"),
        // A partition moved to a new parent gets the new parent's keys and indexes once they exist.
        Transition("partition moves to a new parent with a unique key and an index",
                   "CREATE TABLE public.events (kind text, id int, UNIQUE (kind, id)) PARTITION BY LIST (kind); CREATE INDEX events_id ON public.events (id);"
                    + " CREATE TABLE public.events_click PARTITION OF public.events FOR VALUES IN ('click');",
                   "CREATE TABLE public.hits (kind text, id int, UNIQUE (kind, id)) PARTITION BY LIST (kind); CREATE INDEX hits_id ON public.hits (id);"
                    + " CREATE TABLE public.events_click PARTITION OF public.hits FOR VALUES IN ('click');"),
        Transition("partition moves to a new parent whose key a new foreign key references",
                   "CREATE TABLE public.events (kind text, id int, UNIQUE (kind, id)) PARTITION BY LIST (kind);"
                    + " CREATE TABLE public.events_click PARTITION OF public.events FOR VALUES IN ('click');",
                   "CREATE TABLE public.hits (kind text, id int, UNIQUE (kind, id)) PARTITION BY LIST (kind);"
                    + " CREATE TABLE public.events_click PARTITION OF public.hits FOR VALUES IN ('click');"
                    + " CREATE TABLE public.hit_notes (kind text, id int, note text, FOREIGN KEY (kind, id) REFERENCES public.hits (kind, id));"),
        // From a kept parent to a new one, with an index of its own named as the copy it had:
        // the kept parent's index is not built again for it (the copy goes once detached).
        Transition("partition moves from a kept parent to a new one, keeping an index by its copy's name",
                   "CREATE TABLE public.events (kind text, id int) PARTITION BY LIST (kind); CREATE INDEX events_id ON public.events (id);"
                    + " CREATE TABLE public.events_click PARTITION OF public.events FOR VALUES IN ('click');",
                   "CREATE TABLE public.events (kind text, id int) PARTITION BY LIST (kind); CREATE INDEX events_id ON public.events (id);"
                    + " CREATE TABLE public.hits (kind text, id int) PARTITION BY LIST (kind);"
                    + " CREATE TABLE public.events_click PARTITION OF public.hits FOR VALUES IN ('click'); CREATE INDEX events_click_id_idx ON public.events_click (id);"),
    ]
}
