"""THE table of the access matrix: what every operation answers to every kind of caller, for an object of the
caller's own unit, of another county, and of the own unit's child zone.

The callers are county staff of 汉滨区 (unit-admin, reporter, liaison, reviewer), the office, a convener, a
leader assigned (包抓) to the own unit's project, a service account with `projects:read progress:read`, and three
callers without a valid token (none, expired, signed by a foreign key). Objects: `own` = 汉滨区's, `other` =
宁陕县's, `child` = 恒口示范区's (a zone whose parent is 汉滨区); `-` = the operation names no unit's object.

Codes: A allow (anything but 401/403/404), D deny (403), H hidden (404: another unit's object answers like a
missing id), U unauthenticated (401), R refused (403 or 404: a role check may come before the object is loaded;
either leaks nothing). One code applies to every object; three codes are (own, other, child).
Callers without a valid token get U on every rule but `public`.
"""

from __future__ import annotations

from integration.access.principals import SIGNED_IN, UNSIGNED

CODES = {
    "A": frozenset({"allow"}),
    "D": frozenset({"deny"}),
    "H": frozenset({"hidden"}),
    "U": frozenset({"unauth"}),
    "R": frozenset({"deny", "hidden"}),
    "T": frozenset({"allow", "unauth"}),  # a credential in the body decides, not the bearer token
}
OBJECTS = ("own", "other", "child")

#: rule -> codes of (office, unit-admin, reporter, liaison, reviewer, leader, convener, service).
#: Where a caller's roles qualify for the action on some unit's object, another unit's object must be H (404);
#: where the caller may never do it, R (a role check first, 403, or the object hidden, 404: neither leaks).
RULES: dict[str, tuple[str, str, str, str, str, str, str, str]] = {
    # no token needed
    "public": ("A", "A", "A", "A", "A", "A", "A", "A"),
    "sign-in": ("T", "T", "T", "T", "T", "T", "T", "T"),
    # every signed-in person; a service account only through a scope
    "any-person": ("A", "A", "A", "A", "A", "A", "A", "D"),
    "reference": ("A", "A", "A", "A", "A", "A", "A", "A"),  # a read scope grants it (e.g. units)
    "list": ("A", "A", "A", "A", "A", "A", "A", "D"),  # filtered in SQL
    "list-scoped": ("A", "A", "A", "A", "A", "A", "A", "A"),  # filtered in SQL; granted by a read scope
    # the office (and admin) only
    "office-only": ("A", "R", "R", "R", "R", "R", "R", "D"),
    "office-read": ("A", "D", "D", "D", "D", "D", "A", "D"),  # the office and conveners
    # the office, conveners and a service account through a read scope (the year's plan in bulk)
    "office-read-scoped": ("A", "D", "D", "D", "D", "D", "A", "A"),
    # the change feed: the office and service accounts holding `events:read` (the matrix's has not)
    "change-feed": ("A", "D", "D", "D", "D", "D", "D", "D"),
    # an object of a unit (projects, their reports, recognitions, obstacles)
    # (a county's unit-admin reads its county's and zones' projects: it runs their joint meetings)
    "unit-read": ("A", "AHA", "AHH", "AHH", "AHA", "AHH", "A", "D"),
    "unit-read-scoped": ("A", "AHA", "AHH", "AHH", "AHA", "AHH", "A", "A"),
    "unit-write": ("A", "RRR", "AHH", "DRR", "DRD", "DRR", "D", "D"),
    "unit-import": ("A", "R", "A", "D", "D", "D", "D", "D"),  # the file names the units
    "unit-create": ("A", "R", "ARR", "R", "R", "R", "R", "D"),  # the owner is named in the body
    "unit-pass": ("D", "RRR", "DRR", "DRR", "AHA", "DRR", "D", "D"),  # the reviewer's first check
    "unit-review": ("A", "RRR", "DRR", "DRR", "AHA", "DRR", "D", "D"),
    "office-act": ("A", "R", "DRR", "DRR", "DRD", "DRR", "D", "D"),  # the office acts on a visible object
    # a unit's figures (scoring): the unit, the units above it, the office and conveners
    "unit-figures": ("A", "ARA", "ARR", "ARR", "ARA", "R", "A", "D"),
    # accounts: the office, and a unit-admin for its unit and the units under it
    "account-admin": ("A", "AHA", "R", "R", "R", "R", "R", "D"),
    "account-create": ("A", "ARA", "R", "R", "R", "R", "R", "D"),
    "account-list": ("A", "A", "D", "D", "D", "D", "D", "D"),  # a unit-admin: its units' accounts only
    # a unit's own settings (notification preferences): the unit reads, its unit-admin writes
    # (a unit is public reference data: for another unit a 403 leaks nothing, so R)
    "unit-settings-read": ("A", "ARA", "ARR", "ARR", "ARR", "R", "R", "D"),
    "unit-settings-write": ("A", "ARA", "DRR", "ARR", "DRR", "R", "R", "D"),  # the liaison, the unit-admin
    "unit-self-write": ("A", "ARR", "ARR", "ARR", "ARR", "R", "R", "D"),  # the office; a unit its contacts
    # a person of a unit (a contact, in the notifier's directory): the office or the person themself
    "person-channels": ("A", "DRR", "DRR", "DRR", "DRR", "R", "R", "D"),
    # joint meetings: a county's or zone's meeting is seen by its own units and the office; the county's
    # unit-admin runs the meetings of the county and of the zones under it
    "meeting-read": ("A", "AHA", "AHH", "AHH", "AHH", "R", "A", "D"),
    "agenda-read": ("A", "AHA", "DHH", "DHH", "DHH", "R", "A", "D"),  # members once circulated (not yet here)
    "meeting-run": ("A", "AHA", "DRR", "DRR", "DRR", "R", "D", "D"),  # run by the county's unit-admin
    "meeting-office-read": ("A", "AHA", "DRR", "DRR", "DRR", "R", "A", "D"),  # who runs or convenes it
    "meeting-convene": ("R", "DRD", "DRR", "DRR", "DRR", "R", "A", "D"),  # the convener's approval
    "meeting-create": ("A", "ARA", "R", "R", "R", "R", "R", "D"),
    "topic-submit": ("R", "AHD", "AHR", "AHR", "DRR", "R", "R", "D"),  # a member unit's staff
    "topic-read": ("A", "AHA", "AHH", "AHH", "AHH", "R", "A", "D"),
    "topic-edit": ("A", "AHA", "AHR", "AHR", "DRR", "R", "R", "D"),  # the submitting unit, before cut-off
    "resolution-read": ("A", "AHA", "AHH", "AHH", "AHH", "R", "A", "D"),
    "resolution-answer": ("D", "AHD", "AHR", "AHR", "DRR", "R", "R", "D"),  # the lead unit's staff
}

