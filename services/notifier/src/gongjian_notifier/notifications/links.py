"""Deep links of notifications (消息链接): each one a route of the platform's API, under `API_PREFIX`.

A notification's link is `base_url` + one of these paths; the front end opens the same path without the API
prefix. Every template here must name a route of the four services' OpenAPI documents (a unit test checks
it), so a message never points nowhere.
"""

from __future__ import annotations

API_PREFIX = "/api/v1"

MEETING = "/meetings/{meeting_id}"
MEETING_TOPICS = "/meetings/{meeting_id}/topics"
MEETING_AGENDA = "/meetings/{meeting_id}/agenda"
TOPIC = "/topics/{topic_id}"
RESOLUTION = "/resolutions/{resolution_id}"
PROGRESS_MONTH = "/progress-reports?year={year}&month={month}"
PROGRESS_REPORT = "/progress-reports/{report_id}"
PROJECT = "/projects/{project_id}"
PROJECT_RECOGNITIONS = "/projects/{project_id}/recognitions"
RECOGNITION_QUEUE = "/recognitions?status=pending"
LEADER_PROJECTS = "/projects?leader_id={leader_id}&year={year}"
OBSTACLE = "/ledger/obstacles/{obstacle_id}"
CONCENTRATED_START = "/concentrated-starts/{concentrated_start_id}"
INBOX = "/inbox"
INBOX_AWAITING_ACK = "/inbox?awaiting_ack=true"
NOTIFICATIONS = "/notifications"

TEMPLATES = (
    MEETING,
    MEETING_TOPICS,
    MEETING_AGENDA,
    TOPIC,
    RESOLUTION,
    PROGRESS_MONTH,
    PROGRESS_REPORT,
    PROJECT,
    PROJECT_RECOGNITIONS,
    RECOGNITION_QUEUE,
    LEADER_PROJECTS,
    OBSTACLE,
    CONCENTRATED_START,
    INBOX,
    INBOX_AWAITING_ACK,
    NOTIFICATIONS,
)