#: operations whose answer in the matrix's world is a 404 for everyone allowed (nothing published yet):
#: for these a 404 to an allowed caller counts as allowed
NOT_THERE_YET: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/meetings/{meeting_id}/minutes"): "no minutes are published",
    (
        "POST",
        "/api/v1/concentrated-starts",
    ): "the body names no object of a unit, so its project id is made up",
}

#: every operation of the four services -> its rule
OPERATIONS: dict[tuple[str, str], str] = {
    # --- health (every service) ---------------------------------------------------------------------------
    ("GET", "/healthz"): "public",
    ("GET", "/readyz"): "public",
    # --- projects-api: sign-in and sessions -----------------------------------------------------------------
    ("GET", "/.well-known/jwks.json"): "public",
    ("POST", "/api/v1/auth/token"): "sign-in",
    ("POST", "/api/v1/auth/refresh"): "sign-in",
    ("GET", "/api/v1/auth/me"): "reference",  # a service account may ask who it is
    ("POST", "/api/v1/auth/password"): "any-person",
    ("POST", "/api/v1/auth/logout"): "any-person",
    # --- accounts -------------------------------------------------------------------------------------------
    ("POST", "/api/v1/accounts"): "account-create",
    ("GET", "/api/v1/accounts"): "account-list",
    ("GET", "/api/v1/accounts/{account_id}"): "account-admin",
    ("PATCH", "/api/v1/accounts/{account_id}"): "account-admin",
    ("POST", "/api/v1/accounts/{account_id}/password-reset"): "account-admin",
    ("POST", "/api/v1/accounts/import"): "account-list",
    ("GET", "/api/v1/accounts/import-template"): "account-list",
    ("GET", "/api/v1/accounts/export.xlsx"): "account-list",
    ("GET", "/api/v1/accounts/audit"): "account-list",
    ("GET", "/api/v1/accounts/audit.xlsx"): "account-list",
    ("POST", "/api/v1/service-accounts"): "office-only",
    ("GET", "/api/v1/service-accounts"): "office-only",
    ("POST", "/api/v1/service-accounts/{account_id}/secret"): "office-only",
    # --- units and leaders ----------------------------------------------------------------------------------
    ("GET", "/api/v1/units"): "reference",
    ("POST", "/api/v1/units"): "office-only",
    ("GET", "/api/v1/units/{unit_id}"): "reference",
    ("PATCH", "/api/v1/units/{unit_id}"): "unit-self-write",
    ("GET", "/api/v1/leaders"): "any-person",
    ("POST", "/api/v1/leaders"): "office-only",
    ("PUT", "/api/v1/leaders/{leader_id}/account"): "office-only",
    # --- registry -------------------------------------------------------------------------------------------
    ("GET", "/api/v1/projects/import-template"): "reference",
    ("POST", "/api/v1/projects/import"): "unit-import",
    ("POST", "/api/v1/projects"): "unit-create",
    ("GET", "/api/v1/projects"): "list-scoped",
    ("GET", "/api/v1/projects/{project_id}"): "unit-read-scoped",
    ("GET", "/api/v1/projects/by-code/{code}"): "unit-read-scoped",
    ("PATCH", "/api/v1/projects/{project_id}"): "unit-write",
    ("GET", "/api/v1/projects/{project_id}/status-history"): "unit-read-scoped",
    ("POST", "/api/v1/projects/{project_id}/handover"): "unit-write",
    ("GET", "/api/v1/projects/{project_id}/prephase-procedures"): "unit-read-scoped",
    ("PUT", "/api/v1/projects/{project_id}/prephase-procedures/{procedure}"): "unit-write",
    ("POST", "/api/v1/projects/{project_id}/recognitions"): "unit-write",
    ("GET", "/api/v1/projects/{project_id}/recognitions"): "unit-read-scoped",
    ("POST", "/api/v1/projects/{project_id}/recognitions/{recognition_id}/recognise"): "office-act",
    ("POST", "/api/v1/projects/{project_id}/recognitions/{recognition_id}/reject"): "office-act",
    ("GET", "/api/v1/recognitions"): "list",
    # --- monthly progress -----------------------------------------------------------------------------------
    ("GET", "/api/v1/progress-reports/months/{year}/{month}"): "reference",
    ("PUT", "/api/v1/progress-reports/months/{year}/{month}"): "office-only",
    ("POST", "/api/v1/progress-reports/months/{year}/{month}/freeze"): "office-only",
    ("POST", "/api/v1/progress-reports/months/{year}/{month}/reminders"): "office-only",
    ("GET", "/api/v1/progress-reports/months/{year}/{month}/missing"): "list-scoped",
    ("GET", "/api/v1/progress-reports/months/{year}/{month}/figures"): "office-only",
    ("POST", "/api/v1/projects/{project_id}/progress-reports"): "unit-write",
    ("GET", "/api/v1/projects/{project_id}/progress-reports"): "unit-read-scoped",
    ("GET", "/api/v1/progress-reports"): "list-scoped",
    ("GET", "/api/v1/progress-reports/{report_id}"): "unit-read-scoped",
    ("GET", "/api/v1/progress-reports/{report_id}/history"): "unit-read-scoped",
    ("POST", "/api/v1/progress-reports/{report_id}/resubmit"): "unit-write",
    ("POST", "/api/v1/progress-reports/{report_id}/pass"): "unit-pass",
    ("POST", "/api/v1/progress-reports/{report_id}/return"): "unit-review",
    ("POST", "/api/v1/progress-reports/{report_id}/accept"): "office-act",
    ("POST", "/api/v1/progress-reports/{report_id}/amendments"): "office-act",
    # --- push ledger ----------------------------------------------------------------------------------------
    ("POST", "/api/v1/ledger/obstacles"): "unit-write",
    ("GET", "/api/v1/ledger/obstacles"): "list",
    ("GET", "/api/v1/ledger/obstacles/{obstacle_id}"): "unit-read",
    ("PATCH", "/api/v1/ledger/obstacles/{obstacle_id}"): "unit-write",
    ("POST", "/api/v1/ledger/obstacles/{obstacle_id}/actions"): "unit-write",
    ("POST", "/api/v1/ledger/obstacles/{obstacle_id}/escalate"): "unit-write",
    # --- evidence files (projects-api): the owner's read and write rules; no files for service accounts ---------
    ("POST", "/api/v1/projects/{project_id}/recognitions/{recognition_id}/evidence"): "unit-write",
    ("GET", "/api/v1/projects/{project_id}/recognitions/{recognition_id}/evidence"): "unit-read",
    (
        "GET",
        "/api/v1/projects/{project_id}/recognitions/{recognition_id}/evidence/{evidence_id}",
    ): "unit-read",
    ("POST", "/api/v1/progress-reports/{report_id}/evidence"): "unit-write",
    ("GET", "/api/v1/progress-reports/{report_id}/evidence"): "unit-read",
    ("GET", "/api/v1/progress-reports/{report_id}/evidence/{evidence_id}"): "unit-read",
    ("POST", "/api/v1/ledger/obstacles/{obstacle_id}/evidence"): "unit-write",
    ("GET", "/api/v1/ledger/obstacles/{obstacle_id}/evidence"): "unit-read",
    ("GET", "/api/v1/ledger/obstacles/{obstacle_id}/evidence/{evidence_id}"): "unit-read",
    # --- early warning, plans, statistics -------------------------------------------------------------------
    ("GET", "/api/v1/early-warning/thresholds/{year}"): "any-person",
    ("PUT", "/api/v1/early-warning/thresholds/{year}"): "office-only",
    ("POST", "/api/v1/early-warning/{year}/{month}/evaluate"): "office-only",
    ("GET", "/api/v1/early-warning/{year}/projects"): "list",
    ("GET", "/api/v1/early-warning/{year}/rollup"): "office-read",
    ("POST", "/api/v1/plans/{year}/publish"): "office-only",
    ("GET", "/api/v1/plans/{year}/key-projects"): "office-read",
    ("POST", "/api/v1/plans/{year}/removals/{project_id}"): "office-act",
    ("POST", "/api/v1/plans/{year}/entries"): "office-only",
    ("GET", "/api/v1/plans/{year}/entries/candidates"): "office-only",
    ("GET", "/api/v1/plans/{year}/targets"): "list",
    ("POST", "/api/v1/plans/{year}/targets/import"): "office-only",
    ("GET", "/api/v1/plans/{year}/export"): "office-read-scoped",
    # --- exchange by interface: the change feed, the push adapter's dead letters --------------------------------
    ("GET", "/api/v1/changes"): "change-feed",
    ("GET", "/api/v1/push/dead-letters"): "office-only",
    ("POST", "/api/v1/push/dead-letters/{delivery_id}/replay"): "office-only",
    ("GET", "/api/v1/provincial/templates"): "office-only",
    ("POST", "/api/v1/provincial/batches"): "office-only",
    ("GET", "/api/v1/provincial/batches/{batch_id}"): "office-only",
    ("POST", "/api/v1/provincial/batches/{batch_id}/apply"): "office-only",
    ("GET", "/api/v1/provincial/reconciliation/{year}/{month}"): "office-only",
    ("GET", "/api/v1/provincial/export/{year}/{month}"): "office-only",
    ("GET", "/api/v1/statistics/{year}/units"): "list",
    ("GET", "/api/v1/statistics/{year}/leaders"): "list",
    ("GET", "/api/v1/statistics/{year}/city"): "office-read",
    ("GET", "/api/v1/statistics/{year}/monthly"): "office-read",
    ("GET", "/api/v1/statistics/{year}/monthly/{month}"): "office-read",
    ("GET", "/api/v1/statistics/{year}/targets"): "list",
    # a draft: the office and conveners; once published, every unit (test_statistics_as_published)
    ("GET", "/api/v1/statistics/{year}/quarterly/{quarter}"): "office-read",
    ("POST", "/api/v1/statistics/{year}/quarterly/{quarter}/publish"): "office-only",
    ("POST", "/api/v1/concentrated-starts"): "office-only",
    ("GET", "/api/v1/concentrated-starts"): "list",
    ("GET", "/api/v1/concentrated-starts/counts"): "list",
    ("GET", "/api/v1/concentrated-starts/{concentrated_start_id}"): "unit-read",
    (
        "POST",
        "/api/v1/concentrated-starts/{concentrated_start_id}/projects/{project_id}/confirm",
    ): "unit-write",
    (
        "POST",
        "/api/v1/concentrated-starts/{concentrated_start_id}/projects/{project_id}/decline",
    ): "unit-write",
    ("POST", "/api/v1/projects/{project_id}/attraction-stage"): "unit-write",
    ("GET", "/api/v1/attraction/{year}/tally"): "list",
    ("GET", "/api/v1/calendar/{year}"): "any-person",
    # --- meetings-api ---------------------------------------------------------------------------------------
    ("GET", "/api/v1/meetings/member-units"): "any-person",
    ("GET", "/api/v1/meeting-bodies"): "list",
    ("GET", "/api/v1/meeting-bodies/{body_id}"): "meeting-read",
    ("PATCH", "/api/v1/meeting-bodies/{body_id}"): "meeting-run",
    ("GET", "/api/v1/meeting-bodies/{body_id}/members"): "meeting-read",
    ("POST", "/api/v1/meeting-bodies/{body_id}/series"): "meeting-run",
    ("GET", "/api/v1/meetings"): "list",
    ("POST", "/api/v1/meetings"): "meeting-create",
    ("GET", "/api/v1/meetings/{meeting_id}"): "meeting-read",
    ("POST", "/api/v1/meetings/{meeting_id}/reschedule"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/cancel"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/open-topics"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/close-topics"): "meeting-run",
    ("GET", "/api/v1/meetings/{meeting_id}/deadlines"): "meeting-run",
    ("GET", "/api/v1/meetings/{meeting_id}/actions"): "meeting-office-read",
    ("POST", "/api/v1/meetings/{meeting_id}/topics"): "topic-submit",
    ("GET", "/api/v1/meetings/{meeting_id}/topics"): "meeting-read",
    ("PUT", "/api/v1/meetings/{meeting_id}/topic-order"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/late-acceptances"): "meeting-run",
    ("GET", "/api/v1/topics/drafts"): "office-only",
    ("GET", "/api/v1/topics/suggestions"): "office-only",
    ("POST", "/api/v1/topics/suggestions/{suggestion_id}/dismiss"): "office-only",
    ("GET", "/api/v1/topics/{topic_id}"): "topic-read",
    ("PATCH", "/api/v1/topics/{topic_id}"): "topic-edit",
    ("POST", "/api/v1/topics/{topic_id}/reject"): "meeting-run",
    ("POST", "/api/v1/topics/{topic_id}/merge"): "meeting-run",
    ("POST", "/api/v1/topics/{topic_id}/accept"): "meeting-run",
    ("POST", "/api/v1/topics/{topic_id}/withdraw"): "topic-edit",
    ("GET", "/api/v1/meetings/{meeting_id}/agenda"): "agenda-read",
    ("GET", "/api/v1/meetings/{meeting_id}/agenda.docx"): "agenda-read",
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/submit"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/approve"): "meeting-convene",
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/return"): "meeting-convene",
    ("POST", "/api/v1/meetings/{meeting_id}/agenda/circulate"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/hold"): "meeting-run",
    ("PUT", "/api/v1/meetings/{meeting_id}/attendance"): "meeting-run",
    ("GET", "/api/v1/meetings/{meeting_id}/attendance"): "meeting-read",
    ("PUT", "/api/v1/meetings/{meeting_id}/minutes"): "meeting-run",
    ("GET", "/api/v1/meetings/{meeting_id}/minutes"): "meeting-read",
    ("POST", "/api/v1/meetings/{meeting_id}/minutes/publish"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/close"): "meeting-run",
    ("POST", "/api/v1/meetings/{meeting_id}/resolutions"): "meeting-run",
    ("GET", "/api/v1/meetings/{meeting_id}/resolutions"): "meeting-read",
    ("GET", "/api/v1/meetings/{meeting_id}/follow-up-report"): "meeting-office-read",
    ("GET", "/api/v1/resolutions"): "list",
    ("GET", "/api/v1/resolutions/{resolution_id}"): "resolution-read",
    ("POST", "/api/v1/resolutions/{resolution_id}/feedback"): "resolution-answer",
    ("POST", "/api/v1/resolutions/{resolution_id}/feedback/{feedback_id}/review"): "meeting-run",
    ("POST", "/api/v1/topics/{topic_id}/evidence"): "topic-edit",
    ("GET", "/api/v1/topics/{topic_id}/evidence"): "topic-read",
    ("GET", "/api/v1/topics/{topic_id}/evidence/{evidence_id}"): "topic-read",
    ("POST", "/api/v1/resolutions/{resolution_id}/feedback/{feedback_id}/evidence"): "resolution-answer",
    ("GET", "/api/v1/resolutions/{resolution_id}/feedback/{feedback_id}/evidence"): "resolution-read",
    (
        "GET",
        "/api/v1/resolutions/{resolution_id}/feedback/{feedback_id}/evidence/{evidence_id}",
    ): "resolution-read",
    ("POST", "/api/v1/resolutions/{resolution_id}/escalate"): "meeting-run",
    # --- scoring-worker -------------------------------------------------------------------------------------
    ("GET", "/api/v1/scoring/units/{unit_id}/completed-investment"): "unit-figures",
    ("GET", "/api/v1/scoring/units/{unit_id}/facts"): "unit-figures",
    ("GET", "/api/v1/scoring/facts"): "office-only",
    ("POST", "/api/v1/scoring/facts/imports"): "office-only",
    ("GET", "/api/v1/scoring/facts/imports/{import_id}"): "office-only",
    ("GET", "/api/v1/scoring/rule-sets"): "any-person",
    ("POST", "/api/v1/scoring/rule-sets"): "office-only",
    ("GET", "/api/v1/scoring/rule-sets/{rule_set_id}"): "any-person",
    ("PUT", "/api/v1/scoring/rule-sets/{rule_set_id}"): "office-only",
    ("POST", "/api/v1/scoring/units/{unit_id}/judgements"): "office-act",
    ("GET", "/api/v1/scoring/units/{unit_id}/judgements"): "unit-figures",
    ("POST", "/api/v1/scoring/judgements/{judgement_id}/withdraw"): "office-act",
    ("GET", "/api/v1/scoring/standings"): "any-person",
    ("GET", "/api/v1/scoring/standings.xlsx"): "any-person",
    ("GET", "/api/v1/scoring/units/{unit_id}/sheet"): "unit-figures",
    ("GET", "/api/v1/scoring/units/{unit_id}/history"): "unit-figures",
    ("POST", "/api/v1/scoring/assessments"): "office-only",
    ("GET", "/api/v1/scoring/assessments"): "any-person",
    ("GET", "/api/v1/scoring/assessments/{assessment_id}"): "any-person",
    ("GET", "/api/v1/scoring/assessments/{assessment_id}/facts"): "office-read",
    # --- notifier -------------------------------------------------------------------------------------------
    ("GET", "/api/v1/notification-preferences/units/{unit_id}"): "unit-settings-read",
    ("PUT", "/api/v1/notification-preferences/units/{unit_id}"): "unit-settings-write",
    ("GET", "/api/v1/notification-preferences/me"): "any-person",
    ("GET", "/api/v1/notification-preferences/people/{person_id}"): "person-channels",
    ("PUT", "/api/v1/notification-preferences/people/{person_id}"): "person-channels",
    ("GET", "/api/v1/inbox"): "any-person",
    ("GET", "/api/v1/inbox/unread-count"): "any-person",
    ("GET", "/api/v1/inbox/{item_id}"): "any-person",
    ("POST", "/api/v1/inbox/{item_id}/read"): "any-person",
    ("POST", "/api/v1/inbox/{item_id}/acknowledge"): "any-person",
    ("GET", "/api/v1/notifications/deliveries"): "office-only",
    ("GET", "/api/v1/notifications/deliveries.xlsx"): "office-only",
    ("POST", "/api/v1/notifications/deliveries/{delivery_id}/retry"): "office-only",
    ("GET", "/api/v1/notifications"): "office-only",
    ("GET", "/api/v1/notifications/{notification_id}"): "office-only",
}

_INDEX = {kind: i for i, kind in enumerate(SIGNED_IN)}


def rule_of(method: str, template: str) -> str | None:
    return OPERATIONS.get((method, template))


def expected(method: str, template: str, principal: str, owner: str) -> frozenset[str]:
    """The accepted classes of one cell; empty when the operation is missing from the table."""
    rule = rule_of(method, template)
    if rule is None:
        return frozenset()
    if principal in UNSIGNED:
        return CODES["A"] if rule == "public" else CODES["T"] if rule == "sign-in" else CODES["U"]
    codes = RULES[rule][_INDEX[principal]]
    if len(codes) == 1:
        return CODES[codes]
    if owner not in OBJECTS:
        raise AssertionError(f"rule {rule} gives per-object codes, but {method} {template} names no object")
    return CODES[codes[OBJECTS.index(owner)]]
